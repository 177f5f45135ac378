"""Staff screens on programme data: every invalid form shows a precise French message and changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from badges import jobs
from badges.models import Atelier, Beneficiary, Credential, Evaluation, Pathway, PendingAward
from tests.factories import (
    count_committed,
    enrol,
    make_agency,
    make_beneficiary,
    make_pathway,
    make_rule_badge_class,
)
from tests.web.staff.conftest import post, text

D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


@pytest.fixture
def staff(as_role):
    return as_role("staff")


@pytest.fixture
def group(session, world, now):
    """Two more people in the world's pathway, a self-awarding badge class; returns the grid URL."""
    pathway = session.scalars(select(Pathway).where(Pathway.public_id == world.pathway_id)).one()
    people = [
        make_beneficiary(session, world.issuer, now, display_name=n, email=None) for n in ("Karim", "Lina")
    ]
    enrol(session, pathway, now, *people)
    make_rule_badge_class(session, world.issuer, now)
    session.commit()
    return f"/staff/ateliers/{world.atelier_id}/grid"


def cell(person: Beneficiary, ref: str) -> str:
    return f"r|{person.public_id}|{ref}"


def test_a_pathway_form_with_errors_says_what_to_fix_and_creates_nothing(staff, session):
    before = count_committed(session, Pathway)
    data = {"title": "", "type": "", "start_date": "12/03/2026", "end_date": "2026-01-01"}
    response = post(staff, "/staff/pathways/new", data)
    assert response.status_code == 422
    page = text(response)
    assert "Titre : Ce champ est obligatoire." in page
    assert "Choisissez le type de parcours." in page and "Choisissez la catégorie du parcours." in page
    assert "Date attendue au format AAAA-MM-JJ." in page
    assert count_committed(session, Pathway) == before


