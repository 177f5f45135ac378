"""Signed OB 2.0 assertions and VC-JWTs: issued on request, verified, and every forgery refused."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from badges.models import SigningKey
from badges.services import verification
from badges.services.credentials import documents, formats, revocation
from badges.services.crypto import jws
from badges.services.verification.sources import LocalSource
from tests.factories import make_award


def b64(value: dict | bytes) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parts(token: str) -> tuple[dict, dict, str]:
    header, payload = jws.unverified_parts(token)
    return header, payload, token.rsplit(".", 1)[1]


def verify(token, session, links, now, **kwargs):
    return verification.verify_value(token, source=LocalSource(session, links), now=now, **kwargs)


def checks(report) -> dict[str, bool]:
    return {c.name: c.passed for c in report.checks}


def message(report, name: str) -> str:
    return next(c.message for c in report.checks if c.name == name)


@pytest.fixture
def credential(session, keyring, links, now):
    return make_award(session, keyring, links, now)


@pytest.fixture
def vc_jwt(session, keyring, links, credential) -> str:
    return formats.ob3_jwt(session, keyring, credential=credential, links=links)


@pytest.fixture
def ob2_jws(session, keyring, links, credential) -> str:
    return formats.ob2_signed(session, keyring, credential=credential, links=links)


def test_vc_jwt_has_only_the_allowed_header_and_the_registered_claims(vc_jwt, credential, links):
    header, payload, _ = parts(vc_jwt)
    assert set(header) == {"alg", "kid", "typ"} and header["alg"] == "RS256" and header["typ"] == "JWT"
    assert header["kid"].startswith(links.issuer(credential.issuer.slug) + "/keys/")
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"] == f"urn:uuid:{credential.public_id}"
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["nbf"] == 1773309600
    assert "proof" not in payload


def test_signed_forms_are_made_once_and_stored(session, keyring, links, credential, vc_jwt, ob2_jws):
    assert formats.ob3_jwt(session, keyring, credential=credential, links=links) == vc_jwt
    assert formats.ob2_signed(session, keyring, credential=credential, links=links) == ob2_jws
    assert credential.ob3_jwt == vc_jwt and credential.ob2_signed == ob2_jws


def test_signed_ob2_assertion_names_its_key_and_a_urn_id(ob2_jws, credential, links):
    _, payload, _ = parts(ob2_jws)
    assert payload["id"] == f"urn:uuid:{credential.public_id}"
    assert payload["verification"]["type"] == "SignedBadge"
    assert payload["verification"]["creator"].startswith(links.base + "/ob2/keys/")


@pytest.mark.parametrize("fixture", ["vc_jwt", "ob2_jws"])
def test_own_tokens_verify(request, session, links, now, fixture):
    report = verify(request.getfixturevalue(fixture), session, links, now, email="awa@example.org")
    assert report.valid, report.to_dict()
    assert report.format == ("ob3-jwt" if fixture == "vc_jwt" else "ob2-signed")
    assert checks(report)["recipient"]


@pytest.mark.parametrize("fixture", ["vc_jwt", "ob2_jws"])
def test_revoked_tokens_fail_the_status_check(request, session, keyring, links, now, credential, fixture):
    token = request.getfixturevalue(fixture)
    revocation.revoke(session, keyring, credential=credential, reason="Erreur", links=links, now=now)
    report = verify(token, session, links, now)
    assert checks(report)["status"] is False


def tampered_payload(token: str) -> str:
    header, payload, signature = parts(token)
    payload["credentialSubject"]["result"][0]["value"] = "N4"
    return f"{token.split('.')[0]}.{b64(payload)}.{signature}"


def flipped_signature(token: str) -> str:
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[10] ^= 0x01
    return f"{head}.{body}.{b64(bytes(raw))}"


def alg_none(token: str) -> str:
    header, payload, _ = parts(token)
    return f"{b64({**header, 'alg': 'none'})}.{token.split('.')[1]}."


def hs256_with_public_key(token: str, public_pem: str) -> str:
    header, payload, _ = parts(token)
    signing_input = f"{b64({**header, 'alg': 'HS256'})}.{token.split('.')[1]}".encode()
    import hmac
    from hashlib import sha256

    return signing_input.decode() + "." + b64(hmac.new(public_pem.encode(), signing_input, sha256).digest())


def resigned(token: str, keyring, key_id: str, *, header=None, payload=None) -> str:
    old_header, old_payload, _ = parts(token)
    header = header if header is not None else old_header
    payload = payload if payload is not None else old_payload
    signing_input = f"{b64(header)}.{b64(payload)}"
    return f"{signing_input}.{b64(keyring.sign(key_id, signing_input.encode()))}"


def test_one_byte_of_the_subject_changed_is_detected(session, links, now, vc_jwt):
    report = verify(tampered_payload(vc_jwt), session, links, now)
    assert checks(report)["signature"] is False


def test_one_byte_of_the_signature_changed_is_detected(session, links, now, vc_jwt, ob2_jws):
    for token in (vc_jwt, ob2_jws):
        assert checks(verify(flipped_signature(token), session, links, now))["signature"] is False


def test_alg_none_is_refused(session, links, now, vc_jwt, ob2_jws):
    for token in (vc_jwt, ob2_jws):
        report = verify(alg_none(token), session, links, now)
        assert not report.valid
        assert "RS256" in message(report, "signature")


def test_hs256_signed_with_the_public_key_is_refused(session, links, now, credential, vc_jwt):
    pem = session.get(SigningKey, credential.rsa_key_id).public_pem
    report = verify(hs256_with_public_key(vc_jwt, pem), session, links, now)
    assert not report.valid and checks(report)["signature"] is False
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(hs256_with_public_key(vc_jwt, pem), pem, algorithms=["RS256"])


def test_extra_jose_header_is_refused(session, keyring, links, now, credential, vc_jwt):
    header, _, _ = parts(vc_jwt)
    key_id = header["kid"].rsplit("/", 1)[1]
    report = verify(resigned(vc_jwt, keyring, key_id, header={**header, "cty": "vc"}), session, links, now)
    assert checks(report)["signature"] is False
    assert "En-tête" in message(report, "signature")


def test_typ_other_than_jwt_is_refused(session, keyring, links, now, vc_jwt):
    header, _, _ = parts(vc_jwt)
    key_id = header["kid"].rsplit("/", 1)[1]
    report = verify(
        resigned(vc_jwt, keyring, key_id, header={**header, "typ": "vc+jwt"}), session, links, now
    )
    assert not report.valid


def test_claims_that_disagree_with_the_credential_are_refused(session, keyring, links, now, vc_jwt):
    header, payload, _ = parts(vc_jwt)
    key_id = header["kid"].rsplit("/", 1)[1]
    forged = resigned(vc_jwt, keyring, key_id, payload={**payload, "jti": "urn:uuid:other"})
    report = verify(forged, session, links, now)
    assert checks(report)["signature"] is False
    assert "jti" in message(report, "signature")


def test_kid_outside_the_issuer_origin_is_refused(session, keyring, links, now, vc_jwt):
    header, _, _ = parts(vc_jwt)
    key_id = header["kid"].rsplit("/", 1)[1]
    forged = resigned(vc_jwt, keyring, key_id, header={**header, "kid": "https://attacker.example/key"})
    assert checks(verify(forged, session, links, now))["key"] is False


def test_embedded_jwk_must_be_published_by_the_issuer(session, keyring, links, now, vc_jwt):
    """A token signed with another issuer's key and carrying that key as `jwk` proves nothing."""
    other = make_award(session, keyring, links, now)
    other_key = session.get(SigningKey, other.rsa_key_id)
    jwk = {k: v for k, v in documents.rsa_jwk(other_key, links).items() if k in ("kty", "n", "e")}
    forged = resigned(vc_jwt, keyring, other_key.public_id, header={"alg": "RS256", "jwk": jwk, "typ": "JWT"})
    report = verify(forged, session, links, now)
    assert checks(report)["key"] is False
    assert "n'est pas une clé publiée par l'émetteur" in message(report, "key")
    assert checks(report)["signature"] is True  # intact, but made with a key the issuer does not publish


