"""The end of a pathway: the actor directory, each participant's outcome, closing and questionnaires,
GDPR export, erasure and retention of outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from badges.models import PathwayClosure, PathwayOutcome, Questionnaire, Role
from badges.services.programme import actors, beneficiaries, closing, outcome_listing, outcomes
from badges.services.shared.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.factories import (
    D06,
    D07,
    count,
    grid,
    make_agency,
    make_beneficiary,
    make_coordinator,
    make_issuer,
    make_programme,
    make_staff,
)

SECRET = b"test-link-secret"
ACTOR = {"kind": "ccas", "name": "CCAS de Malakoff", "department": "92", "address": "1 place du 11-Novembre"}


@pytest.fixture
def programme(session, keyring, links, now):
    found = make_programme(session, keyring, links, now, {"display_name": "Awa", "consent": True})
    # Awa reaches D-06 at N2 (acquired); D-07 is only N1 on a competence aiming higher, or not at all.
    grid(session, keyring, links, now, found.atelier, found.staff, [(found.people[0], D06, "N2")])
    return found


def make_actor(session, user, now, **overrides):
    actor = actors.create_actor(session, by=user, data={**ACTOR, **overrides}, now=now)
    session.flush()
    return actor


def test_an_actor_is_checked_field_by_field_and_owned_by_its_tiers_lieu(session, programme, now):
    with pytest.raises(InvalidInput) as caught:
        actors.create_actor(
            session,
            by=programme.staff,
            data={"kind": "mairie", "name": "", "department": "100", "url": "ftp://x"},
            now=now,
        )
    assert set(caught.value.fields) == {"kind", "name", "department", "url"}
    with pytest.raises(InvalidInput) as caught:
        actors.create_actor(session, by=programme.staff, data={**ACTOR, "name": "Asso des exclus"}, now=now)
    assert set(caught.value.fields) == {"name"}, "counsellors read it: no internal profile label"
    actor = make_actor(session, programme.staff, now)
    assert actor.issuer_id == programme.issuer.id
    assert actors.directory(session, department="92")[0] is actor


def test_only_the_owner_and_the_coordination_edit_an_actor(session, keyring, links, programme, now):
    actor = make_actor(session, programme.staff, now)
    other_staff, _ = make_staff(session, make_issuer(session, keyring, links, now), now)
    coordinator, _ = make_coordinator(session, now)
    with pytest.raises(NotAllowed):
        actors.update_actor(session, by=other_staff, actor=actor, data={**ACTOR, "name": "Autre"}, now=now)
    actors.update_actor(session, by=coordinator, actor=actor, data={**ACTOR, "name": "CCAS"}, now=now)
    assert actor.name == "CCAS"
    # Shared: every staff member reads it.
    assert actors.actor_by_id(session, actor.public_id) is actor
    assert not actors.may_edit(other_staff, actor) and actors.may_edit(programme.staff, actor)


def test_an_outcome_names_only_acquired_skills_and_known_actors(session, programme, now):
    person, actor = programme.people[0], make_actor(session, programme.staff, now)
    assert [c.ref for c in outcomes.acquired(session, person)] == [D06]
    with pytest.raises(InvalidInput) as caught:
        outcomes.save_outcome(
            session, pathway=programme.pathway, person=person,
            data={"next_project": "", "skills": [D07], "orientations": ["nope"], "shared": "oui"}, now=now,
        )  # fmt: skip
    assert set(caught.value.fields) == {"next_project", "skills", "orientations", "shared"}
    assert count(session, PathwayOutcome) == 0
    data = {
        "next_project": "Chercher un travail dans la vente",
        "skills": [D06],
        "orientations": [actor.public_id],
    }
    found = outcomes.save_outcome(session, pathway=programme.pathway, person=person, data=data, now=now)
    session.flush()
    assert [c.ref for c in found.skills] == [D06] and found.orientations == [actor]
    assert found.shared_at is None


def test_no_internal_profile_label_in_the_project_and_only_enrolled_people(session, programme, now):
    person = programme.people[0]
    with pytest.raises(InvalidInput) as caught:
        outcomes.save_outcome(session, pathway=programme.pathway, person=person,
                              data={"next_project": "Sortir du public exclu"}, now=now)  # fmt: skip
    assert "next_project" in caught.value.fields
    stranger = make_beneficiary(session, programme.issuer, now)
    with pytest.raises(NotFound):
        outcomes.save_outcome(session, pathway=programme.pathway, person=stranger,
                              data={"next_project": "Apprendre"}, now=now)  # fmt: skip


def test_the_counsellor_sees_an_outcome_only_with_consent(session, programme, now):
    agency = make_agency(session, now)
    programme.pathway.agency = agency
    person = programme.people[0]
    data = {"next_project": "Passer la certification Pix", "skills": [D06]}
    outcomes.save_outcome(session, pathway=programme.pathway, person=person, data=data, now=now)
    session.flush()
    assert outcome_listing.shared_with_agency(session, agency=agency) == {}
    outcomes.save_outcome(
        session, pathway=programme.pathway, person=person, data={**data, "shared": True}, now=now
    )
    session.flush()
    shared = outcome_listing.shared_with_agency(session, agency=agency)
    assert shared[person.public_id][0]["next_project"] == "Passer la certification Pix"
    # Another agency sees nothing.
    assert outcome_listing.shared_with_agency(session, agency=make_agency(session, now)) == {}


def test_closing_makes_one_questionnaire_per_partner_once(session, programme, now):
    agency = make_agency(session, now)
    programme.pathway.agency = agency
    invitations = closing.close_pathway(
        session, pathway=programme.pathway, by=programme.staff, secret=SECRET, now=now
    )
    session.flush()
    assert [i.questionnaire.respondent for i in invitations] == ["agence", "tiers_lieu"]
    assert invitations[1].email == programme.issuer.email
    assert session.get(PathwayClosure, programme.pathway.id) is not None
    with pytest.raises(Conflict):
        closing.close_pathway(session, pathway=programme.pathway, by=programme.staff, secret=SECRET, now=now)
    # The same links again, found by their token; another secret opens nothing.
    again = closing.links_of(session, pathway=programme.pathway, secret=SECRET)
    assert [i.token for i in again] == [i.token for i in invitations]
    assert closing.by_token(session, invitations[0].token) is invitations[0].questionnaire
    assert closing.links_of(session, pathway=programme.pathway, secret=b"other") == []
    with pytest.raises(NotFound):
        closing.by_token(session, "x" * 43)


def test_a_pathway_without_agency_sends_only_the_tiers_lieu_questionnaire(session, programme, now):
    invitations = closing.close_pathway(
        session, pathway=programme.pathway, by=programme.staff, secret=SECRET, now=now
    )
    assert [i.questionnaire.respondent for i in invitations] == ["tiers_lieu"]


def test_answers_are_checked_then_recorded(session, programme, now):
    (invitation,) = closing.close_pathway(
        session, pathway=programme.pathway, by=programme.staff, secret=SECRET, now=now
    )
    sheet = invitation.questionnaire
    with pytest.raises(InvalidInput) as caught:
        closing.answer(
            session, questionnaire=sheet, data={"satisfaction": "5", "went_well": "x" * 2001}, now=now
        )
    assert set(caught.value.fields) == {"satisfaction", "collaboration", "usefulness", "went_well"}
    assert sheet.answered_at is None
    data = {
        "satisfaction": "4",
        "collaboration": "3",
        "usefulness": "4",
        "went_well": "Le binôme",
        "to_improve": "",
    }
    closing.answer(session, questionnaire=sheet, data=data, now=now)
    assert (sheet.satisfaction, sheet.collaboration, sheet.usefulness, sheet.answered_at) == (4, 3, 4, now)


def test_outcomes_are_exported_erased_and_purged_with_the_person(session, keyring, links, now):
    found = make_programme(session, keyring, links, now, {"display_name": "Awa"}, {"display_name": "Karim"})
    awa, karim = found.people
    for person in (awa, karim):
        outcomes.save_outcome(session, pathway=found.pathway, person=person,
                              data={"next_project": f"Projet de {person.display_name}"}, now=now)  # fmt: skip
    session.flush()
    exported = outcome_listing.personal_data(session, awa)
    assert [e["next_project"] for e in exported] == ["Projet de Awa"]
    beneficiaries.delete_beneficiary(session, beneficiary=awa)
    session.flush()
    assert [o.beneficiary_id for o in session.query(PathwayOutcome)] == [karim.id]
    # Retention: nothing younger than the period goes; older ones do.
    assert outcomes.purge(session, now=now, days=730) == 0
    assert outcomes.purge(session, now=now + timedelta(days=731), days=730) == 1
    assert count(session, PathwayOutcome) == 0
    with pytest.raises(InvalidInput):
        outcomes.purge(session, now=now, days=0)


def test_a_closed_pathway_keeps_its_questionnaires_until_the_pathway_goes(session, programme, now):
    closing.close_pathway(session, pathway=programme.pathway, by=programme.staff, secret=SECRET, now=now)
    session.flush()
    session.delete(programme.pathway)
    session.flush()
    assert count(session, Questionnaire) == 0 and count(session, PathwayClosure) == 0


def test_a_coordinator_owns_network_entries(session, now):
    coordinator, _ = make_coordinator(session, now)
    actor = make_actor(session, coordinator, now, kind="pix", department="75")
    assert actor.issuer_id is None and coordinator.role == Role.COORDINATOR.value


def test_two_closings_at_once_tell_the_second_one_and_keep_the_first(session, programme, now, monkeypatch):
    closing.close_pathway(session, pathway=programme.pathway, by=programme.staff, secret=SECRET, now=now)
    session.commit()
    # The second request read "not closed" before the first committed: the database's key decides.
    monkeypatch.setattr(closing, "closure_of", lambda *_: None)
    with pytest.raises(Conflict):
        closing.close_pathway(session, pathway=programme.pathway, by=programme.staff, secret=SECRET, now=now)
    session.commit()
    assert count(session, Questionnaire) == 1 and count(session, PathwayClosure) == 1


def test_two_first_saves_of_an_outcome_end_in_one_row(session, programme, now, monkeypatch):
    person = programme.people[0]
    outcomes.save_outcome(
        session, pathway=programme.pathway, person=person, data={"next_project": "A"}, now=now
    )
    session.commit()
    real, calls = outcomes.outcome_of, iter([None])

    def first_sees_nothing(*args):
        """The other request had not committed when this one looked: it then finds the row."""
        return None if next(calls, "seen") is None else real(*args)

    monkeypatch.setattr(outcomes, "outcome_of", first_sees_nothing)
    found = outcomes.save_outcome(
        session, pathway=programme.pathway, person=person, data={"next_project": "B"}, now=now
    )
    session.commit()
    assert count(session, PathwayOutcome) == 1 and found.next_project == "B"
