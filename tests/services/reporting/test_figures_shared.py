"""Key figures of shared badge classes: awards of the period per tiers-lieu (coordination, creator)."""

from __future__ import annotations

from datetime import timedelta

from badges.services.credentials import issuance
from badges.services.programme import shared_classes
from badges.services.reporting.figures_shared import shared_figures
from badges.services.reporting.scope import Period
from tests.factories import make_badge_class, make_beneficiary, make_issuer


def award(session, keyring, links, now, badge, issuer, email, **kwargs):
    person = make_beneficiary(session, issuer, now, email=email)
    return issuance.award(
        session, keyring, badge_class=badge, beneficiary=person, links=links, now=now, **kwargs
    )


def test_a_shared_class_is_counted_per_tiers_lieu_and_stays_counted_after_the_stop(
    session, keyring, links, now
):
    creator = make_issuer(session, keyring, links, now, name="La Fabrique")
    relais = make_issuer(session, keyring, links, now, name="Le Relais")
    atelier = make_issuer(session, keyring, links, now, name="L'Atelier")
    badge = make_badge_class(session, creator, now, name="Réserver un train")
    make_badge_class(session, creator, now, name="Jamais partagé")
    shared_classes.share(session, badge=badge, now=now)
    award(session, keyring, links, now, badge, creator, "a@example.org")
    award(session, keyring, links, now, badge, relais, "b@example.org")
    award(session, keyring, links, now, badge, relais, "c@example.org")
    # Awarded (earned) before the period: not counted in it.
    award(session, keyring, links, now, badge, atelier, "d@example.org", awarded_at=now - timedelta(days=400))
    shared_classes.stop_sharing(badge)
    session.flush()
    period = Period(now.date() - timedelta(days=30), now.date())
    (row,) = shared_figures(session, period=period, creator_ids=None)
    assert (row["name"], row["creator"], row["shared"], row["total"]) == (
        "Réserver un train",
        "La Fabrique",
        False,
        3,
    )
    assert row["by_tiers_lieu"] == [
        {"tiers_lieu": "Le Relais", "awarded": 2},
        {"tiers_lieu": "La Fabrique", "awarded": 1},
    ]
    assert shared_figures(session, period=period, creator_ids=[creator.id]) == [row]
    assert shared_figures(session, period=period, creator_ids=[relais.id]) == []


def test_the_shared_classes_and_their_creators_are_read_in_two_statements(
    session, keyring, links, now, statements
):
    """The classes with their creators, then the awards: as many statements whatever the number of creators
    (not one more per creator, as reading each class's issuer on its own made)."""
    creators = [make_issuer(session, keyring, links, now, name=f"Tiers-lieu {n}") for n in range(3)]
    for creator in creators:
        shared_classes.share(session, badge=make_badge_class(session, creator, now, name="Classe"), now=now)
    session.flush()
    session.expire_all()  # as a fresh request: no issuer already in the identity map
    statements.clear()
    rows = shared_figures(session, period=Period(now.date(), now.date()), creator_ids=None)
    assert sorted(row["creator"] for row in rows) == ["Tiers-lieu 0", "Tiers-lieu 1", "Tiers-lieu 2"]
    assert len(statements) == 2, statements
