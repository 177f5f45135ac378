"""Endorsements: signed EndorsementCredentials, listed in the endorsed documents, withdrawn by status list."""

from __future__ import annotations

import json

import jsonschema
import pytest
from sqlalchemy.exc import IntegrityError

from badges.models import Endorsement, Endorser, Role
from badges.services.credentials import endorsements, published, revisions
from badges.services.credentials.endorsements import EndorserSettings
from badges.services.crypto import dataintegrity, statuslist
from badges.services.crypto.multibase import ed25519_from_multibase
from badges.services.openbadges import contexts
from badges.services.programme import badge_classes
from badges.services.shared.errors import InvalidInput, NotAllowed, NotFound
from tests.factories import (
    count,
    make_account,
    make_agency,
    make_badge_class,
    make_coordinator,
    make_issuer,
    make_staff,
)

SETTINGS = EndorserSettings(network_name="Coordination du réseau", email="coordination@example.org")
COMMENT = "France Travail, agence de Montreuil, reconnaît ce badge."


def endorsement_validator() -> jsonschema.Draft201909Validator:
    """The EndorsementCredential definition of 1EdTech's OB 3.0 JSON Schema ($defs/EndorsementCredential)."""
    schema = {**contexts.load_schema(), "$ref": "#/$defs/EndorsementCredential"}
    schema.pop("required", None)
    schema.pop("properties", None)
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def counsellor(session, now, agency=None):
    agency = agency or make_agency(session, now, name="France Travail, agence de Montreuil")
    return make_account(session, now, Role.COUNSELLOR, name="Conseillère", agency=agency)[0]


def endorse(session, keyring, links, now, actor, **data):
    return endorsements.endorse(
        session, keyring, actor=actor, data=data, settings=SETTINGS, links=links, now=now
    )


