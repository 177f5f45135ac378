"""A badge awarded by one tiers-lieu from a class another tiers-lieu shares, judged by the outside validators
over real HTTP: the credential's issuer is the awarding tiers-lieu, its Achievement (and OB 2.0 BadgeClass)
the creator's.

1EdTech's OB 2.0 validator takes an assertion's issuer from its BadgeClass (OB 2.0 has no issuer on the
Assertion) and, for a hosted assertion, checks that the assertion's URL is on an origin that issuer allows
(`hosted_id_in_verification_scope`: by default the host of the issuer id). Every tiers-lieu is published
on this service's host, so the hosted assertion verifies; a signed one would need a key of the BadgeClass's
issuer (`verify_key_ownership`), which is why a shared-class award has no signed OB 2.0 form.
See docs/standards.md#S-validators.
"""

from __future__ import annotations

import json

import pytest

from badges.models import Credential
from badges.services.credentials import formats, revocation
from badges.services.openbadges.contexts import schema_errors
from badges.services.programme import awarding, shared_classes
from badges.services.programme.awarding import Issuing
from tests.factories import make_badge_class, make_beneficiary, make_issuer
from tests.interop import harness

pytestmark = pytest.mark.interop


@pytest.fixture
def shared_award(session, keyring, links, now, live_url) -> Credential:
    creator = make_issuer(session, keyring, links, now, name="La Fabrique")
    other = make_issuer(session, keyring, links, now, name="Le Relais")
    badge = make_badge_class(session, creator, now, name="Réserver un train en ligne")
    shared_classes.share(session, badge=badge, now=now)
    person = make_beneficiary(session, other, now, email="awa@example.org")
    found = shared_classes.for_awarding(session, issuer=other, public_id=badge.public_id)
    credential = awarding.award_by_hand(
        session, Issuing(keyring, links, now), badge=found, person=person, evidence=[]
    )
    session.commit()
    return credential


def test_the_shared_class_award_passes_the_json_schema_with_the_creator(links, shared_award):
    document = json.loads(shared_award.ob3_credential)
    assert schema_errors(document) == []
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["creator"]["id"] == links.issuer(shared_award.badge_class.issuer.slug)
    assert document["issuer"]["id"] == links.issuer(shared_award.issuer.slug)
    assert achievement["creator"]["id"] != document["issuer"]["id"]


def test_the_shared_class_award_passes_the_digital_bazaar_verifier(network, node_tools, shared_award):
    result = harness.ob3_verify_di(json.loads(shared_award.ob3_credential), network)
    assert result.ok, result.output
    assert result.report["verified"] is True and result.report["revoked"] is False


def test_the_shared_class_award_passes_dcc_verifier_core(network, node_tools, shared_award):
    result = harness.ob3_verifier_core(json.loads(shared_award.ob3_credential), network)
    assert result.ok, result.output
    assert result.report["schema_check"]["valid"] is True


def test_the_shared_class_awards_vc_jwt_passes_jose(
    network, node_tools, session, keyring, links, shared_award
):
    token = formats.ob3_jwt(session, keyring, credential=shared_award, links=links)
    session.commit()
    result = harness.ob3_verify_jwt(token, network)
    assert result.ok, result.output


def test_the_hosted_ob2_assertion_of_a_shared_class_passes_the_1edtech_validator(
    network, ob2_venv, links, shared_award
):
    result = harness.ob2_validate(
        links.ob2_assertion(shared_award.public_id), network, recipient_email="awa@example.org"
    )
    assert result.ok, result.output
    badge_class = network.json(json.loads(shared_award.ob2_assertion)["badge"])
    # The BadgeClass and its issuer stay the creator's, whoever awarded the badge.
    assert badge_class["issuer"] == links.ob2_issuer(shared_award.badge_class.issuer.slug)
    assert badge_class["issuer"] != links.ob2_issuer(shared_award.issuer.slug)


def test_a_revocation_by_the_awarding_tiers_lieu_is_seen_by_the_verifiers(
    network, node_tools, ob2_venv, session, keyring, links, now, shared_award
):
    revocation.revoke(session, keyring, credential=shared_award, reason="Erreur", links=links, now=now)
    session.commit()
    di = harness.ob3_verify_di(json.loads(shared_award.ob3_credential), network)
    assert not di.ok and di.report["verified"] is True and di.report["revoked"] is True
    ob2 = harness.ob2_validate(
        links.ob2_assertion(shared_award.public_id), network, recipient_email="awa@example.org"
    )
    assert not ob2.ok, ob2.output
