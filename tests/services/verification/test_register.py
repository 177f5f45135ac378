"""The own-register shortcut: only a badge identical to the stored one skips the content checks."""

from __future__ import annotations

import json

from badges.db import engine_of
from badges.services import verification
from badges.services.credentials import endorsements, formats
from badges.services.crypto import dataintegrity, jws
from badges.services.shared.rows import PooledRows
from badges.services.verification import ob3_checks, register, sources
from badges.services.verification.report import Report
from badges.services.verification.sources import LocalSource
from tests.factories import make_award
from tests.services.verification.test_endorsements import endorse_award_class


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
    assert register.issued_credential(LocalSource(session, links), doc) is None
    assert credential.ob3_hash_data is None and credential.ob3_hash_source is None


def unsecured_and_config(signed: dict) -> tuple[dict, dict]:
    document = {k: v for k, v in signed.items() if k != "proof"}
    proof = {k: v for k, v in signed["proof"][0].items() if k != "proofValue"}
    return document, proof


def test_issuance_keeps_the_hash_data_it_signed_with_the_digest_of_the_stored_text(
    session, keyring, links, now
):
    credential = make_award(session, keyring, links, now)
    document, proof = unsecured_and_config(json.loads(credential.ob3_credential))
    assert credential.ob3_hash_data == dataintegrity.hash_data(document, proof)
    assert credential.ob3_hash_source == dataintegrity.text_digest(credential.ob3_credential)


def test_an_identical_badge_reuses_the_stored_hash_data_and_still_checks_the_signature(
    session, keyring, links, now
):
    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    assert verification.verify_value(doc, source=LocalSource(session, links), now=now).valid
    # Stored hash data that no longer matches what was signed: reused, so the Ed25519 check refuses it.
    assert credential.ob3_hash_data is not None
    credential.ob3_hash_data = bytes([credential.ob3_hash_data[0] ^ 1]) + credential.ob3_hash_data[1:]
    session.flush()
    report = verification.verify_value(doc, source=LocalSource(session, links), now=now)
    assert not report.valid
    assert {c.name: c.passed for c in report.checks}["signature"] is False


