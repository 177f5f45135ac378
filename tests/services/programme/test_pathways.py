"""Pathways: agencies and counsellors, a pathway's life (dates, references, edits), enrolments, ateliers,
attendance, and the tiers-lieu scope around all of them."""

from __future__ import annotations

from datetime import date

import pytest

from badges.models import Attendance, Enrolment, Pathway, Role
from badges.services.programme import pathways
from badges.services.shared import profiles
from badges.services.shared.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.factories import (
    D06,
    D07,
    coordination,
    count,
    make_agency,
    make_atelier,
    make_badge_class,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_programme,
)

PATHWAY = {
    "title": "Numérique et emploi",
    "type": "long",
    "category": "professionnalisation",
    "start_date": "2026-03-01",
    "end_date": "2026-05-31",
}


def counsellor_of(session, agency, now, email="ines@ft.example"):
    data = {"email": email, "name": "Inès"}
    counsellor = pathways.create_counsellor(session, by=coordination(), agency=agency, data=data, now=now)
    session.flush()
    return counsellor


def test_only_the_coordination_makes_agencies_and_counsellors(session, world, now):
    with pytest.raises(NotAllowed):
        pathways.create_agency(session, by=world.staff, data={"name": "France Travail"}, now=now)
    agency = make_agency(session, now, name="Mission locale", department="2A")
    with pytest.raises(NotAllowed):
        pathways.create_counsellor(
            session, by=world.staff, agency=agency, data={"email": "a@b.example", "name": "A"}, now=now
        )
    counsellor = counsellor_of(session, agency, now)
    assert (counsellor.role, counsellor.agency, counsellor.password_hash) == (
        Role.COUNSELLOR.value,
        agency,
        None,
    )
    assert (agency.name, agency.department, agency.created_at) == ("Mission locale", "2A", now)


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"name": "", "department": "94"}, {"name"}),
        ({"name": "Agence", "department": "96"}, {"department"}),
        ({"name": "", "department": "100"}, {"name", "department"}),
    ],
)
def test_a_bad_agency_is_refused_field_by_field(session, now, data, fields):
    with pytest.raises(InvalidInput) as caught:
        pathways.create_agency(session, by=coordination(), data=data, now=now)
    assert set(caught.value.fields) == fields


def test_agency_by_id_finds_only_a_string_public_id(session, now):
    agency = make_agency(session, now)
    assert pathways.agency_by_id(session, agency.public_id) is agency
    assert pathways.agency_by_id(session, "inconnue") is None
    assert pathways.agency_by_id(session, agency.id) is None


def test_a_pathway_is_made_with_its_agency_counsellor_and_badges(session, issuer, now):
    agency = make_agency(session, now)
    counsellor = counsellor_of(session, agency, now)
    badge = make_badge_class(session, issuer, now)
    data = {
        **PATHWAY,
        "agency": agency.public_id,
        "counsellor": counsellor.public_id,
        "badge_classes": [badge.public_id],
    }
    pathway = pathways.create_pathway(session, issuer=issuer, data=data, now=now)
    assert (pathway.title, pathway.type, pathway.category) == (
        PATHWAY["title"],
        "long",
        "professionnalisation",
    )
    assert (pathway.start_date, pathway.end_date) == (date(2026, 3, 1), date(2026, 5, 31))
    assert (pathway.agency, pathway.counsellor, pathway.badge_classes) == (agency, counsellor, [badge])
    assert (pathway.issuer, pathway.created_at) == (issuer, now)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": ""}, {"title"}),
        ({"type": "moyen"}, {"type"}),
        ({"category": "autre"}, {"category"}),
        ({"start_date": "01/03/2026"}, {"start_date"}),
        ({"end_date": "2026-02-28"}, {"end_date"}),
        ({"agency": "inconnue"}, {"agency"}),
        ({"counsellor": "inconnu"}, {"counsellor"}),
        ({"badge_classes": ["inconnu"]}, {"badge_classes"}),
        ({"badge_classes": "un badge"}, {"badge_classes"}),
        ({"type": "moyen", "category": "autre", "title": ""}, {"type", "category", "title"}),
    ],
)
def test_a_bad_pathway_is_refused_and_nothing_is_added(session, issuer, now, changes, fields):
    with pytest.raises(InvalidInput) as caught:
        pathways.create_pathway(session, issuer=issuer, data={**PATHWAY, **changes}, now=now)
    assert set(caught.value.fields) == fields
    assert count(session, Pathway) == 0


