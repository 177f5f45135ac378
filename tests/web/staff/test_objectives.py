"""A beneficiary's personal objectives in a pathway: fixed at the start with a self-rating, rated during
and at the end, then fixed for good; every refusal says where and keeps what was typed and stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from badges.models import Beneficiary, PersonalCriterion
from tests.factories import make_beneficiary
from tests.web.staff.conftest import post, text

DURING = {"moment": "pendant", "rate_1": "N2", "rate_2": "N2", "rate_3": "N3"}
MOMENT = "Choisissez le moment de l’évaluation."
OBJECTIVES = {
    "text_1": "Envoyer mon CV par e-mail",
    "rating_1": "N1",
    "text_2": "Prendre rendez-vous sur internet",
    "rating_2": "N2",
    "text_3": "Lire mes courriers de France Travail",
    "rating_3": "N1",
}


@pytest.fixture
def staff(as_role):
    return as_role("staff")


def url(world, person: Beneficiary | None = None) -> str:
    person = person or world.award.beneficiary
    return f"/staff/pathways/{world.pathway_id}/people/{person.public_id}/objectives"


def stored(session) -> list[tuple[str, str, str | None, str | None]]:
    session.rollback()
    rows = session.scalars(select(PersonalCriterion).order_by(PersonalCriterion.position))
    return [(c.text, c.rating_start, c.rating_during, c.rating_end) for c in rows]


def test_objectives_are_fixed_then_rated_during_and_at_the_end(staff, session, world):
    pathway_page = text(staff.get(f"/staff/pathways/{world.pathway_id}"))
    assert "Objectifs personnels : Awa" in pathway_page
    assert "Fixer les objectifs" in text(staff.get(url(world)))
    response = post(staff, url(world), OBJECTIVES, follow_redirects=True)
    assert "Les objectifs de Awa sont enregistrés." in text(response)
    assert "Modifier les objectifs" in text(response)
    assert [row[:2] for row in stored(session)] == [
        ("Envoyer mon CV par e-mail", "N1"),
        ("Prendre rendez-vous sur internet", "N2"),
        ("Lire mes courriers de France Travail", "N1"),
    ]
    rated = post(staff, url(world) + "/ratings", DURING, follow_redirects=True)
    page = text(rated)
    assert "Les notes de Awa sont enregistrées." in page
    assert "Envoyer mon CV par e-mail N1 N2 —" in page
    assert "ils ne changent plus" in page and "Modifier les objectifs" not in page
    post(staff, url(world) + "/ratings", {"moment": "apres", "rate_1": "N3", "rate_2": "N4", "rate_3": "N3"})
    assert [row[1:] for row in stored(session)] == [
        ("N1", "N2", "N3"),
        ("N2", "N2", "N4"),
        ("N1", "N3", "N3"),
    ]


def test_objectives_rated_during_the_pathway_no_longer_change(staff, session, world):
    post(staff, url(world), OBJECTIVES)
    post(
        staff, url(world) + "/ratings", {"moment": "pendant", "rate_1": "N2", "rate_2": "N2", "rate_3": "N3"}
    )
    before = stored(session)
    response = post(staff, url(world), {**OBJECTIVES, "text_1": "Autre chose"})
    assert response.status_code == 422
    assert "Ces objectifs ont déjà été notés en cours de parcours : ils ne changent plus." in text(response)
    assert stored(session) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text_3": "", "rating_3": ""}, "text_3", "Indiquez 3 ou 4 objectifs personnels."),
        ({"rating_2": ""}, "rating_2", "Choisissez sa note au début."),
        ({"rating_2": "N9"}, "rating_2", "Choisissez sa note au début."),
        ({"text_1": "x" * 301}, "text_1", "Ce champ dépasse 300 caractères."),
        ({"text_1": "CV\x07"}, "text_1", "Ce champ contient des caractères de contrôle."),
        ({"text_4": "", "rating_4": "N2"}, "text_4", "Ce champ est obligatoire."),
    ],
)
def test_a_wrong_objective_is_pointed_at_and_nothing_is_stored(
    staff, session, world, changes, field, message
):
    response = post(staff, url(world), {**OBJECTIVES, **changes})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in text(response)
    assert f'href="#champ-{field}"' in body and f'id="erreur-{field}"' in body
    assert 'value="Prendre rendez-vous sur internet"' in body, "what was typed is kept"
    assert stored(session) == []


def test_an_empty_row_between_objectives_is_skipped(staff, session, world):
    data = {
        **OBJECTIVES,
        "text_2": "",
        "rating_2": "",
        "text_4": "Faire une recherche d'emploi",
        "rating_4": "N1",
    }
    assert post(staff, url(world), data).status_code == 303
    assert [row[0] for row in stored(session)] == [
        "Envoyer mon CV par e-mail", "Lire mes courriers de France Travail", "Faire une recherche d'emploi"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({**DURING, "moment": ""}, {"moment": MOMENT}),
        ({**DURING, "moment": "avant"}, {"moment": MOMENT}),
        ({**DURING, "rate_2": ""}, {"rate_2": "Choisissez sa note pour cet objectif."}),
        ({"rate_1": "N5"}, {"moment": MOMENT, "rate_1": "Choisissez sa note pour cet objectif."}),
    ],
)  # fmt: skip
def test_a_wrong_rating_is_pointed_at_and_nothing_is_stored(staff, session, world, data, errors):
    post(staff, url(world), OBJECTIVES)
    before = stored(session)
    response = post(staff, url(world) + "/ratings", data)
    assert response.status_code == 422
    for field, message in errors.items():
        assert message in text(response) and f'href="#champ-{field}"' in response.get_data(as_text=True)
    assert stored(session) == before


def test_ratings_before_any_objective_say_what_to_do_first(staff, session, world):
    response = post(staff, url(world) + "/ratings", {"moment": "pendant"})
    assert response.status_code == 422 and "Fixez d’abord ses objectifs, puis notez-les." in text(response)
    assert stored(session) == []


def test_a_person_not_enrolled_in_the_pathway_is_not_found(staff, session, world, now):
    karim = make_beneficiary(session, world.issuer, now, display_name="Karim", email=None)
    session.commit()
    assert staff.get(url(world, karim)).status_code == 404
    assert post(staff, url(world, karim), OBJECTIVES).status_code == 404
    assert stored(session) == []
