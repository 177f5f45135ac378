"""The end of a pathway on the staff screens: the directory, the outcome form, the counsellor's view with
and without consent, closing with questionnaires over real SMTP, the partners' answers, the restitution and
the key figures."""

from __future__ import annotations

import re
import socket

import pytest

from badges.models import PathwayOutcome, Questionnaire, ResourceActor
from badges.services.programme import actors, pathways
from tests.factories import D06, count_committed, grid
from tests.web.staff.conftest import post, sign_in, text

ACTOR = {
    "kind": "pix",
    "name": "Centre Pix de Malakoff",
    "department": "92",
    "address": "2 rue Pierre-Larousse",
}


@pytest.fixture
def ending(session, keyring, links, now, world):
    """The world's pathway followed by the counsellor's agency; its beneficiary has acquired D-06."""
    pathway = pathways.pathway_in_scope(session, world.pathway_id, None)
    counsellor = world.users["counsellor"]
    pathways.update_pathway(
        session,
        pathway=pathway,
        data={"agency": counsellor.agency.public_id, "counsellor": counsellor.public_id},
    )
    atelier = pathway.ateliers[0]
    grid(session, keyring, links, now, atelier, world.users["staff"], [(world.award.beneficiary, D06, "N3")])
    actor = actors.create_actor(session, by=world.users["staff"], data=ACTOR, now=now)
    session.commit()
    return pathway, actor


def outcome_url(world) -> str:
    return f"/staff/pathways/{world.pathway_id}/people/{world.award.beneficiary.public_id}/outcome"


def test_the_directory_refuses_bad_input_field_by_field_and_keeps_it(staff, session):
    response = post(staff, "/staff/actors/new", {"kind": "mairie", "name": "CCAS <b>", "department": "999"})
    assert response.status_code == 422
    page = text(response)
    assert "Choisissez le type d’acteur." in page and "Numéro de département invalide" in page
    assert 'value="CCAS &lt;b&gt;"' in response.get_data(as_text=True)
    assert count_committed(session, ResourceActor) == 0
    response = post(staff, "/staff/actors/new", {**ACTOR, "url": "https://pix.example.org"})
    assert response.status_code == 303
    assert "Centre Pix de Malakoff" in text(staff.get("/staff/actors"))


def test_another_tiers_lieu_reads_the_directory_but_does_not_edit_it(app, ending, world):
    _, actor = ending
    other = app.test_client()
    sign_in(other, world.users["other_staff"])
    page = other.get("/staff/actors").get_data(as_text=True)
    assert "Centre Pix de Malakoff" in page and f"/staff/actors/{actor.public_id}/edit" not in page
    assert post(other, f"/staff/actors/{actor.public_id}/edit", {**ACTOR, "name": "X"}).status_code == 403


def test_the_outcome_form_says_what_is_wrong_and_keeps_what_was_typed(staff, session, ending, world):
    response = post(
        staff, outcome_url(world), {"next_project": "", "skills": ["pix-crcn:9.9"], "orientations": ["?"]}
    )
    assert response.status_code == 422
    page = text(response)
    assert "Choisissez des compétences que la personne a acquises dans la liste." in page
    assert "Choisissez des acteurs de l'annuaire dans la liste." in page
    assert "Ce champ est obligatoire." in page
    assert count_committed(session, PathwayOutcome) == 0
    typed = {"next_project": "Je veux travailler dans la vente", "skills": [D06], "orientations": ["?"]}
    response = post(staff, outcome_url(world), typed)
    assert response.status_code == 422 and "Je veux travailler dans la vente" in text(response)


def test_the_counsellor_sees_the_outcome_only_when_the_person_agreed(app, staff, session, ending, world):
    _, actor = ending
    data = {"next_project": "Passer la certification Pix", "skills": [D06], "orientations": [actor.public_id]}
    assert post(staff, outcome_url(world), data).status_code == 303
    counsellor = app.test_client()
    sign_in(counsellor, world.users["counsellor"])
    page = text(counsellor.get("/staff/agency"))
    assert world.award.beneficiary.display_name in page
    assert "Passer la certification Pix" not in page and "Centre Pix de Malakoff" not in page
    assert post(staff, outcome_url(world), {**data, "shared": "yes"}).status_code == 303
    page = text(counsellor.get("/staff/agency"))
    assert "Passer la certification Pix" in page and "Centre Pix de Malakoff" in page
    assert "Suite du parcours" in page


def test_another_tiers_lieu_cannot_write_an_outcome_here(app, session, ending, world):
    other = app.test_client()
    sign_in(other, world.users["other_staff"])
    assert post(other, outcome_url(world), {"next_project": "x"}).status_code == 404
    assert count_committed(session, PathwayOutcome) == 0