def test_embedded_jwk_published_by_the_issuer_is_accepted(session, keyring, links, now, credential, vc_jwt):
    key = session.get(SigningKey, credential.rsa_key_id)
    jwk = {k: v for k, v in documents.rsa_jwk(key, links).items() if k in ("kty", "n", "e")}
    report = verify(
        resigned(vc_jwt, keyring, key.public_id, header={"alg": "RS256", "jwk": jwk}), session, links, now
    )
    # The issuer's /.well-known/jwks.json lists the key: the signature is trusted.
    assert checks(report)["key"] and checks(report)["signature"], report.to_dict()


def test_an_expired_jwt_fails_validity(session, keyring, links, now):
    from datetime import timedelta

    from badges.services.credentials import issuance
    from tests.factories import make_badge_class, make_beneficiary, make_issuer

    issuer = make_issuer(session, keyring, links, now)
    credential = issuance.award(
        session,
        keyring,
        badge_class=make_badge_class(session, issuer, now, validity_days=1),
        beneficiary=make_beneficiary(session, issuer, now),
        links=links,
        now=now,
    )
    token = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    assert parts(token)[1]["exp"] == parts(token)[1]["nbf"] + 86400
    report = verify(token, session, links, now + timedelta(days=2))
    assert checks(report)["validity"] is False
    assert checks(verify(token, session, links, now - timedelta(days=1)))["validity"] is False


@pytest.mark.parametrize("garbage", ["a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.", "x" * 10 + "." + "y" * 10 + ".z"])
def test_garbage_tokens_are_reported(session, links, now, garbage):
    report = verify(garbage, session, links, now)
    assert report.valid is False


def test_kid_of_another_issuer_on_the_same_origin_is_refused(session, keyring, links, now, vc_jwt):
    """Tiers-lieux share this service's origin: one cannot sign badges in the name of another."""
    other = make_award(session, keyring, links, now)
    other_key = session.get(SigningKey, other.rsa_key_id)
    header, _, _ = parts(vc_jwt)
    forged_header = {**header, "kid": links.rsa_kid(other.issuer.slug, other_key.public_id)}
    report = verify(resigned(vc_jwt, keyring, other_key.public_id, header=forged_header), session, links, now)
    assert checks(report)["key"] is False
    assert "autre émetteur" in message(report, "key")
