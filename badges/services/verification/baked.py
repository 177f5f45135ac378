"""Reading the badge baked in an uploaded PNG or SVG, for the verifier (docs/standards.md#S-baking)."""

from __future__ import annotations

from badges.services.credentials import baking
from badges.services.shared.messages import N_, Message, message
from badges.services.verification.report import Report

UNSUPPORTED = message("check.format.unsupported", N_("Format non pris en charge : %(kind)s."))
IMAGE_IN_IMAGE = message(
    "check.parse.image_in_image", N_("L'image %(kind)s contient une autre image au lieu d'un badge.")
)
FOUND_IN = message("check.parse.found_in", N_("Badge extrait de l'image %(kind)s."))

# An OB 3.0 credential is preferred when an image carries both versions (docs/standards.md#S-baking).
PNG_ORDER = ("openbadgecredential", "openbadges")
SVG_ORDER = ("ob3", "ob2")
KIND_NAMES = {"png": "PNG", "svg": "SVG"}


def extract(kind: str, data: bytes, *, report: Report) -> str | None:
    """The JSON, JWS or URL baked in the image; None after a failed `parse` check (success: see found_in)."""
    if kind not in KIND_NAMES:
        report.fail("format", UNSUPPORTED(kind=kind), cause="unreadable")
        return None
    try:
        found = baking.unbake_png(data) if kind == "png" else baking.unbake_svg(data)
    except baking.BakingError as exc:
        report.fail("parse", exc.said, cause="unreadable")
        return None
    order = PNG_ORDER if kind == "png" else SVG_ORDER
    text = next(found[key] for key in order if key in found)
    # An image inside an image would let hostile input recurse through the verifier: refused.
    if text.lstrip("\ufeff \t\r\n").startswith(("<", "\x89PNG")):
        report.fail(
            "parse",
            IMAGE_IN_IMAGE(kind=KIND_NAMES[kind]),
            cause="unreadable",
        )
        return None
    return text


def found_in(kind: str) -> Message:
    """The `parse` message of a badge read from an image (reported once, by the caller)."""
    return FOUND_IN(kind=KIND_NAMES[kind])
