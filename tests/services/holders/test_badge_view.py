"""What the badge pages say: FALC lines, skills with their Pix / DigComp equivalents, LinkedIn link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from badges.services.credentials import issuance, revocation
from badges.services.holders import badge_view
from badges.services.shared.errors import NotFound
from tests.factories import make_award, make_beneficiary, make_issuer, make_rule_badge_class


def test_each_sentence_is_a_line():
    assert badge_view.sentences(" Je lis. Je réponds ! Et toi ?  Oui") == [
        "Je lis.",
        "Je réponds !",
        "Et toi ?",
        "Oui",
    ]


def test_reference_competences_show_once_with_their_equivalents(session, keyring, links, now):
    view = badge_view.credential_view(session, links, make_award(session, keyring, links, now), now)
    # Pix 2.1 maps to DigComp 2.1, which the class also names: it is not repeated as a skill.
    (skill,) = view["skills"]
    assert (skill["framework"], skill["code"], skill["title"]) == ("Pix / CRCN", "2.1", "Interagir")
    assert ("DigComp 2.2", "2.1") in {(e["framework"], e["code"]) for e in skill["equivalents"]}
    assert skill["url"] == links.competency("pix-crcn", "2.1")
    assert view["meaning"] == ["Je sais envoyer un e-mail avec une pièce jointe."]
    assert view["level"] == {
        "code": "N2",
        "label": "Je fais seul, pas à pas",
        "falc": "Je fais seul. Je demande de l'aide si j'ai un problème.",
    }


def test_profile_competences_come_in_falc_with_pix_and_digcomp(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_rule_badge_class(session, issuer, now)
    person = make_beneficiary(session, issuer, now)
    credential = issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    skills = badge_view.credential_view(session, links, credential, now)["skills"]
    assert [s["code"] for s in skills] == ["D-06", "D-07"]
    assert skills[0]["falc_lines"][0] == "Je crée ma boîte mail."
    codes = {(e["framework"], e["code"]) for e in skills[0]["equivalents"]}
    assert {("Pix / CRCN", "2.1"), ("DigComp 2.2", "2.1")} <= codes
    assert "exclu" not in str(skills)


def test_status_is_live(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    assert badge_view.status(credential, now) == "valide"
    credential.valid_until = now + timedelta(days=1)
    assert badge_view.status(credential, now + timedelta(days=2)) == "expire"
    revocation.revoke(session, keyring, credential=credential, reason="Erreur", links=links, now=now)
    assert badge_view.status(credential, now) == "revoque"


def test_linkedin_link_fills_the_certification_form(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    credential.valid_until = datetime(2027, 3, 12, tzinfo=UTC)
    url = badge_view.credential_view(session, links, credential, now)["linkedin_url"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Échanger par e-mail",
        "organizationName": credential.issuer.name,
        "issueYear": "2026",
        "issueMonth": "3",
        "expirationYear": "2027",
        "expirationMonth": "3",
        "certUrl": links.credential_page(credential.public_id),
        "certId": credential.public_id,
    }


def test_an_erased_badge_has_no_view(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    revocation.erase(session, keyring, credential=credential, links=links, now=now)
    with pytest.raises(NotFound):
        badge_view.credential_view(session, links, credential, now)


def test_verifier_urls_carry_a_url_or_a_code(links):
    assert badge_view.verifier_url(links, code="ABC") == f"{links.base}/verifier?code=ABC"
    assert badge_view.verifier_url(links, url="https://x.example/a?b=c") == (
        f"{links.base}/verifier?url=https%3A%2F%2Fx.example%2Fa%3Fb%3Dc"
    )
