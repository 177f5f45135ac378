"""The verified-status-list cache: used for the same list, never for an altered one."""

from __future__ import annotations

import json

from badges.models import StatusList
from badges.services import verification
from badges.services.crypto import statuslist
from badges.services.verification import status_checks
from badges.services.verification.sources import LocalSource
from tests.factories import make_award


def status_check(report):
    return next(c for c in report.checks if c.name == "status")


def test_a_list_altered_after_being_cached_is_verified_again_and_refused(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    doc["name"] += " "  # not identical to the stored badge: the general checks run
    first = verification.verify_value(doc, source=LocalSource(session, links), now=now)
    assert status_check(first).passed
    status_list = session.get(StatusList, credential.status_list_id)
    signed = json.loads(status_list.signed_credential)
    signed["credentialSubject"]["encodedList"] = statuslist.encode(
        [credential.status_index], status_list.size
    )
    status_list.signed_credential = json.dumps(signed)  # the bit flipped without a new proof
    session.flush()
    second = verification.verify_value(doc, source=LocalSource(session, links), now=now)
    assert not status_check(second).passed
    assert "signature" in status_check(second).message


def test_the_same_list_is_verified_once(session, keyring, links, now, monkeypatch):
    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    doc["name"] += " "
    status_checks._VERIFIED_LISTS.clear()
    calls = []
    original = status_checks.dataintegrity.verify

    def counting(document, **kwargs):
        calls.append(document["type"][-1])
        return original(document, **kwargs)

    monkeypatch.setattr(status_checks.dataintegrity, "verify", counting)
    for _ in range(3):
        verification.verify_value(doc, source=LocalSource(session, links), now=now)
    # The badge's own proof is checked every time; the list's proof only on the first pass.
    assert calls.count("OpenBadgeCredential") == 3
    assert calls.count("BitstringStatusListCredential") == 1
