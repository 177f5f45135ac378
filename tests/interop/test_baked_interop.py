"""Baked images of issued badges, judged by the outside validators (docs/standards.md#S-baking).

No outside OB 3.0 extractor runs offline (docs/standards.md#S-baking): the OB 3.0 text is read back with this
service's own unbaker, checked byte for byte, and the extracted credential goes to the Digital Bazaar verifier
and jose.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from badges.models import Credential
from badges.services.credentials import baking, formats, images
from tests.factories import make_award
from tests.interop import harness

pytestmark = pytest.mark.interop

EMAIL = "awa@example.org"


@pytest.fixture
def issued(session, keyring, links, now, live_url) -> Credential:
    credential = make_award(session, keyring, links, now, email=EMAIL)
    session.commit()
    return credential


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def ob2_image(image: str, text: str, *, verify: str | None, credential: Credential) -> bytes:
    png = credential.badge_class.image_png
    if image == "png":
        return baking.bake_png(png, keyword="openbadges", text=text)
    return baking.bake_svg(images.draw_badge_svg(png), version="ob2", text=text, verify=verify)


@pytest.mark.parametrize("image", ["png", "svg"])
def test_1edtech_validator_accepts_a_baked_hosted_ob2_assertion(network, ob2_venv, tmp_path, issued, image):
    data = ob2_image(image, issued.ob2_assertion, verify=None, credential=issued)
    result = harness.ob2_validate(write(tmp_path, f"baked.{image}", data), network, recipient_email=EMAIL)
    assert result.ok, result.output
    assert result.report["blocked"] == []


def test_1edtech_validator_cannot_read_a_hosted_svg_whose_verify_holds_the_url(
    network, ob2_venv, tmp_path, issued, links
):
    """Why hosted OB 2.0 SVGs are baked without `verify` (OB 2.0 allows the URL there,
    docs/standards.md#S-baking).

    openbadges-bakery 1.2.4 returns the `verify` attribute as bytes, which openbadges 1.1.2 cannot read as a
    URL; the JSON body alone is read correctly (test above), and carries the assertion URL as its `id`.
    """
    url = links.ob2_assertion(issued.public_id)
    data = ob2_image("svg", issued.ob2_assertion, verify=url, credential=issued)
    result = harness.ob2_validate(write(tmp_path, "baked.svg", data), network, recipient_email=EMAIL)
    assert not result.ok
    assert "only URL, JSON, or JWS input implemented" in result.output


@pytest.mark.parametrize("image", ["png", "svg"])
def test_1edtech_validator_accepts_a_baked_signed_ob2_assertion(
    network, ob2_venv, tmp_path, session, keyring, links, issued, image
):
    token = formats.ob2_signed(session, keyring, credential=issued, links=links)
    session.commit()
    data = ob2_image(image, token, verify=None, credential=issued)  # a JWS goes to `verify` in an SVG
    result = harness.ob2_validate(write(tmp_path, f"baked.{image}", data), network, recipient_email=EMAIL)
    assert result.ok, result.output


def test_1edtech_validator_checks_the_recipient_of_a_baked_assertion(
    network, ob2_venv, tmp_path, issued, links
):
    data = ob2_image("png", issued.ob2_assertion, verify=None, credential=issued)
    result = harness.ob2_validate(
        write(tmp_path, "baked.png", data), network, recipient_email="other@example.org"
    )
    assert not result.ok
    assert "VERIFY_RECIPIENT_IDENTIFIER" in result.output


def ob3_baked(image: str, text: str, *, token: bool, credential: Credential) -> bytes:
    png = credential.badge_class.image_png
    if image == "png":
        return baking.bake_png(png, keyword="openbadgecredential", text=text)
    svg = images.draw_badge_svg(png)
    if token:
        return baking.bake_svg(svg, version="ob3", text="", verify=text)
    return baking.bake_svg(svg, version="ob3", text=text, verify=None)


def unbaked(image: str, data: bytes) -> str:
    if image == "png":
        return baking.unbake_png(data)["openbadgecredential"]
    return baking.unbake_svg(data)["ob3"]


@pytest.mark.parametrize("image", ["png", "svg"])
def test_ob3_credential_extracted_from_a_baked_image_is_identical_and_verifies(
    network, node_tools, issued, image
):
    """Both JS stacks, each fetching the key, its controller document and the status list over HTTP."""
    text = unbaked(image, ob3_baked(image, issued.ob3_credential, token=False, credential=issued))
    assert text.encode("utf-8") == issued.ob3_credential.encode("utf-8")
    credential = json.loads(text)
    digital_bazaar = harness.ob3_verify_di(credential, network)
    assert digital_bazaar.ok, digital_bazaar.output
    dcc = harness.ob3_verifier_core(credential, network)
    assert dcc.ok, dcc.output


@pytest.mark.parametrize("image", ["png", "svg"])
def test_ob3_vc_jwt_extracted_from_a_baked_image_is_identical_and_verifies(
    network, node_tools, session, keyring, links, issued, image
):
    token = formats.ob3_jwt(session, keyring, credential=issued, links=links)
    session.commit()
    text = unbaked(image, ob3_baked(image, token, token=True, credential=issued))
    assert text == token
    result = harness.ob3_verify_jwt(text, network)
    assert result.ok, result.output
