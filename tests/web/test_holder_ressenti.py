"""A participant answers alone on their phone, through their private link, about their recent ateliers."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from badges.models import Ressenti
from badges.services.holders import private_link
from badges.services.programme import pathways
from tests.factories import count_committed, enrol, make_atelier, make_award, make_beneficiary, make_pathway

D06 = "parcours-decouverte:D-06"


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def holder(app, session, keyring, links, now):
    """Awa came to the 10 March atelier (the clock says 12 March); Karim, enrolled too, did not come."""
    credential = make_award(session, keyring, links, now)
    awa = credential.beneficiary
    karim = make_beneficiary(session, credential.issuer, now, display_name="Karim")
    pathway = make_pathway(session, credential.issuer, now)
    enrol(session, pathway, now, awa, karim)
    atelier = make_atelier(session, pathway, now)
    entries = [
        {"beneficiary": awa.public_id, "present": True},
        {"beneficiary": karim.public_id, "present": False},
    ]
    pathways.record_attendance(session, atelier=atelier, data={"attendance": entries})
    secret = app.config["LINK_SECRET"].encode()
    token = private_link.private_token(session, beneficiary=awa, secret=secret, now=now)
    other = private_link.private_token(session, beneficiary=karim, secret=secret, now=now)
    session.commit()
    return {
        "person": awa,
        "token": token,
        "other": other,
        "atelier": atelier,
        "url": f"/mes-badges/{token}/ateliers/{atelier.public_id}/ressenti",
    }


def test_the_home_page_asks_about_the_recent_atelier_and_the_answer_is_kept(client, holder, session):
    home = client.get(f"/mes-badges/{holder['token']}")
    assert "Comment s’est passé l’atelier du 10 mars ?" in text_of(home)
    page = client.get(holder["url"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Elle ne va pas dans vos badges." in text_of(page)
    response = client.post(
        holder["url"], data={"feeling": "bien", "items": [f"acquis:{D06}"], "words": "Top"}
    )
    assert response.status_code == 303
    done = client.get(response.headers["Location"])
    assert "Merci. Votre réponse est enregistrée." in text_of(done)
    assert 'value="bien" checked' in done.get_data(as_text=True)
    assert "Vous avez répondu." in text_of(client.get(f"/mes-badges/{holder['token']}"))
    client.post(holder["url"], data={"feeling": "moyen"})  # edited while the atelier is recent
    assert count_committed(session, Ressenti) == 1
    session.expire_all()
    stored = session.query(Ressenti).one()
    assert (stored.feeling, stored.source, stored.items) == ("moyen", "lien", [])


def test_a_wrong_answer_says_what_to_fix_and_keeps_it(client, holder, session):
    response = client.post(
        holder["url"], data={"words": "Je veux plus de temps", "items": [f"a_revoir:{D06}"]}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choisissez une image : comment vous êtes-vous senti ?" in text_of(response)
    assert "Je veux plus de temps</textarea>" in page and f'value="a_revoir:{D06}" checked' in page
    assert count_committed(session, Ressenti) == 0


def test_only_one_s_own_attended_recent_ateliers_open(app, client, holder, session):
    other_url = f"/mes-badges/{holder['other']}/ateliers/{holder['atelier'].public_id}/ressenti"
    assert client.get(other_url).status_code == 404  # Karim did not come
    assert client.post(other_url, data={"feeling": "bien"}).status_code == 404
    assert client.get(f"/mes-badges/nope/ateliers/{holder['atelier'].public_id}/ressenti").status_code == 404
    assert client.get(f"/mes-badges/{holder['token']}/ateliers/unknown/ressenti").status_code == 404
    app.config["CLOCK"].frozen = datetime(2026, 4, 30, 10, tzinfo=UTC)  # the answer window closed
    assert client.get(holder["url"]).status_code == 404
    assert "Comment s’est passé" not in text_of(client.get(f"/mes-badges/{holder['token']}"))
    assert count_committed(session, Ressenti) == 0


def test_the_participant_page_never_shows_the_internal_typology(client, holder, session):
    holder["person"].profile = "exclu"
    session.commit()
    for url in (f"/mes-badges/{holder['token']}", holder["url"]):
        page = text_of(client.get(url)).casefold()
        assert not any(word in page for word in ("exclu", "intermédiaire", "initié", "profil"))
