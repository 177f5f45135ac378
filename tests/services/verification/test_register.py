"""The own-register shortcut: only a badge identical to the stored one skips the content checks."""

from __future__ import annotations

import json

from badges.services import verification
from badges.services.credentials import formats
from badges.services.crypto import jws
from badges.services.verification import ob3_checks, register
from badges.services.verification.report import Report
from badges.services.verification.sources import LocalSource
from tests.factories import make_award


def messages(report) -> dict[str, str]:
    return {c.name: c.message for c in report.checks}


def test_issued_credentials_pass_the_full_content_checks(session, keyring, links, now):
    """What the shortcut relies on: this service's output passes the JSON-LD and schema checks."""
    credential = make_award(session, keyring, links, now)
    token = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    _, payload = jws.unverified_parts(token)
    for document in (json.loads(credential.ob3_credential), payload):
        document = {k: v for k, v in document.items() if k not in ("iss", "jti", "sub", "nbf", "exp")}
        report = Report()
        assert ob3_checks.check_content(document, report)
        assert report.valid, report.to_dict()


def test_identical_badges_take_the_shortcut(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    token = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    for value in (json.loads(credential.ob3_credential), token):
        report = verification.verify_value(value, source=LocalSource(session, links), now=now)
        assert report.valid
        assert messages(report)["schema"] == register.SAME_AS_ISSUED.french


def test_a_modified_badge_gets_the_full_checks(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    doc["name"] = doc["name"] + " "
    report = verification.verify_value(doc, source=LocalSource(session, links), now=now)
    assert messages(report)["schema"] != register.SAME_AS_ISSUED
    assert not report.valid  # the signature no longer matches


def test_an_erased_badge_is_not_in_the_register(session, keyring, links, now):
    from badges.services.credentials import revocation

    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    revocation.erase(session, keyring, credential=credential, links=links, now=now)
    assert not register.issued_json(LocalSource(session, links), doc)
