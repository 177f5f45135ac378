"""The médiateur's tablet round and the group's ressenti on the atelier page (no names, no ranking)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from badges.models import Atelier, Pathway, Ressenti
from badges.services.programme import pathways
from tests.factories import count_committed, enrol, make_atelier, make_beneficiary
from tests.web.staff.conftest import post, text

D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


@pytest.fixture
def staff(as_role):
    return as_role("staff")


@pytest.fixture
def round_(session, world, now):
    """Awa (the award's holder), Karim and Lina enrolled; Awa and Lina present, Karim absent."""
    atelier = session.scalars(select(Atelier).where(Atelier.public_id == world.atelier_id)).one()
    pathway = session.get(Pathway, atelier.pathway_id)
    karim, lina = (make_beneficiary(session, world.issuer, now, display_name=n) for n in ("Karim", "Lina"))
    enrol(session, pathway, now, karim, lina)
    awa = world.award.beneficiary
    awa.display_name = "Awa"
    entries = [(awa, True), (karim, False), (lina, True)]
    data = {"attendance": [{"beneficiary": p.public_id, "present": here} for p, here in entries]}
    pathways.record_attendance(session, atelier=atelier, data=data)
    session.commit()
    base = f"/staff/ateliers/{world.atelier_id}/ressenti"
    return {"base": base, "awa": awa, "karim": karim, "lina": lina, "atelier": atelier, "pathway": pathway}


def test_the_round_goes_person_by_person_and_the_page_sums_it_up(staff, round_, session):
    start = text(staff.get(round_["base"]))
    assert "2 personnes présentes." in start and "Commencer le tour" in start
    first = staff.get(f"{round_['base']}/{round_['awa'].public_id}")
    page = text(first)
    assert "Personne 1 sur 2" in page and "À vous, Awa" in page and "Je veux revoir." in page
    # The tablet goes from hand to hand: no menu to the rest of the staff space (people's records).
    assert 'class="staff-nav"' not in first.get_data(as_text=True) and "Bénéficiaires" not in page
    data = {
        "feeling": "tres_bien",
        "items": [f"acquis:{D06}", f"a_revoir:{D07}"],
        "words": "Merci",
        "action": "suivant",
    }
    response = post(staff, f"{round_['base']}/{round_['awa'].public_id}", data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/ressenti/{round_['lina'].public_id}")
    response = post(
        staff, f"{round_['base']}/{round_['lina'].public_id}", {"feeling": "difficile", "words": "Trop vite"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("#ressenti")
    summary = text(staff.get(f"/staff/ateliers/{round_['atelier'].public_id}"))
    assert "2 réponses pour 2 personnes présentes." in summary
    assert "Très bien : 1" in summary and "Difficile : 1" in summary and "Moyen : 0" in summary
    assert "Merci" in summary and "Trop vite" in summary
    section = summary.split("Ressenti du groupe", 1)[1].split("Badges du groupe", 1)[0]
    assert "Awa" not in section and "Lina" not in section  # never a name next to a feeling
    assert count_committed(session, Ressenti) == 2


def test_passer_stores_nothing_and_goes_on(staff, round_, session):
    response = post(staff, f"{round_['base']}/{round_['awa'].public_id}", {"action": "passer"})
    assert response.status_code == 303 and response.headers["Location"].endswith(round_["lina"].public_id)
    assert count_committed(session, Ressenti) == 0


def test_a_wrong_answer_is_named_kept_and_not_stored(staff, round_, session):
    url = f"{round_['base']}/{round_['awa'].public_id}"
    response = post(staff, url, {"items": [f"acquis:{D06}"], "words": "Bien compris"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choisissez une image : comment vous êtes-vous senti ?" in text(response)
    assert f'value="acquis:{D06}" checked' in page and "Bien compris</textarea>" in page
    response = post(staff, url, {"feeling": "bien", "words": "x" * 301})
    assert response.status_code == 422 and "Ce champ dépasse 300 caractères." in text(response)
    assert 'value="bien" checked' in response.get_data(as_text=True)
    response = post(staff, url, {"feeling": "bien", "items": ["acquis:pix-crcn:1.1"]})
    assert response.status_code == 422 and "Cette phrase ne fait pas partie de cet atelier." in text(response)
    assert count_committed(session, Ressenti) == 0


def test_an_absent_or_another_place_s_person_has_no_screen(
    staff, round_, world, session, now, keyring, links
):
    assert staff.get(f"{round_['base']}/{round_['karim'].public_id}").status_code == 404
    stranger = make_beneficiary(session, world.other_issuer, now)
    session.commit()
    assert staff.get(f"{round_['base']}/{stranger.public_id}").status_code == 404
    response = post(staff, f"{round_['base']}/{round_['karim'].public_id}", {"feeling": "bien"})
    assert response.status_code == 404 and count_committed(session, Ressenti) == 0


def test_the_next_atelier_shows_what_to_review(staff, round_, session, now):
    post(
        staff,
        f"{round_['base']}/{round_['awa'].public_id}",
        {"feeling": "bien", "items": [f"a_revoir:{D07}"]},
    )
    post(
        staff,
        f"{round_['base']}/{round_['lina'].public_id}",
        {"feeling": "bien", "items": [f"a_revoir:{D07}"]},
    )
    later = make_atelier(session, round_["pathway"], now, held_on="2026-03-17")
    session.commit()
    page = text(staff.get(f"/staff/ateliers/{later.public_id}"))
    assert "À revoir" in page and "2 personnes (10 mars)" in page
    pathway = text(staff.get(f"/staff/pathways/{round_['pathway'].public_id}"))
    assert (
        "Ressenti au fil des ateliers" in pathway
        and "Awa" not in pathway.split("Ressenti au fil", 1)[1].split("Personnes inscrites")[0]
    )


def test_the_export_gives_the_person_s_answers(staff, round_, session):
    post(
        staff, f"{round_['base']}/{round_['awa'].public_id}", {"feeling": "moyen", "items": [f"appris:{D06}"]}
    )
    page = text(staff.get(f"/staff/beneficiaries/{round_['awa'].public_id}"))
    assert "Télécharger son ressenti des ateliers (JSON)" in page
    response = staff.get(f"/staff/beneficiaries/{round_['awa'].public_id}/ressenti.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    exported = json.loads(response.get_data(as_text=True))
    assert [(e["feeling"], e["items"][0]["kind"]) for e in exported] == [("moyen", "appris")]
    lina = json.loads(staff.get(f"/staff/beneficiaries/{round_['lina'].public_id}/ressenti.json").get_data())
    assert lina == []


def test_key_figures_show_the_ressenti_and_put_it_in_the_csv(staff, round_):
    post(
        staff, f"{round_['base']}/{round_['awa'].public_id}", {"feeling": "bien", "items": [f"acquis:{D06}"]}
    )
    post(
        staff,
        f"{round_['base']}/{round_['lina'].public_id}",
        {"feeling": "bien", "items": [f"a_revoir:{D07}"]},
    )
    page = text(staff.get("/staff/figures?from=2026-01-01&to=2026-12-31"))
    assert "Ressenti des participants" in page and "100 % des ateliers vécus positivement" in page
    assert "Parcours Découverte D-06" in page
    body = staff.get("/staff/figures.csv?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert "Ateliers vécus positivement;1" in body and "Réponses « Bien »;2" in body, body
    assert "Awa" not in body and "Lina" not in body
