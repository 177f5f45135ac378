"""The programme's service tests share one tiers-lieu running a pathway (tests.factories.make_programme)."""

from __future__ import annotations

import pytest

from tests.factories import Programme, make_issuer, make_programme


@pytest.fixture
def issuer(session, keyring, links, now):
    return make_issuer(session, keyring, links, now)


@pytest.fixture
def world(session, keyring, links, now) -> Programme:
    """Awa (who consented) and Karim (who has not, and has no e-mail), enrolled in the pathway."""
    return make_programme(
        session,
        keyring,
        links,
        now,
        {"display_name": "Awa", "email": "awa@example.org"},
        {"display_name": "Karim", "email": None, "consent": False},
    )
