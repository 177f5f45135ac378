"""find_owned: another tiers-lieu's record, or one failing a condition, is not found (given message)."""

import pytest

from badges.models import Atelier, Beneficiary, Credential, Pathway
from badges.services.shared import lookup
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import N_, message
from tests.factories import make_atelier, make_award, make_beneficiary, make_issuer, make_pathway

NOT_FOUND = message("beneficiary.not_found", N_("Bénéficiaire introuvable."))


@pytest.fixture
def two_places(session, keyring, links, now):
    return make_issuer(session, keyring, links, now), make_issuer(session, keyring, links, now)


def test_a_record_is_found_in_its_own_tiers_lieu_or_with_no_scope(session, now, two_places):
    mine, _ = two_places
    person = make_beneficiary(session, mine, now)
    for scope in ([mine.id], None):
        found = lookup.find_owned(
            session,
            Beneficiary,
            person.public_id,
            owner=Beneficiary.issuer_id,
            issuer_ids=scope,
            message=NOT_FOUND,
        )
        assert found is person


def test_another_tiers_lieus_record_and_an_unknown_id_are_not_found(session, now, two_places):
    mine, theirs = two_places
    person = make_beneficiary(session, theirs, now)
    for public_id in (person.public_id, "inconnu"):
        with pytest.raises(NotFound) as caught:
            lookup.find_owned(
                session,
                Beneficiary,
                public_id,
                owner=Beneficiary.issuer_id,
                issuer_ids=[mine.id],
                message=NOT_FOUND,
            )
        assert caught.value.message == "Bénéficiaire introuvable."


def test_the_owner_can_be_reached_through_a_join(session, now, two_places):
    mine, theirs = two_places
    atelier = make_atelier(session, make_pathway(session, theirs, now), now)

    def find(scope):
        return lookup.find_owned(
            session,
            Atelier,
            atelier.public_id,
            owner=Pathway.issuer_id,
            join=[Pathway],
            issuer_ids=scope,
            message=NOT_FOUND,
        )

    assert find([theirs.id]) is atelier
    with pytest.raises(NotFound):
        find([mine.id])


def test_a_record_failing_a_condition_is_not_found(session, keyring, links, now, two_places):
    mine, _ = two_places
    award = make_award(session, keyring, links, now, issuer=mine)

    def find():
        return lookup.find_owned(
            session,
            Credential,
            award.public_id,
            owner=Credential.issuer_id,
            issuer_ids=[mine.id],
            where=[Credential.erased_at.is_(None)],
            message=message("badge.not_found", N_("Badge introuvable.")),
        )

    assert find() is award
    award.erased_at = now
    session.flush()
    with pytest.raises(NotFound):
        find()
