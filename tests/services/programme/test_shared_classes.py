"""Shared badge classes: sharing, awarding by another tiers-lieu, stopping, the documents it gets."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from badges.models import Credential, SigningKey
from badges.services import verification
from badges.services.credentials import downloads, formats, issuance, published, sharing
from badges.services.holders import award_listing
from badges.services.openbadges.contexts import schema_errors
from badges.services.programme import awarding, pathways, shared_classes
from badges.services.programme.awarding import Issuing
from badges.services.shared.errors import InvalidInput, NotFound, RuleError
from badges.services.verification.sources import LocalSource
from tests.factories import (
    D06,
    D07,
    grid,
    make_badge_class,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_programme,
    make_rule_badge_class,
)


@pytest.fixture
def network(session, keyring, links, now):
    """Two tiers-lieux: the creator shares a class, the other one has a beneficiary of its own."""
    creator = make_issuer(session, keyring, links, now, name="La Fabrique")
    other = make_issuer(session, keyring, links, now, name="Le Relais")
    badge = make_badge_class(session, creator, now)
    shared_classes.share(session, badge=badge, now=now)
    person = make_beneficiary(session, other, now)
    return creator, other, badge, person


def verify(session, links, now, text: str):
    return verification.verify_bytes(text.encode("utf-8"), source=LocalSource(session, links), now=now)


def award_by_other(session, keyring, links, now, badge, person) -> Credential:
    found = shared_classes.for_awarding(session, issuer=person.issuer, public_id=badge.public_id)
    return awarding.award_by_hand(
        session, Issuing(keyring, links, now), badge=found, person=person, evidence=[]
    )


def test_other_tiers_lieu_awards_a_shared_class_under_its_own_name_keys_and_status_list(
    session, keyring, links, now, network
):
    creator, other, badge, person = network
    credential = award_by_other(session, keyring, links, now, badge, person)
    assert credential.issuer_id == other.id
    assert credential.status_list.issuer_id == other.id
    assert session.get(SigningKey, credential.ed25519_key_id).issuer_id == other.id
    assert session.get(SigningKey, credential.rsa_key_id).issuer_id == other.id
    ob3 = json.loads(credential.ob3_credential)
    assert ob3["issuer"]["id"] == links.issuer(other.slug)
    assert ob3["issuer"]["name"] == "Le Relais"
    assert ob3["proof"][0]["verificationMethod"].startswith(links.issuer(other.slug) + "/keys/")
    assert ob3["credentialStatus"]["statusListCredential"].startswith(links.status_list(other.slug, 1)[:-1])
    assert schema_errors(ob3) == []


def test_the_achievement_stays_the_creators_whoever_awards_it(session, keyring, links, now, network):
    creator, other, badge, person = network
    by_other = json.loads(award_by_other(session, keyring, links, now, badge, person).ob3_credential)
    own = make_beneficiary(session, creator, now, email="bea@example.org")
    by_creator = json.loads(
        issuance.award(
            session, keyring, badge_class=badge, beneficiary=own, links=links, now=now
        ).ob3_credential
    )
    achievement = by_other["credentialSubject"]["achievement"]
    assert achievement == by_creator["credentialSubject"]["achievement"]
    assert achievement["id"] == links.achievement(badge.public_id)
    # OB 3.0 §B.1.1 Achievement.creator: the tiers-lieu that defined it, not the one that awarded it.
    assert achievement["creator"]["id"] == links.issuer(creator.slug)
    assert achievement["creator"]["name"] == "La Fabrique"
    assert achievement["creator"]["type"] == ["Profile"]
    served = published.resolve(session, links, links.achievement(badge.public_id))
    assert served is not None and served.json()["creator"]["id"] == links.issuer(creator.slug)


def test_ob2_assertion_names_the_creators_badge_class_whose_issuer_stays_the_creator(
    session, keyring, links, now, network
):
    creator, other, badge, person = network
    credential = award_by_other(session, keyring, links, now, badge, person)
    assertion = json.loads(credential.ob2_assertion)
    assert assertion["badge"] == links.ob2_badge(badge.public_id)
    served = published.resolve(session, links, assertion["badge"])
    assert served is not None and served.json()["issuer"] == links.ob2_issuer(creator.slug)


def test_no_signed_ob2_form_for_a_shared_class_award(session, keyring, links, now, network):
    """OB 2.0 takes the issuer from the BadgeClass: a key of the awarding tiers-lieu cannot sign for it."""
    *_, badge, person = network
    credential = award_by_other(session, keyring, links, now, badge, person)
    assert not formats.signed_ob2_possible(credential)
    with pytest.raises(NotFound) as refused:
        formats.ob2_signed(session, keyring, credential=credential, links=links)
    assert refused.value.said == formats.NO_SIGNED_OB2
    assert credential.ob2_signed is None


def test_this_services_verifier_accepts_a_shared_class_award_in_both_versions(
    session, keyring, links, now, network
):
    *_, badge, person = network
    credential = award_by_other(session, keyring, links, now, badge, person)
    session.flush()
    for text in (credential.ob3_credential, links.ob2_assertion(credential.public_id)):
        report = verify(session, links, now, text)
        assert report.valid, [(c.name, c.message) for c in report.checks if not c.passed]


def test_a_class_not_shared_is_refused_to_another_tiers_lieu_and_nothing_is_stored(
    session, keyring, links, now
):
    creator = make_issuer(session, keyring, links, now)
    other = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, creator, now)
    person = make_beneficiary(session, other, now)
    with pytest.raises(InvalidInput) as refused:
        shared_classes.for_awarding(session, issuer=other, public_id=badge.public_id)
    assert refused.value.field_messages == {"badge_class": shared_classes.NOT_SHARED}
    # The issuance itself refuses too, whatever path reaches it.
    with pytest.raises(RuleError):
        issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    assert session.scalars(select(Credential)).all() == []


def test_stopping_keeps_earlier_awards_valid_and_refuses_new_ones(session, keyring, links, now, network):
    creator, other, badge, person = network
    earlier = award_by_other(session, keyring, links, now, badge, person)
    shared_classes.stop_sharing(badge)
    session.flush()
    second = make_beneficiary(session, other, now, email="chris@example.org")
    with pytest.raises(InvalidInput):
        award_by_other(session, keyring, links, now, badge, second)
    with pytest.raises(RuleError):
        issuance.award(session, keyring, badge_class=badge, beneficiary=second, links=links, now=now)
    # A bulk job queued before the stop signs nothing.
    assert awarding.award_by_ids(session, Issuing(keyring, links, now), badge.id, second.id) is None
    assert earlier.revoked_at is None
    assert verify(session, links, now, earlier.ob3_credential).valid
    assert session.scalars(select(Credential)).all() == [earlier]


def test_unknown_class_is_not_found(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    with pytest.raises(NotFound):
        shared_classes.for_awarding(session, issuer=issuer, public_id="00000000-0000-4000-8000-000000000000")


def test_a_pathway_badge_cannot_be_shared(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    pathway = make_pathway(session, issuer, now)
    component = make_badge_class(session, issuer, now)
    badge = make_badge_class(
        session, issuer, now, name="Parcours complet",
        pathway_badge={"pathway": pathway.public_id, "components": [component.public_id]},
    )  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        shared_classes.share(session, badge=badge, now=now)
    assert refused.value.field_messages == {"shared": shared_classes.PATHWAY_NOT_SHARED}
    assert badge.shared_at is None


def test_catalogue_lists_the_others_shared_classes_with_the_awards_made_here(
    session, keyring, links, now, network
):
    creator, other, badge, person = network
    make_badge_class(session, creator, now, name="Pas partagé")
    award_by_other(session, keyring, links, now, badge, person)
    (row,) = shared_classes.catalogue(session, other)
    assert (row.id, row.creator, row.awarded_here) == (badge.public_id, "La Fabrique", 1)
    assert shared_classes.catalogue(session, creator) == []


def test_a_grid_awards_a_shared_class_only_once_the_tiers_lieu_names_it_in_a_pathway(
    session, keyring, links, now
):
    creator = make_issuer(session, keyring, links, now, name="La Fabrique")
    shared = make_rule_badge_class(session, creator, now, name="Premiers e-mails (réseau)")
    shared_classes.share(session, badge=shared, now=now)
    world = make_programme(session, keyring, links, now, {"display_name": "Awa", "email": "awa@example.org"})
    awa = world.people[0]
    cells = [(awa, D06, "N1"), (awa, D07, "N1")]
    first = grid(session, keyring, links, now, world.atelier, world.staff, cells)[1]
    # Not named in any of its pathways: only its own class is awarded.
    assert [c.badge_class for c in first.issued] == [world.badge]
    pathways.update_pathway(
        session, pathway=world.pathway, data={"badge_classes": [world.badge.public_id, shared.public_id]}
    )
    second = grid(session, keyring, links, now, world.atelier, world.staff, cells)[1]
    (credential,) = second.issued
    assert credential.badge_class == shared and credential.issuer == world.issuer
    document = json.loads(credential.ob3_credential)
    assert document["credentialSubject"]["achievement"]["creator"]["id"] == links.issuer(creator.slug)
    assert document["issuer"]["id"] == links.issuer(world.issuer.slug)


def test_a_grid_no_longer_awards_a_class_whose_sharing_stopped(session, keyring, links, now):
    creator = make_issuer(session, keyring, links, now)
    shared = make_rule_badge_class(session, creator, now, name="Premiers e-mails (réseau)")
    shared_classes.share(session, badge=shared, now=now)
    world = make_programme(
        session, keyring, links, now, {"display_name": "Awa", "email": "awa@example.org", "consent": False}
    )
    pathways.update_pathway(session, pathway=world.pathway, data={"badge_classes": [shared.public_id]})
    awa = world.people[0]
    cells = [(awa, D06, "N1"), (awa, D07, "N1")]
    waiting = grid(session, keyring, links, now, world.atelier, world.staff, cells)[1]
    assert {p.badge_class for p in waiting.pending} == {world.badge, shared}
    shared_classes.stop_sharing(shared)
    session.flush()
    # Consent given after the stop: its own badge is issued, the shared one neither issued nor kept.
    consented = awarding.on_consent(session, Issuing(keyring, links, now), awa)
    assert [c.badge_class for c in consented.issued] == [world.badge]
    assert consented.pending == []


def test_a_private_shared_class_award_offers_no_ob2_image_it_could_not_sign(
    session, keyring, links, now, network
):
    *_, badge, person = network
    credential = award_by_other(session, keyring, links, now, badge, person)
    public = [d["fmt"] for d in award_listing.award_detail(session, links, credential, now)["downloads"]]
    assert public == ["ob3.png", "ob2.png", "ob3.json", "ob3.jwt"]
    sharing.set_private(session, credential=credential, value="private", now=now)
    private = [d["fmt"] for d in award_listing.award_detail(session, links, credential, now)["downloads"]]
    assert private == ["ob3.png", "ob3.json", "ob3.jwt"]
    for fmt in private:
        assert downloads.render(session, keyring, credential=credential, links=links, fmt=fmt).body