def test_counsellor_endorses_a_badge_class_with_a_signed_endorsement_credential(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    agent = counsellor(session, now)
    row = endorse(
        session, keyring, links, now, agent, target="badge_class", id=badge.public_id, comment=COMMENT
    )
    doc = json.loads(row.ob3_credential)
    assert doc["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert doc["credentialSubject"] == {
        "id": links.achievement(badge.public_id),
        "type": ["EndorsementSubject"],
        "endorsementComment": COMMENT,
    }
    assert doc["issuer"]["name"] == "France Travail, agence de Montreuil"
    assert doc["issuer"]["id"] == links.endorser(row.endorser.slug)
    assert list(endorsement_validator().iter_errors(doc)) == []
    key = row.endorser and published.resolve(session, links, doc["proof"][0]["verificationMethod"])
    assert key is not None and key.json()["controller"] == doc["issuer"]["id"]
    public = ed25519_from_multibase(key.json()["publicKeyMultibase"])
    assert dataintegrity.verify(doc, resolve_key=lambda _m: public)


def test_the_endorsement_is_listed_in_the_achievement_and_the_ob2_badge_class(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    coordinator, _ = make_coordinator(session, now)
    row = endorse(
        session,
        keyring,
        links,
        now,
        coordinator,
        target="badge_class",
        id=badge.public_id,
        comment="Le réseau reconnaît ce badge.",
    )
    achievement = published.achievement(session, links, badge.public_id).json()
    assert achievement["endorsement"] == [json.loads(row.ob3_credential)]
    assert row.endorser.name == "Coordination du réseau"
    ob2_badge = published.ob2_badge(session, links, badge.public_id).json()
    assert ob2_badge["endorsement"] == [links.ob2_endorsement(row.public_id)]
    hosted = published.resolve(session, links, links.ob2_endorsement(row.public_id)).json()
    assert hosted["claim"] == {"id": links.ob2_badge(badge.public_id), "endorsementComment": row.comment}
    assert hosted["issuer"] == links.ob2_endorser("coordination")


def test_endorsing_a_tiers_lieu_lists_it_in_its_ob2_profile(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    coordinator, _ = make_coordinator(session, now)
    row = endorse(
        session, keyring, links, now, coordinator, target="issuer", id=issuer.slug, comment="Lieu sérieux."
    )
    assert json.loads(row.ob3_credential)["credentialSubject"]["id"] == links.issuer(issuer.slug)
    profile = published.ob2_issuer(session, links, issuer.slug).json()
    assert profile["endorsement"] == [links.ob2_endorsement(row.public_id)]


def test_withdrawing_sets_the_bit_and_the_ob2_endorsement_answers_410(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    coordinator, _ = make_coordinator(session, now)
    row = endorse(
        session, keyring, links, now, coordinator, target="issuer", id=issuer.slug, comment="Lieu sérieux."
    )
    endorsements.withdraw(session, keyring, actor=coordinator, public_id=row.public_id, links=links, now=now)
    status = published.resolve(session, links, links.endorser_status("coordination")).json()
    assert statuslist.is_set(statuslist.decode(status["credentialSubject"]["encodedList"]), row.status_index)
    assert published.resolve(session, links, links.ob2_endorsement(row.public_id)).status == 410
    assert "endorsement" not in published.ob2_issuer(session, links, issuer.slug).json()


def test_editing_an_endorsed_class_publishes_a_new_revision_the_endorsement_stays(
    session, keyring, links, now
):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    coordinator, _ = make_coordinator(session, now)
    endorse(
        session, keyring, links, now, coordinator, target="badge_class", id=badge.public_id, comment="Bien."
    )
    badge_classes.update_badge_class(session, badge=badge, data={"name": "Échanger par courriel"}, now=now)
    session.flush()
    latest = revisions.latest_of(badge)
    assert latest.number == 2
    assert endorsements.active_for_revision(session, latest) == []
    assert len(endorsements.active_for_revision(session, badge.revisions[0])) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target": "badge_class", "comment": ""}, "comment"),
        ({"target": "badge_class", "comment": "x" * 281}, "comment"),
        ({"target": "nothing", "comment": "Bien."}, "target"),
        ({"target": "badge_class", "id": "00000000-0000-4000-8000-000000000000", "comment": "Bien."}, "id"),
        ({"target": "issuer", "id": "nowhere", "comment": "Bien."}, "id"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(session, keyring, links, now, data, field):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    coordinator, _ = make_coordinator(session, now)
    with pytest.raises(InvalidInput) as refused:
        endorse(session, keyring, links, now, coordinator, **{"id": badge.public_id, **data})
    assert field in refused.value.fields
    assert count(session, Endorsement) == 0


def test_staff_of_a_tiers_lieu_cannot_endorse(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    staff, _ = make_staff(session, issuer, now)
    with pytest.raises(NotAllowed):
        endorse(session, keyring, links, now, staff, target="issuer", id=issuer.slug, comment="Bien.")
    assert count(session, Endorser) == 0


def test_a_counsellor_cannot_withdraw_the_networks_endorsement(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    coordinator, _ = make_coordinator(session, now)
    row = endorse(session, keyring, links, now, coordinator, target="issuer", id=issuer.slug, comment="Bien.")
    with pytest.raises(NotFound):
        endorsements.withdraw(
            session, keyring, actor=counsellor(session, now), public_id=row.public_id, links=links, now=now
        )
    assert row.withdrawn_at is None


def test_endorsing_twice_the_same_thing_is_refused(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    agent = counsellor(session, now)
    endorse(session, keyring, links, now, agent, target="issuer", id=issuer.slug, comment="Bien.")
    with pytest.raises(InvalidInput) as refused:
        endorse(session, keyring, links, now, agent, target="issuer", id=issuer.slug, comment="Encore.")
    assert "id" in refused.value.fields


def test_the_database_refuses_a_second_active_endorsement_of_the_same_target(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    agent = counsellor(session, now)
    first = endorse(session, keyring, links, now, agent, target="issuer", id=issuer.slug, comment="Bien.")
    twin = Endorsement(
        endorser=first.endorser,
        issuer=issuer,
        comment="Encore.",
        status_index=first.status_index + 1,
        created_at=now,
        ob3_credential="",
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(twin)
    # Once withdrawn, the same endorser may endorse it again.
    endorsements.withdraw(session, keyring, actor=agent, public_id=first.public_id, links=links, now=now)
    again = endorse(
        session, keyring, links, now, agent, target="issuer", id=issuer.slug, comment="De nouveau."
    )
    assert again.withdrawn_at is None and count(session, Endorsement) == 2


def test_a_duplicate_that_passed_the_check_is_refused_as_already_not_a_database_error(
    session, keyring, links, now, monkeypatch
):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    agent = counsellor(session, now)
    endorse(session, keyring, links, now, agent, target="badge_class", id=badge.public_id, comment="Bien.")
    # As if a concurrent request's endorsement were not visible yet when this one checked.
    monkeypatch.setattr(endorsements, "_active", lambda *_args: None)
    with pytest.raises(InvalidInput) as refused:
        endorse(session, keyring, links, now, agent, target="badge_class", id=badge.public_id, comment="Re.")
    assert refused.value.fields == {"id": "Vous recommandez déjà ceci."}
    assert count(session, Endorsement) == 1


@pytest.mark.parametrize("targets", ["both", "neither"])
def test_the_database_refuses_an_endorsement_of_both_a_place_and_a_badge_or_of_neither(
    session, keyring, links, now, targets
):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    agent = counsellor(session, now)
    given = endorse(session, keyring, links, now, agent, target="issuer", id=issuer.slug, comment="Bien.")
    other = make_issuer(session, keyring, links, now)
    odd = Endorsement(
        endorser=given.endorser,
        issuer=other if targets == "both" else None,
        badge_revision=revisions.latest_of(badge) if targets == "both" else None,
        comment="Bien.",
        status_index=given.status_index + 1,
        created_at=now,
        ob3_credential="",
    )
    refused = pytest.raises(IntegrityError, match="ck_endorsement_one_target|CHECK constraint failed")
    with refused, session.begin_nested():
        session.add(odd)
    assert count(session, Endorsement) == 1