def test_hash_data_kept_for_another_text_is_not_reused(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    credential.ob3_hash_data = bytes(64)
    credential.ob3_hash_source = dataintegrity.text_digest(credential.ob3_credential + " ")
    session.flush()
    report = verification.verify_value(
        json.loads(credential.ob3_credential), source=LocalSource(session, links), now=now
    )
    assert report.valid, report.to_dict()


def test_the_same_values_under_other_json_types_are_not_the_stored_badge(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    identifier = doc["credentialSubject"]["identifier"][0]
    assert identifier["hashed"] is True
    identifier["hashed"] = 1  # equal in Python, another RDF literal: not what was signed
    assert register.issued_credential(LocalSource(session, links), doc) is None
    report = verification.verify_value(doc, source=LocalSource(session, links), now=now)
    assert messages(report)["schema"] != register.SAME_AS_ISSUED
    assert not report.valid


def test_the_stored_badge_is_recognised_in_any_key_order_and_its_parsed_form_is_kept_bounded(
    session, keyring, links, now
):
    """Key order and spacing aside, the same values of the same JSON types; the stored side's canonical
    form is kept per stored text (issue 17), in a bounded memo."""
    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    reordered = dict(reversed(list(doc.items())))
    reordered["credentialSubject"] = dict(reversed(list(doc["credentialSubject"].items())))
    source = LocalSource(session, links)
    assert register.issued_credential(source, reordered) is not None
    assert register.issued_credential(source, doc) is not None
    assert not sources.same_as_stored(credential.ob3_credential, {**doc, "name": "autre"})
    assert not sources.same_as_stored('{"n": 1}', {"n": 1.0}) and not sources.same_as_stored(
        '{"n": 1}', {"n": True}
    )
    sources._canonical_text.cache_clear()
    for n in range(600):
        assert sources.same_as_stored(json.dumps({"n": n, "x": "y"}), {"x": "y", "n": n})
    assert sources._canonical_text.cache_info().currsize == 512


def test_key_compromise_and_revocation_are_read_live_for_an_identical_badge(session, keyring, links, now):
    from badges.models import SigningKey

    credential = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    assert verification.verify_value(doc, source=LocalSource(session, links), now=now).valid
    credential.revoked_at = now
    session.flush()
    revoked = verification.verify_value(doc, source=LocalSource(session, links), now=now)
    assert not revoked.valid and {c.name: c.passed for c in revoked.checks}["status"] is False
    credential.revoked_at = None
    key = session.get(SigningKey, credential.ed25519_key_id)
    key.compromised_at = credential.issued_at
    session.flush()
    distrusted = verification.verify_value(doc, source=LocalSource(session, links), now=now)
    assert not distrusted.valid and {c.name: c.passed for c in distrusted.checks}["key"] is False


def verified_afresh(session, links, now, statements, value, issuer_name):
    """A valid report of `value`, as a fresh request makes it, and the SELECT statements it sent."""
    session.expire_all()  # nothing in the identity map
    statements.clear()
    report = verification.verify_value(value, source=LocalSource(session, links), now=now)
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert report.valid
    assert messages(report)["issuer"] == register.ISSUER_IN_REGISTER(name=issuer_name).french
    assert not any("image_png" in s for s in queries)
    return report, queries


def test_an_own_badge_is_verified_in_one_query_without_reading_the_issuer_logo(
    session, keyring, links, now, statements
):
    """The register's answer (issuer name, key, status) unchanged, the credential, its issuer, its keys and
    whether its achievement is endorsed read in one query, the issuer's logo never (issue 17: the verify
    request path). The endorsements themselves are read, in one more statement, only when there are some
    in force, and then they are told whatever the form (issue 16)."""
    credential = make_award(session, keyring, links, now)
    credential.issuer.image_png = b"\x89PNG" + b"\0" * 100_000
    token = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    ob2 = formats.ob2_signed(session, keyring, credential=credential, links=links)
    session.commit()
    values, name = (json.loads(credential.ob3_credential), token, ob2), credential.issuer.name
    for value in values:
        report, queries = verified_afresh(session, links, now, statements, value, name)
        assert len(queries) == 1, queries  # the credential with its issuer, its keys and EXISTS(endorsement)
        assert report.endorsements == []
    coordinator, endorsement = endorse_award_class(session, keyring, links, now, credential)
    session.commit()
    for value in values:
        report, queries = verified_afresh(session, links, now, statements, value, name)
        listed = [q for q in queries if q.lstrip().upper().startswith("SELECT ENDORSEMENT.OB3_CREDENTIAL")]
        # Then checking each endorsement reads its endorser's keys and status list (endorsement_checks).
        assert len(listed) == (0 if value is ob2 else 1), queries
        assert [e.counted for e in report.endorsements] == ([] if value is ob2 else [True])
    endorsements.withdraw(
        session, keyring, actor=coordinator, public_id=endorsement.public_id, links=links, now=now
    )
    session.commit()
    for value in values:
        report, queries = verified_afresh(session, links, now, statements, value, name)
        assert len(queries) == 1 and report.endorsements == [], queries


def test_through_a_request_s_reader_an_own_badge_is_one_statement_and_no_session(
    app, session, keyring, links, now, statements
):
    """The web request's path (api/verify.py): the register read on the pooled DB-API connection, the ORM
    session unused; one more statement there for the OB 3.0 forms once the achievement is endorsed (the
    endorsement's own checks then read its endorser's documents through the session, as any source)."""
    credential = make_award(session, keyring, links, now)
    token = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    ob2 = formats.ob2_signed(session, keyring, credential=credential, links=links)
    session.commit()
    values = (json.loads(credential.ob3_credential), token, ob2)

    def read_by_reader(value) -> tuple[int, int]:
        """(statements on the reader, statements through SQLAlchemy) of a valid verification."""
        rows = PooledRows(engine_of(app))
        statements.clear()
        try:
            source = LocalSource(session, links, reader=lambda: rows)
            report = verification.verify_value(value, source=source, now=now)
        finally:
            rows.close()
            session.rollback()
        assert report.valid
        return len(rows.statements), len(statements)

    assert [read_by_reader(value) for value in values] == [(1, 0), (1, 0), (1, 0)]
    endorse_award_class(session, keyring, links, now, credential)
    session.commit()
    found = [read_by_reader(value) for value in values]
    assert [reader for reader, _ in found] == [2, 2, 1] and found[2][1] == 0, found


def test_an_own_token_reads_its_key_compromise_and_revocation_live(session, keyring, links, now):
    """The register entry is read on every call (issue 17 only made it one query): a key compromised after
    one verification, and a revocation, change the next verdict of the very same tokens."""
    from badges.models import SigningKey

    credential = make_award(session, keyring, links, now)
    tokens = [
        formats.ob3_jwt(session, keyring, credential=credential, links=links),
        formats.ob2_signed(session, keyring, credential=credential, links=links),
    ]
    session.flush()
    for token in tokens:
        assert verification.verify_value(token, source=LocalSource(session, links), now=now).valid
    key = session.get(SigningKey, credential.rsa_key_id)
    key.compromised_at = credential.issued_at
    for token in tokens:  # not flushed by the test: the register sees the unit of work, as an ORM query would
        report = verification.verify_value(token, source=LocalSource(session, links), now=now)
        assert report.outcome == "forged" and {c.name: c.passed for c in report.checks}["key"] is False
    key.compromised_at = None
    credential.revoked_at, credential.revocation_reason = now, "Erreur de saisie"
    for token in tokens:
        report = verification.verify_value(token, source=LocalSource(session, links), now=now)
        assert report.outcome == "revoked_or_expired"
        assert report.lapse is not None and report.lapse.reason == "Erreur de saisie"