def test_a_counsellor_comes_with_their_own_agency(session, issuer, now):
    agency, other = make_agency(session, now), make_agency(session, now)
    counsellor = counsellor_of(session, agency, now)
    cases = [
        ({"counsellor": counsellor.public_id}, "Choisissez d'abord l'agence de ce conseiller."),
        (
            {"counsellor": counsellor.public_id, "agency": other.public_id},
            "Ce conseiller appartient à une autre agence.",
        ),
    ]
    for changes, message in cases:
        with pytest.raises(InvalidInput) as caught:
            pathways.create_pathway(session, issuer=issuer, data={**PATHWAY, **changes}, now=now)
        assert caught.value.fields == {"counsellor": message}


def test_badges_of_another_tiers_lieu_cannot_be_attached(session, keyring, links, issuer, now):
    foreign = make_badge_class(session, make_issuer(session, keyring, links, now), now)
    with pytest.raises(InvalidInput) as caught:
        pathways.create_pathway(
            session, issuer=issuer, data={**PATHWAY, "badge_classes": [foreign.public_id]}, now=now
        )
    assert caught.value.fields == {"badge_classes": "Badges inconnus dans ce tiers-lieu."}


def test_an_edit_changes_only_what_is_given_and_keeps_the_dates_in_order(session, issuer, now):
    pathway = pathways.create_pathway(session, issuer=issuer, data=PATHWAY, now=now)
    pathways.update_pathway(session, pathway=pathway, data={"title": "Emploi", "end_date": None})
    assert (pathway.title, pathway.type, pathway.end_date) == ("Emploi", "long", None)
    agency = make_agency(session, now)
    pathways.update_pathway(session, pathway=pathway, data={"agency": agency.public_id})
    assert pathway.agency is agency
    pathways.update_pathway(session, pathway=pathway, data={"agency": None})
    assert pathway.agency is None
    # A refused edit leaves the object changed in memory: the view rolls the transaction back.
    with pytest.raises(InvalidInput) as caught:
        pathways.update_pathway(session, pathway=pathway, data={"end_date": "2026-01-01"})
    assert caught.value.fields == {"end_date": "La date de fin précède la date de début."}


def test_pathways_and_ateliers_of_another_tiers_lieu_are_not_found(session, keyring, links, now, world):
    elsewhere = make_programme(session, keyring, links, now)
    mine = [world.issuer.id]
    assert pathways.pathway_in_scope(session, world.pathway.public_id, mine) is world.pathway
    assert pathways.atelier_in_scope(session, world.atelier.public_id, mine) is world.atelier
    with pytest.raises(NotFound, match="Parcours introuvable"):
        pathways.pathway_in_scope(session, elsewhere.pathway.public_id, mine)
    with pytest.raises(NotFound, match="Atelier introuvable"):
        pathways.atelier_in_scope(session, elsewhere.atelier.public_id, mine)
    # None: the network's view, every tiers-lieu.
    assert pathways.pathway_in_scope(session, elsewhere.pathway.public_id, None) is elsewhere.pathway
    assert pathways.atelier_in_scope(session, elsewhere.atelier.public_id, None) is elsewhere.atelier


def test_enrolment_once_per_pathway_and_only_in_the_same_tiers_lieu(session, keyring, links, now, world):
    awa, karim = world.people
    assert pathways.enrolled(session, world.pathway) == {awa.public_id: awa, karim.public_id: karim}
    with pytest.raises(Conflict):
        pathways.enrol(session, pathway=world.pathway, beneficiary=awa, now=now)
    stranger = make_beneficiary(session, make_issuer(session, keyring, links, now), now)
    with pytest.raises(NotFound):
        pathways.enrol(session, pathway=world.pathway, beneficiary=stranger, now=now)
    pathways.unenrol(session, pathway=world.pathway, beneficiary=karim)
    session.flush()
    assert not pathways.is_enrolled(session, world.pathway, karim)
    assert pathways.is_enrolled(session, world.pathway, awa)
    assert count(session, Enrolment) == 1
    with pytest.raises(NotFound):
        pathways.unenrol(session, pathway=world.pathway, beneficiary=karim)


def test_an_atelier_works_on_named_competences_within_the_pathway_dates(session, world, now):
    # The pathway runs from 2026-03-01 to 2026-06-30: both days are within it.
    assert make_atelier(session, world.pathway, now, held_on="2026-03-01").held_on == date(2026, 3, 1)
    atelier = make_atelier(session, world.pathway, now, held_on="2026-06-30", duration_minutes=15)
    assert [c.ref for c in atelier.competencies] == [D06, D07]
    assert (atelier.held_on, atelier.duration_minutes, atelier.created_at) == (date(2026, 6, 30), 15, now)
    pathways.update_atelier(session, atelier=atelier, data={"competencies": [D07], "duration_minutes": 600})
    assert ([c.ref for c in atelier.competencies], atelier.duration_minutes) == ([D07], 600)