def test_closing_sends_the_questionnaires_and_the_restitution_shows_the_answers(
    app, staff, session, smtp, ending, world
):
    pathway, _ = ending
    refused = post(staff, f"/staff/pathways/{world.pathway_id}/close", {})
    assert refused.status_code == 422 and "Cochez la case" in text(refused)
    response = post(staff, f"/staff/pathways/{world.pathway_id}/close", {"confirm": "yes"})
    assert response.status_code == 303
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        [world.users["counsellor"].email, world.issuer.email]
    )
    page = text(staff.get(f"/staff/pathways/{world.pathway_id}/end"))
    assert "Parcours clos le" in page and "En attente de réponse" in page
    again = post(staff, f"/staff/pathways/{world.pathway_id}/close", {"confirm": "yes"})
    assert again.status_code == 422 and "Ce parcours est déjà clos." in text(again)
    links = {}
    for index, message in enumerate(smtp.messages):
        found = re.search(r"https?://\S+(/questionnaire/\S+)", smtp.body(index))
        assert found and message["Subject"].startswith("Votre avis sur le parcours")
        links[message["To"]] = found.group(1)
    partner = app.test_client()
    agency_link = links[world.users["counsellor"].email]
    form = partner.get(agency_link)
    assert form.status_code == 200 and "Vous répondez pour l’agence partenaire." in text(form)
    assert form.headers["Cache-Control"] == "no-store"
    wrong = partner.post(agency_link, data={"satisfaction": "9", "went_well": "Le binôme a bien marché"})
    assert wrong.status_code == 422
    assert "Choisissez une réponse." in text(wrong) and "Le binôme a bien marché" in text(wrong)
    answers = {
        "satisfaction": "4",
        "collaboration": "3",
        "usefulness": "4",
        "went_well": "Le binôme a bien marché",
    }
    done = partner.post(agency_link, data=answers)
    assert done.status_code == 200 and "Merci. Vos réponses sont enregistrées." in text(done)
    assert partner.get("/questionnaire/" + "x" * 43).status_code == 404
    coordinator = app.test_client()
    sign_in(coordinator, world.users["coordinator"])
    page = text(coordinator.get(f"/staff/restitution/{world.pathway_id}"))
    assert (
        "Le binôme a bien marché" in page and "Tout à fait (4/4)" in page and "Pas encore de réponse" in page
    )
    assert "Ce que disent les participants" not in page, "no ressenti yet: its section shows nothing"
    network = text(coordinator.get("/staff/restitution"))
    assert pathway.title in network and "Le binôme a bien marché" in network
    assert count_committed(session, Questionnaire) == 2


def test_the_key_figures_count_orientations_by_kind_of_actor(staff, session, ending, world):
    _, actor = ending
    data = {"next_project": "Se former", "orientations": [actor.public_id]}
    assert post(staff, outcome_url(world), data).status_code == 303
    page = text(staff.get("/staff/figures?from=2026-01-01&to=2026-12-31"))
    assert "Orientations par type d’acteur" in page and "Centre de certification Pix" in page
    csv_text = staff.get("/staff/figures.csv?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert "Orientations par type d'acteur" in csv_text and "Centre de certification Pix;1" in csv_text
    # A filter that leaves the pathway out leaves its outcome out.
    other = staff.get("/staff/figures.csv?from=2026-01-01&to=2026-12-31&category=hybride_creatif")
    assert "Centre de certification Pix" not in other.get_data(as_text=True)


def test_a_mail_server_that_refuses_leaves_the_pathway_closed_and_the_links_shown(
    staff, app, session, ending, world
):
    with socket.socket() as probe:  # a port where nothing listens: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        response = post(
            staff, f"/staff/pathways/{world.pathway_id}/close", {"confirm": "yes"}, follow_redirects=True
        )
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
    page = text(response)
    assert "Le parcours est clos." in page and "Donnez les liens ci-dessous aux partenaires." in page
    assert page.count("/questionnaire/") == 2
    assert count_committed(session, Questionnaire) == 2


def test_the_person_file_links_to_the_outcome_and_gives_it_back_for_an_access_request(staff, ending, world):
    assert post(staff, outcome_url(world), {"next_project": "Apprendre la bureautique"}).status_code == 303
    person = world.award.beneficiary.public_id
    page = staff.get(f"/staff/beneficiaries/{person}").get_data(as_text=True)
    assert outcome_url(world) in page and f"/staff/beneficiaries/{person}/outcomes.json" in page
    exported = staff.get(f"/staff/beneficiaries/{person}/outcomes.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    assert exported.json["outcomes"][0]["next_project"] == "Apprendre la bureautique"
