"""The four verdicts (issue 13): valid, revoked or expired, forged, cannot be checked; and one `parse` entry.

Only a forged badge is called not authentic: a private badge, a missing document, an unreachable issuer or
an unreadable input is "cannot be checked", with a cause the page turns into what to do.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest

from badges.models import Credential
from badges.services import verification
from badges.services.credentials import downloads, sharing, status_lists
from badges.services.credentials.issuance import award
from badges.services.shared.input_limits import MAX_INPUT_BYTES, TOO_LARGE
from badges.services.verification import checking, common, register
from badges.services.verification.report import REVOKED
from badges.services.verification.sources import LocalSource
from tests.factories import make_award, make_badge_class, make_beneficiary, make_issuer


def verify(value, session, links, now, **kwargs):
    return verification.verify_value(value, source=LocalSource(session, links), now=now, **kwargs)


def parse_entries(report) -> list[tuple[bool, str]]:
    return [(c.passed, c.message) for c in report.checks if c.name == "parse"]


@pytest.fixture
def credential(session, keyring, links, now) -> Credential:
    return make_award(session, keyring, links, now)


def revoke(session, keyring, links, credential: Credential, now) -> None:
    credential.revoked_at = now
    credential.revocation_reason = "Erreur de saisie"
    status_lists.sign_list(session, keyring, status_list=credential.status_list, links=links, now=now)
    session.flush()


def test_a_genuine_badge_is_valid(session, links, now, credential):
    report = verify(json.loads(credential.ob3_credential), session, links, now)
    assert report.outcome == "valid" and report.to_dict()["outcome"] == "valid"
    assert report.to_dict()["cause"] is None and report.to_dict()["lapse"] is None


@pytest.mark.parametrize("form", ["ob3", "ob2"])
def test_an_altered_badge_is_forged(session, links, now, credential, form):
    doc = json.loads(credential.ob3_credential if form == "ob3" else credential.ob2_assertion)
    altered = copy.deepcopy(doc)
    if form == "ob3":
        altered["credentialSubject"]["achievement"]["name"] = "Expert en cybersécurité"
    else:
        altered["issuedOn"] = "2020-01-01T00:00:00Z"
    report = verify(altered, session, links, now)
    assert report.outcome == "forged" and report.cause is None


def test_a_revoked_badge_is_lapsed_with_the_issuers_reason_and_date(session, keyring, links, now, credential):
    revoke(session, keyring, links, credential, now + timedelta(days=2))
    ob2 = verify(json.loads(credential.ob2_assertion), session, links, now + timedelta(days=3))
    assert ob2.outcome == "revoked_or_expired"
    assert ob2.to_dict()["lapse"] == {"kind": "revoked", "date": None, "reason": "Erreur de saisie"}
    ob3 = verify(json.loads(credential.ob3_credential), session, links, now + timedelta(days=3))
    assert ob3.outcome == "revoked_or_expired" and ob3.lapse is not None
    # The status list does not say when; this service's register does, for its own badges: a badge identical
    # to the stored one is answered by the register directly, as a token is (adding the date is a no-op).
    checking.add_revocation_date(session, links, ob3)
    assert ob3.to_dict()["lapse"] == {
        "kind": "revoked",
        "date": "2026-03-14T10:00:00Z",
        "reason": "Erreur de saisie",
    }


def test_an_expired_badge_is_lapsed_with_its_end_date(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now, validity_days=30)
    person = make_beneficiary(session, issuer, now)
    credential = award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    report = verify(json.loads(credential.ob3_credential), session, links, now + timedelta(days=31))
    assert report.outcome == "revoked_or_expired"
    assert report.lapse is not None and report.lapse.kind == "expired"
    assert report.lapse.date is not None and report.lapse.date.date() == (now + timedelta(days=30)).date()


def test_an_ob2_copy_of_a_badge_made_private_cannot_be_checked(session, links, now, credential):
    """Its hosted address no longer answers: nothing says it was altered."""
    sharing.set_private(session, credential=credential, value="private", now=now)
    session.flush()
    report = verify(json.loads(credential.ob2_assertion), session, links, now)
    assert report.outcome == "unverifiable" and report.cause == "not_found"
    page = verify(links.credential_page(credential.public_id), session, links, now)
    assert page.outcome == "unverifiable" and page.cause == "not_found"


def test_a_failed_url_fetch_gives_one_failed_parse_entry(session, links, now):
    report = verify(links.credential_page("00000000-0000-4000-8000-000000000000"), session, links, now)
    entries = parse_entries(report)
    assert len(entries) == 1 and entries[0][0] is False
    assert entries[0][1].startswith("Impossible de lire le badge à cette adresse")
    assert report.outcome == "unverifiable" and report.cause == "not_found"


def test_a_url_read_gives_one_passed_parse_entry(session, links, now, credential):
    report = verify(links.credential_page(credential.public_id), session, links, now)
    assert report.valid and parse_entries(report) == [(True, "Badge lu à son adresse.")]


@pytest.mark.parametrize("fmt", ["ob3.png", "ob2.png", "ob3.svg"])
def test_an_image_gives_one_parse_entry(session, keyring, links, now, credential, fmt):
    file = downloads.render(session, keyring, credential=credential, links=links, fmt=fmt)
    report = verification.verify_bytes(file.body, source=LocalSource(session, links), now=now)
    assert report.valid, report.to_dict()
    kind = fmt.rsplit(".", 1)[1].upper()
    assert parse_entries(report) == [(True, f"Badge extrait de l'image {kind}.")]


def test_an_unreadable_input_or_a_wrong_email_cannot_be_checked(session, links, now, credential):
    garbage = verification.verify_bytes(b"\x00\x01 pas un badge", source=LocalSource(session, links), now=now)
    assert garbage.outcome == "unverifiable" and garbage.cause == "unreadable"
    other = verify(json.loads(credential.ob3_credential), session, links, now, email="autre@example.org")
    assert other.outcome == "unverifiable" and other.cause == "recipient"


def test_too_large_input_has_one_limit_and_one_message(session, links, now):
    big = b"{" + b" " * MAX_INPUT_BYTES + b"}"
    for report in (
        verification.verify_bytes(big, source=LocalSource(session, links), now=now),
        verify(big.decode(), session, links, now),
    ):
        assert parse_entries(report) == [(False, TOO_LARGE.french)] and report.cause == "too_large"
    assert TOO_LARGE.french == "Le badge est trop gros : 2 Mo au plus."


def test_forged_wins_over_lapsed_and_lapsed_over_unverifiable():
    report = verification.Report()
    report.ok("parse", verification.READ)
    report.fail("recipient", common.RECIPIENT_DIFFERS)
    assert report.outcome == "unverifiable"
    report.revoked(REVOKED, at=datetime(2026, 1, 1, tzinfo=UTC))
    assert report.outcome == "revoked_or_expired"
    report.fail("signature", register.SIGNATURE_MISMATCH)
    assert report.outcome == "forged" and report.to_dict()["lapse"] is None


def test_an_incomplete_issuer_profile_is_unreadable_not_forged():
    report = verification.Report()
    common.check_issuer_profile({"id": "https://issuer.test/", "type": "Profile"}, report)
    assert report.outcome == "unverifiable" and report.cause == "unreadable"