OUTSIDE = "La date de l'atelier est en dehors des dates du parcours."
COMPETENCES = "Indiquez de 1 à 30 compétences travaillées (ex. « pix-crcn:2.1 »)."


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"held_on": "2026-02-28"}, {"held_on": OUTSIDE}),
        ({"held_on": "2026-07-01"}, {"held_on": OUTSIDE}),
        ({"competencies": []}, {"competencies": COMPETENCES}),
        ({"competencies": [D06] * 31}, {"competencies": COMPETENCES}),
        ({"title": "Atelier pour les exclus"}, {"title": profiles.MESSAGE.french}),
        ({"duration_minutes": 14}, {"duration_minutes": "Nombre attendu entre 15 et 600."}),
        ({"duration_minutes": 601}, {"duration_minutes": "Nombre attendu entre 15 et 600."}),
    ],
)
def test_a_bad_atelier_is_refused_with_the_field_named(session, world, now, changes, errors):
    with pytest.raises(InvalidInput) as caught:
        make_atelier(session, world.pathway, now, **changes)
    assert caught.value.fields == errors


def test_an_atelier_edit_is_checked_like_a_new_one(session, world):
    with pytest.raises(InvalidInput) as caught:
        pathways.update_atelier(session, atelier=world.atelier, data={"held_on": "2027-01-01"})
    assert caught.value.fields == {"held_on": OUTSIDE}
    assert world.atelier.held_on == date(2026, 3, 10)


def test_attendance_is_set_then_corrected(session, world):
    awa, karim = world.people
    came = pathways.record_attendance(
        session,
        atelier=world.atelier,
        data={
            "attendance": [{"beneficiary": awa.public_id}, {"beneficiary": karim.public_id, "present": False}]
        },
    )
    assert came == [awa, karim]
    session.flush()
    pathways.record_attendance(
        session,
        atelier=world.atelier,
        data={"attendance": [{"beneficiary": karim.public_id, "present": True}]},
    )
    session.flush()
    assert {(a.beneficiary, a.present) for a in world.atelier.attendances} == {(awa, True), (karim, True)}
    assert count(session, Attendance) == 2


@pytest.mark.parametrize(
    ("entries", "errors"),
    [
        (None, {"attendance": "Liste de 1 à 200 présences attendue."}),
        ([], {"attendance": "Liste de 1 à 200 présences attendue."}),
        ([{"beneficiary": "x"}] * 201, {"attendance": "Liste de 1 à 200 présences attendue."}),
        (
            [{"beneficiary": "AWA"}, {"beneficiary": "inconnu"}, "KARIM"],
            {
                "attendance[1]": "Bénéficiaire inconnu ou non inscrit à ce parcours.",
                "attendance[2]": "Bénéficiaire inconnu ou non inscrit à ce parcours.",
            },
        ),
        ([{"beneficiary": "AWA", "present": "oui"}], {"attendance[0]": "« present » vaut true ou false."}),
        (
            [{"beneficiary": "AWA"}, {"beneficiary": "AWA", "present": False}],
            {"attendance[1]": "Ce bénéficiaire apparaît deux fois."},
        ),
    ],
)
def test_bad_attendance_is_refused_as_a_whole(session, world, entries, errors):
    awa = world.people[0]
    if isinstance(entries, list):
        entries = [
            {**e, "beneficiary": awa.public_id} if isinstance(e, dict) and e["beneficiary"] == "AWA" else e
            for e in entries
        ]
    with pytest.raises(InvalidInput) as caught:
        pathways.record_attendance(session, atelier=world.atelier, data={"attendance": entries})
    assert caught.value.fields == errors
    session.flush()
    assert count(session, Attendance) == 0


def test_someone_not_enrolled_cannot_be_marked_present(session, world, now):
    stranger = make_beneficiary(session, world.issuer, now, display_name="Léa")
    pathway = make_pathway(session, world.issuer, now)
    with pytest.raises(InvalidInput):
        pathways.record_attendance(
            session,
            atelier=make_atelier(session, pathway, now),
            data={"attendance": [{"beneficiary": stranger.public_id}]},
        )
