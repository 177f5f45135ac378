"""The verifier on baked images: own badges verify from PNG and SVG, hostile images are reported."""

from __future__ import annotations

import struct
import time
import zlib

import pytest

from badges.models import Credential
from badges.services import verification
from badges.services.credentials import baking, formats, images
from badges.services.verification.report import Report
from badges.services.verification.sources import LocalSource
from tests.factories import make_award


def verify(data: bytes, session, links, now, **kwargs) -> Report:
    return verification.verify_bytes(data, source=LocalSource(session, links), now=now, **kwargs)


def checks(report: Report) -> dict[str, bool]:
    return {c.name: c.passed for c in report.checks}


def parse_messages(report: Report) -> list[str]:
    return [c.message for c in report.checks if c.name == "parse"]


def chunk(chunk_type: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", zlib.crc32(chunk_type + body))


@pytest.fixture
def credential(session, keyring, links, now) -> Credential:
    return make_award(session, keyring, links, now, email="awa@example.org")


def text_of(kind: str, session, keyring, links, credential: Credential) -> str:
    if kind == "ob3":
        return credential.ob3_credential
    if kind == "ob2":
        return credential.ob2_assertion
    if kind == "ob3-jwt":
        return formats.ob3_jwt(session, keyring, credential=credential, links=links)
    return formats.ob2_signed(session, keyring, credential=credential, links=links)


def baked(image: str, kind: str, text: str, credential: Credential) -> bytes:
    png = credential.badge_class.image_png
    version = "ob3" if kind.startswith("ob3") else "ob2"
    if image == "png":
        keyword = "openbadgecredential" if version == "ob3" else "openbadges"
        return baking.bake_png(png, keyword=keyword, text=text)
    return baking.bake_svg(images.draw_badge_svg(png), version=version, text=text, verify=None)


FORMATS = {"ob3": "ob3-data-integrity", "ob2": "ob2-hosted", "ob3-jwt": "ob3-jwt", "ob2-signed": "ob2-signed"}
OWN_BADGES = [(image, kind) for image in ("png", "svg") for kind in FORMATS]


@pytest.mark.parametrize("image, kind", OWN_BADGES, ids=[f"{i}-{k}" for i, k in OWN_BADGES])
def test_own_badge_baked_in_an_image_verifies(session, keyring, links, now, credential, image, kind):
    text = text_of(kind, session, keyring, links, credential)
    report = verify(baked(image, kind, text, credential), session, links, now, email="awa@example.org")
    assert report.valid, report.to_dict()
    assert report.format == FORMATS[kind]
    assert f"Badge extrait de l'image {image.upper()}." in parse_messages(report)
    assert checks(report)["recipient"]


def test_hosted_ob2_svg_with_the_url_in_verify_is_read_from_its_json_body(session, links, now, credential):
    svg = images.draw_badge_svg(credential.badge_class.image_png)
    url = links.ob2_assertion(credential.public_id)
    data = baking.bake_svg(svg, version="ob2", text=credential.ob2_assertion, verify=url)
    report = verify(data, session, links, now)
    assert report.valid, report.to_dict()
    assert report.format == "ob2-hosted"


def test_the_ob3_credential_is_preferred_when_a_png_carries_both(session, links, now, credential):
    png = baking.bake_png(
        credential.badge_class.image_png, keyword="openbadges", text=credential.ob2_assertion
    )
    both = baking.bake_png(png, keyword="openbadgecredential", text=credential.ob3_credential)
    report = verify(both, session, links, now)
    assert report.valid, report.to_dict()
    assert report.format == "ob3-data-integrity"


def test_a_tampered_baked_credential_fails_its_signature(session, links, now, credential):
    tampered = credential.ob3_credential.replace('"N2"', '"N4"')
    assert tampered != credential.ob3_credential
    data = baking.bake_png(credential.badge_class.image_png, keyword="openbadgecredential", text=tampered)
    report = verify(data, session, links, now)
    assert not report.valid
    assert checks(report)["signature"] is False


def _two_chunks(credential: Credential) -> bytes:
    png = baking.bake_png(
        credential.badge_class.image_png, keyword="openbadgecredential", text=credential.ob3_credential
    )
    second = chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + credential.ob3_credential.encode())
    return png[:33] + second + png[33:]


def _png_bomb(credential: Credential) -> bytes:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)
    return (
        images.PNG_SIGNATURE
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def _entity_svg(credential: Credential) -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        b"<openbadges:credential>&xxe;</openbadges:credential></svg>"
    )


def _billion_laughs(credential: Credential) -> bytes:
    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return (
        f'<?xml version="1.0"?><!DOCTYPE svg [{laughs}]><svg xmlns="http://www.w3.org/2000/svg">&l9;</svg>'
    ).encode()


def _svg_in_a_png(credential: Credential) -> bytes:
    svg = baking.bake_svg(
        images.draw_badge_svg(credential.badge_class.image_png),
        version="ob3",
        text=credential.ob3_credential,
        verify=None,
    )
    return baking.bake_png(credential.badge_class.image_png, keyword="openbadgecredential", text=svg.decode())


def _compressed(credential: Credential) -> bytes:
    body = b"openbadgecredential\0\1\0\0\0" + zlib.compress(credential.ob3_credential.encode())
    png = credential.badge_class.image_png
    return png[:33] + chunk(b"iTXt", body) + png[33:]


def _no_badge(credential: Credential) -> bytes:
    return credential.badge_class.image_png


def _truncated(credential: Credential) -> bytes:
    return baking.bake_png(
        credential.badge_class.image_png, keyword="openbadgecredential", text=credential.ob3_credential
    )[:-100]


def _not_a_badge(credential: Credential) -> bytes:
    return baking.bake_png(credential.badge_class.image_png, keyword="openbadges", text="bonjour")


HOSTILE = [
    ("two-chunks", _two_chunks, "plusieurs blocs"),
    ("png-bomb", _png_bomb, "trop grande"),
    ("external-entity-svg", _entity_svg, "DOCTYPE"),
    ("billion-laughs-svg", _billion_laughs, "DOCTYPE"),
    ("svg-inside-a-png", _svg_in_a_png, "une autre image"),
    ("compressed-chunk", _compressed, "compressé"),
    ("no-badge", _no_badge, "Aucun badge"),
    ("truncated", _truncated, "tronquée"),
    ("text-that-is-not-a-badge", _not_a_badge, "JSON"),
]


@pytest.mark.parametrize("make, message", [row[1:] for row in HOSTILE], ids=[row[0] for row in HOSTILE])
def test_hostile_or_broken_images_are_reported_invalid_without_raising(
    session, links, now, credential, make, message
):
    data = make(credential)
    started = time.perf_counter()
    report = verify(data, session, links, now)
    assert time.perf_counter() - started < 1.0
    assert not report.valid
    failed = [c for c in report.checks if not c.passed]
    assert [c.name for c in failed] == ["parse"], report.to_dict()
    assert message in failed[0].message
