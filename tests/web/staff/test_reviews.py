"""Review flags on staff screens: a lower result behind a badge is listed, reviewed, never revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from badges.models import Beneficiary, Credential, Pathway, ReviewFlag
from tests.factories import enrol, make_award, make_beneficiary, make_flag, make_rule_badge_class
from tests.web.staff.conftest import post, text

D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


@pytest.fixture
def staff(as_role):
    return as_role("staff")


def flag_of(session, world) -> ReviewFlag:
    session.rollback()
    return session.scalars(select(ReviewFlag).where(ReviewFlag.public_id == world.flag_id)).one()


def grid(staff, world, person: Beneficiary, result: str):
    data = {"moment": "apres", "method": "observation"}
    data.update({f"r|{person.public_id}|{ref}": result for ref in (D06, D07)})
    return post(staff, f"/staff/ateliers/{world.atelier_id}/grid", data, follow_redirects=True)


def test_a_lower_result_in_the_grid_is_announced_and_listed_for_review(staff, session, world, now):
    pathway = session.scalars(select(Pathway).where(Pathway.public_id == world.pathway_id)).one()
    karim = make_beneficiary(session, world.issuer, now, display_name="Karim", email=None)
    enrol(session, pathway, now, karim)
    make_rule_badge_class(session, world.issuer, now)
    session.commit()
    assert "1 badge délivré : Mes premiers e-mails (Karim)" in text(grid(staff, world, karim, "N2"))
    assert "1 badge est à revoir." in text(grid(staff, world, karim, "N1"))
    page = text(staff.get("/staff/flags"))
    assert "Mes premiers e-mails" in page and "Karim" in page and "N2 puis N1" in page
    assert "D-06" in page and "D-07" in page
    assert "3 signalements à traiter" in text(staff.get("/staff/"))
    badge = session.scalars(select(Credential).where(Credential.beneficiary_id == karim.id)).one()
    assert badge.revoked_at is None


def test_the_list_shows_only_the_tiers_lieu_s_open_flags(staff, session, keyring, links, now, world):
    other = make_award(session, keyring, links, now, issuer=world.other_issuer, display_name="Zoé")
    foreign = make_flag(session, other, now)
    session.commit()
    page = text(staff.get("/staff/flags"))
    assert "Awa" in page and "Zoé" not in page
    assert "Aucun signalement déjà traité." in text(staff.get("/staff/flags?vus=1"))
    assert staff.get(f"/staff/flags/{foreign.public_id}").status_code == 404


def test_reviewing_a_flag_keeps_the_badge_and_records_who_and_why(staff, session, world):
    url = f"/staff/flags/{world.flag_id}"
    assert "Le badge reste valide." in text(staff.get(url))
    response = post(staff, url, {"note": "Jour difficile, revu au prochain atelier."}, follow_redirects=True)
    assert "Le signalement est traité. Le badge reste valide." in text(response)
    flag = flag_of(session, world)
    assert flag.resolved_at is not None and flag.resolved_by_id == world.users["staff"].id
    assert flag.resolution_note == "Jour difficile, revu au prochain atelier."
    assert flag.credential.revoked_at is None
    assert "Rien à revoir pour l’instant." in text(staff.get("/staff/flags"))
    done = text(staff.get("/staff/flags?vus=1"))
    assert "Awa" in done and "Voir" in done
    shown = text(staff.get(url))
    assert "Traité le 12 mars 2026 par Camille staff." in shown and "Jour difficile" in shown
    assert "signalement à traiter" not in text(staff.get("/staff/"))


def test_a_flag_cannot_be_reviewed_twice(staff, session, world):
    url = f"/staff/flags/{world.flag_id}"
    post(staff, url, {"note": "Vu."})
    response = post(staff, url, {"note": "Encore."}, follow_redirects=True)
    assert "Ce signalement est déjà traité." in text(response)
    assert flag_of(session, world).resolution_note == "Vu."


def test_a_note_too_long_is_refused_and_nothing_is_recorded(staff, session, world):
    response = post(staff, f"/staff/flags/{world.flag_id}", {"note": "x" * 501})
    assert response.status_code == 422
    page = text(response)
    assert "Rien n'a été enregistré." in page and "500 caractères" in page
    assert "x" * 501 in page
    assert flag_of(session, world).resolved_at is None


def test_an_erased_beneficiary_s_flag_names_nobody(staff, session, world):
    session.rollback()
    award = session.get(Credential, world.award.id)
    award.beneficiary = None
    session.commit()
    page = text(staff.get(f"/staff/flags/{world.flag_id}"))
    assert "(effacé)" in page and "Awa" not in page