def test_a_pathway_is_created_then_an_atelier_in_it(staff, session):
    data = {
        "title": "Premiers pas",
        "type": "long",
        "category": "hybride_creatif",
        "start_date": "2026-03-01",
    }
    response = post(staff, "/staff/pathways/new", data)
    assert response.status_code == 303
    url = response.headers["Location"]
    assert "Premiers pas" in text(staff.get(url)) and "Parcours long" in text(staff.get(url))
    refused = post(
        staff, url + "/ateliers/new", {"title": "Atelier", "held_on": "2026-02-01", "duration_minutes": "5"}
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "La date de l'atelier est en dehors des dates du parcours." in page
    assert "Nombre attendu entre 15 et 600." in page
    assert "Cochez au moins une compétence travaillée" in page
    data = {
        "title": "Créer son adresse",
        "held_on": "2026-03-10",
        "duration_minutes": "90",
        "competencies": [D06],
    }
    assert post(staff, url + "/ateliers/new", data).status_code == 303
    week = text(staff.get("/staff/ateliers?date=2026-03-12"))
    assert "Créer son adresse" in week and "Mardi 10 mars 2026" in week
    assert count_committed(session, Atelier) == 2


def test_an_atelier_title_naming_a_profile_is_refused(staff, world, session):
    data = {
        "title": "Atelier pour les exclus",
        "held_on": "2026-03-10",
        "duration_minutes": "60",
        "competencies": [D06],
    }
    response = post(staff, f"/staff/ateliers/{world.atelier_id}/edit", data)
    assert response.status_code == 422
    assert session.scalars(select(Atelier)).first().title != "Atelier pour les exclus"


def test_a_wrong_grid_cell_is_named_everything_typed_is_kept_and_nothing_is_saved(
    staff, world, group, session
):
    awa = world.award.beneficiary
    karim = session.scalars(select(Beneficiary).where(Beneficiary.display_name == "Karim")).one()
    data = {"moment": "pendant", "method": "observation", cell(awa, D06): "N9", cell(karim, D07): "N3"}
    response = post(staff, group, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"Cellule {awa.display_name} × D-06 : niveau attendu : N1, N2, N3, N4." in text(response)
    assert (
        '<option value="N3" selected>N3</option>' in page
        and '<option value="N9" selected>N9</option>' in page
    )
    assert count_committed(session, Evaluation) == 0


def test_an_empty_grid_asks_for_a_level(staff, group, session):
    response = post(staff, group, {"moment": "pendant", "method": "observation"})
    assert response.status_code == 422
    assert "Choisissez au moins un niveau dans la grille." in text(response)


def test_a_saved_grid_announces_the_badges_it_issued(staff, world, group, session):
    people = session.scalars(select(Beneficiary).where(Beneficiary.issuer_id == world.issuer.id)).all()
    data = {"moment": "apres", "method": "mise_en_situation"}
    data.update({cell(p, ref): "N2" for p in people for ref in (D06, D07)})
    response = post(staff, group, data, follow_redirects=True)
    assert response.status_code == 200
    flash = text(response).split("Grille enregistrée")[1][:300]
    assert flash.startswith(" : 6 évaluations. 3 badges délivrés : Mes premiers e-mails (Awa)"), flash
    assert "1 badge attend l’accord" not in text(response)
    assert count_committed(session, Credential) == 1 + 3


def test_consent_recorded_issues_the_badge_that_waited(staff, world, group, session, now):
    karim = session.scalars(select(Beneficiary).where(Beneficiary.display_name == "Karim")).one()
    karim.consent_at = None
    session.commit()
    data = {"moment": "apres", "method": "observation", cell(karim, D06): "N2", cell(karim, D07): "N2"}
    assert "1 badge attend l’accord de la personne." in text(post(staff, group, data, follow_redirects=True))
    page = text(staff.get(f"/staff/beneficiaries/{karim.public_id}"))
    assert "Badges en attente de son accord" in page
    response = post(staff, f"/staff/beneficiaries/{karim.public_id}/consent", follow_redirects=True)
    assert "L’accord est enregistré. 1 badge délivré" in text(response)
    assert count_committed(session, PendingAward) == 0


def test_a_beneficiary_form_refuses_bad_input_and_keeps_it(staff, session):
    before = count_committed(session, Beneficiary)
    data = {"display_name": "", "email": "pas-une-adresse", "phone": "abc", "profile": "autre"}
    response = post(staff, "/staff/beneficiaries/new", data)
    assert response.status_code == 422
    page = text(response)
    assert "Ce champ est obligatoire." in page and "Adresse e-mail invalide." in page
    assert "Numéro de téléphone invalide." in page and "Choisissez un profil dans la liste." in page
    assert 'value="pas-une-adresse"' in response.get_data(as_text=True)
    assert count_committed(session, Beneficiary) == before


def test_editing_a_beneficiary_can_clear_the_email(staff, world, session):
    person = world.award.beneficiary
    data = {"display_name": "Awa B.", "email": "", "profile": "initie"}
    assert post(staff, f"/staff/beneficiaries/{person.public_id}/edit", data).status_code == 303
    session.rollback()
    assert (person.display_name, person.email, person.profile) == ("Awa B.", None, "initie")


def csv_file(rows: list[list[str]]) -> tuple[io.BytesIO, str]:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return io.BytesIO(out.getvalue().encode()), "personnes.csv"


def test_an_import_with_one_bad_row_imports_nothing_and_lists_each_error(staff, session):
    before = count_committed(session, Beneficiary)
    rows = [["prenom_ou_alias", "email", "accord"], ["Nadia", "nadia@example.org", "oui"],
            ["", "x@", "peut-être"], ["Omar", "", "non"]]  # fmt: skip
    response = post(staff, "/staff/beneficiaries/import", {"fichier": csv_file(rows)})
    assert response.status_code == 422
    page = text(response)
    assert "Import refusé : rien n’a été enregistré." in page
    assert "3 prenom_ou_alias Ce champ est obligatoire." in page
    assert "3 email Adresse e-mail invalide." in page and "3 accord Écrivez oui ou non." in page
    assert count_committed(session, Beneficiary) == before


def test_an_import_refuses_columns_that_are_not_collected(staff, session):
    response = post(
        staff, "/staff/beneficiaries/import", {"fichier": csv_file([["prenom_ou_alias", "nir"], ["A", "1"]])}
    )
    assert "Colonnes non collectées : nir." in text(response)


def test_a_good_import_adds_every_row(staff, session, app):
    before = count_committed(session, Beneficiary)
    rows = [["prenom_ou_alias", "profil", "accord"], ["Nadia", "exclu", "oui"], ["Omar", "", "non"]]
    response = post(staff, "/staff/beneficiaries/import", {"fichier": csv_file(rows)})
    assert response.status_code == 303 and "/staff/imports/" in response.headers["Location"]
    assert jobs.wait(app)  # the job stores the people (jobs/imports.py)
    assert "Import terminé : 2 personnes importées." in text(staff.get(response.headers["Location"]))
    assert count_committed(session, Beneficiary) == before + 2


def test_key_figures_show_and_export_the_same_counts(as_role, world):
    client = as_role("staff")
    page = text(client.get("/staff/figures?from=2026-01-01&to=2026-12-31"))
    assert "Badges délivrés par tiers-lieu" in page and "Les chiffres de ce graphique en tableau" in page
    response = client.get("/staff/figures.csv?from=2026-01-01&to=2026-12-31")
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    columns = "Bénéficiaires accompagnés;Ateliers de médiation;Heures d'accompagnement;Heures-participants;"
    assert f"Regroupement;Valeur;{columns}Parcours;Tiers-lieux actifs;Badges délivrés" in body, body
    # One 2-hour atelier with nobody marked present: 2 h of support, no participant hours.
    assert "Total;;1;1;2;0;1;1;1;0" in body and "Profil;Non renseigné;0;1;2;0;0;1;0;0" in body, body
    assert "Catégorie de parcours;Apprentissage par le faire;1;1;2;0;1;1;1;0" in body, body


def test_key_figures_name_competences_with_their_framework(staff, world, group, session):
    awa = world.award.beneficiary
    # An acquisition, not an evaluation (issue 14): Awa rises from her N1 positioning to N2.
    post(staff, group, {"moment": "avant", "method": "observation", cell(awa, D06): "N1"})
    post(staff, group, {"moment": "pendant", "method": "observation", cell(awa, D06): "N2"})
    page = text(staff.get("/staff/figures?from=2026-01-01&to=2026-12-31"))
    assert "Parcours Découverte D-06 Créer une adresse e-mail" in page and D06 not in page
    body = staff.get("/staff/figures.csv?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert "Parcours Découverte D-06 Créer une adresse e-mail;1" in body and D06 not in body, body


def test_key_figures_refuse_wrong_filters_in_french(as_role):
    response = as_role("coordinator").get(
        "/staff/figures?from=2026-02-30&department=999&tiers_lieu=nope&category=court"
    )
    assert response.status_code == 422
    page = text(response)
    assert "Choisissez une catégorie de parcours dans la liste." in page
    assert "Date attendue au format AAAA-MM-JJ." in page and "Numéro de département invalide" in page
    assert "Choisissez un tiers-lieu dans la liste." in page


def test_a_counsellor_sees_their_agency_people_and_only_acquired_skills(as_role, world, session, now):
    counsellor = world.users["counsellor"]
    followed = make_pathway(
        session, world.issuer, now, title="Parcours suivi", agency=counsellor.agency.public_id
    )
    person = make_beneficiary(session, world.issuer, now, display_name="Moussa", profile="exclu")
    enrol(session, followed, now, person)
    session.commit()
    page = text(as_role("counsellor").get("/staff/agency"))
    assert "Moussa" in page and "Parcours suivi" in page
    assert "Awa" not in page, "a beneficiary of another agency's pathway"
    assert "Exclu" not in page and "exclu" not in page


@pytest.mark.parametrize(
    ("agency", "message"),
    [
        ("", "Choisissez d'abord l'agence de ce conseiller."),
        ("other", "Ce conseiller appartient à une autre agence."),
    ],
)
def test_a_pathway_takes_a_counsellor_only_with_their_agency(staff, session, world, now, agency, message):
    """A counsellor sees what their agency's pathways refer: never one attached outside their agency."""
    before = count_committed(session, Pathway)
    other = make_agency(session, now).public_id if agency else ""
    session.commit()
    data = {
        "title": "Premiers pas",
        "type": "long",
        "category": "hybride_creatif",
        "start_date": "2026-03-01",
        "agency": other,
        "counsellor": world.users["counsellor"].public_id,
    }
    response = post(staff, "/staff/pathways/new", data)
    assert response.status_code == 422
    assert message in text(response)
    assert count_committed(session, Pathway) == before
