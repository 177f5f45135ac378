"""Key figures counted by the service are those a brute-force oracle counts (figures_reference.py: plain loops
over every row), on a generated network (issue 17): every total and breakdown, with filters and over several
periods."""

from __future__ import annotations

import gc
import random
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update

from badges.models import Beneficiary, Credential, Enrolment, Framework, Issuer, Pathway
from badges.services.programme import framework_io
from badges.services.reporting.figures import key_figures
from badges.services.reporting.scope import Filters, Period
from bench import generate
from tests.services.reporting import figures_reference


@pytest.fixture
def network(session, keyring, links):
    """1,200 credentials over 4 tiers-lieux (2023-2026), with the odd cases a real network has: a
    tiers-lieu with no department, an empty one, a pathway nobody joined, badges of no known holder, people
    enrolled in two pathways (a holder found in two places of a group counts once)."""
    if not session.scalar(select(func.count()).select_from(Framework)):
        framework_io.load_defaults(session)
    rng = random.Random(17)
    sizes = generate.issuer_sizes(1_200, rng)
    builder = generate.Network(session, rng)
    issuers = generate.create_issuers(session, keyring, links, sizes)
    for issuer, size in zip(issuers, sizes, strict=True):
        builder.credentials(keyring, links, issuer, size, 1)
    generate.fix_sequences(session)
    session.execute(update(Issuer).where(Issuer.id == issuers[1].id).values(department=None))
    session.execute(update(Issuer).where(Issuer.id == issuers[2].id).values(department=""))
    lonely = session.scalar(select(Pathway.id).where(Pathway.issuer_id == issuers[0].id).limit(1))
    session.execute(delete(Enrolment).where(Enrolment.pathway_id == lonely))
    session.execute(
        update(Credential)
        .where(Credential.issuer_id == issuers[3].id, Credential.id % 7 == 0)
        .values(beneficiary_id=None)
    )
    session.execute(update(Beneficiary).where(Beneficiary.id % 11 == 0).values(profile=""))
    pathways = session.scalars(select(Pathway).where(Pathway.issuer_id == issuers[1].id).order_by(Pathway.id))
    ordered = list(pathways)
    for first, second in zip(ordered[::2], ordered[1::2], strict=False):
        for enrolment in first.enrolments:
            session.add(
                Enrolment(
                    pathway=second, beneficiary_id=enrolment.beneficiary_id, enrolled_at=enrolment.enrolled_at
                )
            )
    session.flush()
    return issuers


PERIODS = [
    Period(date(2025, 1, 1), date(2025, 12, 31)),
    Period(date(2024, 3, 1), date(2024, 3, 31)),
    Period(date(2023, 1, 1), date(2026, 12, 31)),
]


def test_the_figures_are_those_the_oracle_counts(session, network):
    for period in PERIODS:
        found = key_figures(session, period=period, filters=Filters())
        assert found == figures_reference.key_figures(session, period=period, filters=Filters()), period
    assert found["totals"]["badges_issued"] > 0 and found["totals"]["badges_revoked"] > 0
    assert len(found["by"]["tiers_lieu"]) == 4 and found["totals"]["participant_hours"] > 0
    assert found["totals"]["skills_acquired"] and found["competences"]


def test_filtered_figures_are_those_the_oracle_counts(session, network):
    for filters in (
        Filters(department="01"),
        Filters(pathway_type="court"),
        Filters(category="professionnalisation", profile="exclu"),
        Filters(profile="non_renseigne"),
        Filters(issuer_ids=[network[0].id, network[2].id], pathway_type="non_renseigne"),
        Filters(issuer_ids=[network[1].id, network[3].id], category="hybride_creatif"),
    ):
        found = key_figures(session, period=PERIODS[2], filters=filters)
        assert found == figures_reference.key_figures(session, period=PERIODS[2], filters=filters), filters
        assert found["totals"]["pathways"] or filters.pathway_type == "non_renseigne"


def test_the_collector_paused_while_reading_runs_again_afterwards(session, network):
    """Issue 17: the cyclic garbage collector is held off while the facts are read, and only then."""
    key_figures(session, period=PERIODS[0], filters=Filters())
    assert gc.isenabled()
    gc.disable()
    try:
        key_figures(session, period=PERIODS[0], filters=Filters())
        assert not gc.isenabled()  # someone else's pause is theirs to end
    finally:
        gc.enable()
