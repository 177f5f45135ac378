"""The evaluation grid never loses a médiateur's work: drafts, an ended session, attendance in the grid,
what a save did (badges issued with links, reasons for the others), counts said in the right number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from badges.models import Attendance, Beneficiary, Credential, Evaluation, GridDraft, Pathway
from badges.web.staff import grid_report
from tests.factories import enrol, make_beneficiary, make_rule_badge_class
from tests.web.staff.conftest import post, sign_in, text

D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"
RESTORED = "Votre saisie a été gardée. Vérifiez-la puis enregistrez."


def count(session, model) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def staff(as_role):
    return as_role("staff")


@pytest.fixture
def people(session, world, now) -> dict[str, Beneficiary]:
    """Awa (the world's), Karim and Lina in the world's pathway; a badge needing D-06 and D-07 at N2."""
    pathway = session.scalars(select(Pathway).where(Pathway.public_id == world.pathway_id)).one()
    found = {"Awa": world.award.beneficiary}
    for name in ("Karim", "Lina"):
        found[name] = make_beneficiary(session, world.issuer, now, display_name=name, email=None)
    enrol(session, pathway, now, found["Karim"], found["Lina"])
    make_rule_badge_class(session, world.issuer, now, level="N2", name="Envoyer un e-mail")
    session.commit()
    return found


@pytest.fixture
def url(world) -> str:
    return f"/staff/ateliers/{world.atelier_id}/grid"


def cell(person: Beneficiary, ref: str) -> str:
    return f"r|{person.public_id}|{ref}"


def selected(page: str, person: Beneficiary, ref: str) -> str | None:
    """The level shown selected in a cell of the grid page."""
    start = page.index(f'name="{cell(person, ref)}"')
    chunk = page[start : page.index("</select>", start)]
    for level in ("N1", "N2", "N3", "N4"):
        if f'<option value="{level}" selected>' in chunk:
            return level
    return None


def test_a_draft_comes_back_when_the_grid_opens_again_and_says_so(staff, people, url, session):
    awa, karim = people["Awa"], people["Karim"]
    draft = {
        "moment": "avant",
        "method": "quiz",
        cell(awa, D06): "N3",
        cell(karim, D07): "N9",  # out of range: not kept
        "r|inconnu|parcours-decouverte:D-06": "N2",  # not a cell of this grid: not kept
        "present": [awa.public_id, "inconnu"],
    }
    assert post(staff, url + "/draft", draft).status_code == 204
    page = staff.get(url).get_data(as_text=True)
    assert f'id="brouillon">{RESTORED}' in page
    assert selected(page, awa, D06) == "N3" and selected(page, karim, D07) is None
    assert '<option value="quiz" selected>' in page and '<option value="avant" selected>' in page
    assert (
        f'value="{awa.public_id}" id="presence-1"' in page
        and "checked" in page.split('id="presence-1"')[1][:80]
    )
    assert count(session, Evaluation) == 0, "a draft is no evaluation"


def test_a_grid_without_a_draft_says_nothing_about_one(staff, people, url):
    page = staff.get(url).get_data(as_text=True)
    assert f'id="brouillon" hidden>{RESTORED}' in page


def test_saving_the_grid_discards_its_draft(staff, people, url, session):
    awa = people["Awa"]
    post(staff, url + "/draft", {cell(awa, D06): "N2"})
    assert count(session, GridDraft) == 1
    response = post(staff, url, {"moment": "pendant", "method": "observation", cell(awa, D06): "N2"})
    assert response.status_code == 303 and "enregistree=1" in response.headers["Location"]
    assert count(session, GridDraft) == 0
    assert f'id="brouillon" hidden>{RESTORED}' in staff.get(url).get_data(as_text=True)


def test_a_draft_of_another_tiers_lieu_s_atelier_is_not_found_and_not_kept(as_role, people, url, session):
    other = as_role("other_staff")
    assert post(other, url + "/draft", {cell(people["Awa"], D06): "N2"}).status_code == 404
    assert count(session, GridDraft) == 0


def test_a_grid_posted_after_the_session_ended_leads_to_sign_in_then_back_to_the_grid(
    app, client, world, people, url, session, now, monkeypatch
):
    monkeypatch.setitem(app.config, "STAFF_IDLE_MINUTES", 1)
    sign_in(client, world.users["staff"])
    awa = people["Awa"]
    assert post(client, url + "/draft", {cell(awa, D06): "N2"}).status_code == 204
    app.config["CLOCK"].frozen = now + timedelta(minutes=2)
    # The page's autosave is the first to meet the ended session; the save that follows is no CSRF error.
    assert post(client, url + "/draft", {cell(awa, D06): "N2"}).status_code == 302
    response = post(client, url, {"moment": "pendant", "method": "observation", cell(awa, D06): "N2"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=" + url
    assert count(session, Evaluation) == 0
    response = post(
        client,
        "/staff/login",
        {"email": world.users["staff"].email, "password": "correct horse battery", "next": url},
    )
    assert response.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert f'id="brouillon">{RESTORED}' in page and selected(page, awa, D06) == "N2"


def test_the_grid_saves_who_came_with_the_levels(staff, world, people, url, session):
    awa, karim, lina = people["Awa"], people["Karim"], people["Lina"]
    atelier_page = f"/staff/ateliers/{world.atelier_id}"
    assert "Les présences de cet atelier ne sont pas encore enregistrées" in text(staff.get(atelier_page))
    data = {"moment": "pendant", "method": "observation", cell(awa, D06): "N2", cell(karim, D06): "N1"}
    post(staff, url, {**data, "present": [awa.public_id, karim.public_id]})
    session.rollback()
    present = {a.beneficiary_id: a.present for a in session.scalars(select(Attendance))}
    assert present == {awa.id: True, karim.id: True, lina.id: False}
    assert "Les présences de cet atelier ne sont pas encore enregistrées" not in text(staff.get(atelier_page))


def test_the_grid_opens_with_what_was_saved_and_saves_only_what_changed(staff, people, url, session):
    awa, karim = people["Awa"], people["Karim"]
    data = {"moment": "pendant", "method": "observation", cell(awa, D06): "N2", "present": [awa.public_id]}
    post(staff, url, data)
    page = staff.get(url).get_data(as_text=True)
    assert selected(page, awa, D06) == "N2" and selected(page, karim, D06) is None
    response = post(staff, url, {**data, cell(karim, D07): "N1"}, follow_redirects=True)
    assert "Grille enregistrée : 1 évaluation." in text(response)
    assert count(session, Evaluation) == 2


def test_the_saved_count_agrees_in_number(staff, people, url):
    awa = people["Awa"]
    data = {"moment": "pendant", "method": "observation", cell(awa, D06): "N1", cell(awa, D07): "N1"}
    assert "Grille enregistrée : 2 évaluations." in text(post(staff, url, data, follow_redirects=True))


def test_the_page_after_a_save_links_each_badge_issued_and_explains_the_others(staff, people, url, session):
    awa, karim, lina = people["Awa"], people["Karim"], people["Lina"]
    karim.consent_at = None
    session.commit()
    data = {"moment": "apres", "method": "observation", cell(awa, D06): "N2"}
    data.update({cell(p, ref): "N2" for p in (karim, lina) for ref in (D06, D07)})
    response = post(staff, url, data, follow_redirects=True)
    page = text(response)
    assert "Badge « Envoyer un e-mail » pour Awa : il manque Parcours Découverte D-07 au niveau N2." in page
    assert "Badge « Envoyer un e-mail » pour Karim : consentement manquant." in page
    issued = response.get_data(as_text=True).split("<h3>Badges délivrés</h3>")[1]
    assert 'href="/staff/awards/' in issued and "Badge « Envoyer un e-mail » pour Lina" in issued
    (award,) = session.scalars(select(Credential).where(Credential.beneficiary_id == lina.id))
    assert f'href="/staff/awards/{award.public_id}/certificate.pdf"' in issued, "printed in one click"
    assert "Ce que l’enregistrement a fait" not in text(staff.get(url)), "said once, after the save"


@pytest.mark.parametrize(
    ("level", "message"),
    [("N5", "niveau attendu : N1, N2, N3, N4"), ("", None)],
)
def test_a_bad_level_stores_nothing(staff, people, url, session, level, message):
    data = {"moment": "pendant", "method": "observation", cell(people["Awa"], D06): level}
    response = post(staff, url, data)
    assert response.status_code == 422
    assert (message or "Choisissez au moins un niveau dans la grille.") in text(response)
    assert count(session, Evaluation) == 0 and count(session, Attendance) == 0


def test_the_atelier_form_shows_each_badge_s_competences_and_those_the_atelier_covers(staff, world, people):
    page = staff.get(f"/staff/ateliers/{world.atelier_id}/edit").get_data(as_text=True)
    needs = page.split('class="badge-needs"')[1].split("</section>")[0]
    assert "Badge « Envoyer un e-mail » (niveau N2)" in needs
    d06 = needs.split(f'data-competence="{D06}"')[1].split("</li>")[0]
    assert "Parcours Découverte D-06 Créer une adresse e-mail" in d06
    assert 'class="covered"' in needs and '<strong class="covered-mark">travaillée ici</strong>' in d06
    response = post(
        staff,
        f"/staff/ateliers/{world.atelier_id}/edit",
        {"title": "", "held_on": "2026-03-10", "duration_minutes": "120", "competencies": [D07]},
    )
    redrawn = response.get_data(as_text=True).split('class="badge-needs"')[1]
    assert "travaillée ici</strong>" in redrawn.split(f'data-competence="{D07}"')[1].split("</li>")[0]
    assert "hidden>travaillée ici" in redrawn.split(f'data-competence="{D06}"')[1].split("</li>")[0]


def test_the_atelier_page_and_the_grid_name_the_framework_next_to_the_code(staff, world, people, url):
    assert "Parcours Découverte D-06 Créer une adresse e-mail" in text(
        staff.get(f"/staff/ateliers/{world.atelier_id}")
    )
    assert "Parcours Découverte D-06 Créer une adresse e-mail" in text(staff.get(url))


@pytest.mark.parametrize(
    ("cells", "english"), [(1, "Grid saved: 1 assessment."), (2, "Grid saved: 2 assessments.")]
)
def test_the_saved_count_agrees_in_number_in_english_too(staff, people, url, cells, english):
    awa = people["Awa"]
    data = {"moment": "pendant", "method": "observation", cell(awa, D06): "N1"}
    if cells == 2:
        data[cell(awa, D07)] = "N1"
    staff.get(url + "?lang=en")
    page = text(post(staff, url, data, follow_redirects=True))
    assert english in page and "The levels" in page and "Badge “Envoyer un e-mail” for Awa" in page


def test_with_nothing_ticked_and_no_attendance_yet_people_with_a_result_are_present(
    staff, people, url, session
):
    awa, karim = people["Awa"], people["Karim"]
    post(staff, url, {"moment": "pendant", "method": "observation", cell(awa, D06): "N1"})
    session.rollback()
    present = {a.beneficiary_id: a.present for a in session.scalars(select(Attendance))}
    assert present[awa.id] is True and present[karim.id] is False


def test_the_grid_of_another_tiers_lieu_s_atelier_is_not_found_and_stores_nothing(
    as_role, people, url, session
):
    other = as_role("other_staff")
    data = {"moment": "pendant", "method": "observation", cell(people["Awa"], D06): "N2", "present": []}
    assert post(other, url, data).status_code == 404
    assert count(session, Evaluation) == 0 and count(session, Attendance) == 0


def test_a_cell_naming_someone_outside_the_group_is_not_read(staff, people, url, session):
    data = {"moment": "pendant", "method": "observation", "r|inconnu|parcours-decouverte:D-06": "N2"}
    response = post(staff, url, data)
    assert response.status_code == 422 and "Choisissez au moins un niveau dans la grille." in text(response)
    assert count(session, Evaluation) == 0


def test_a_long_report_gives_the_count_of_the_lines_left_out(staff, people, url, monkeypatch):
    monkeypatch.setattr(grid_report, "MAX_LINES", 1)
    data = {"moment": "pendant", "method": "observation"}
    data.update({cell(p, D06): "N1" for p in people.values()})
    page = text(post(staff, url, data, follow_redirects=True))
    assert "Et 2 autres lignes : voyez la fiche de chaque personne." in page
