"""The verification page and API report a badge's endorsements apart from its verdict (issue 16)."""

from __future__ import annotations

import json

from badges.services.credentials import endorsements
from tests.factories import make_coordinator
from tests.services.credentials.test_endorsements import SETTINGS
from tests.web.test_verifier_page import post, verdict


def endorse(session, keyring, links, now, award) -> None:
    coordinator, _ = make_coordinator(session, now)
    data = {
        "target": "badge_class",
        "id": award.badge_class.public_id,
        "comment": "Le réseau reconnaît ce badge.",
    }
    endorsements.endorse(
        session, keyring, actor=coordinator, data=data, settings=SETTINGS, links=links, now=now
    )
    session.commit()


def test_the_page_lists_the_endorsement_under_a_valid_badge(client, session, keyring, links, now, award):
    endorse(session, keyring, links, now, award)
    page = post(client, texte=award.ob3_credential)
    assert verdict(page).startswith("Badge valide")
    text = page.get_data(as_text=True)
    assert "Recommandations" in text
    assert "Recommandation de Coordination du réseau : « Le réseau reconnaît ce badge. »." in text


def test_the_api_reports_each_endorsement_with_its_checks(client, session, keyring, links, now, award):
    endorse(session, keyring, links, now, award)
    answer = client.post("/api/v1/verify", json={"credential": json.loads(award.ob3_credential)})
    assert answer.status_code == 200 and answer.json["valid"] is True
    [found] = answer.json["endorsements"]
    assert found["counted"] is True and found["name"] == "endorsement"
    assert {c["name"] for c in found["checks"]} >= {"signature", "key", "status", "subject", "schema"}
