"""Every HTML page carries the strict Content-Security-Policy; every response nosniff and a Referrer-Policy;
and no template holds what that policy would block (inline script, style attribute, event handler)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from badges import PACKAGE_DIR
from badges.web.security_headers import CONTENT_SECURITY_POLICY
from tests.web.staff.conftest import sign_in, world  # noqa: F401 (the fixture)

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# E-mails are read by mail clients, not served by the app: their inline styles are the norm there.
WEB_TEMPLATES = [p for p in (PACKAGE_DIR / "templates").rglob("*.html") if "email" not in p.parts]


def test_the_policy_is_the_strict_one():
    assert CONTENT_SECURITY_POLICY == POLICY


@pytest.mark.parametrize("path", ["/", "/verifier", "/staff/login", "/staff/password/forgot", "/nulle-part"])
def test_html_pages_carry_the_policy(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")


def test_signed_in_pages_carry_the_policy(client, world):  # noqa: F811
    sign_in(client, world.users["staff"])
    response = client.get("/staff/beneficiaries")
    assert response.status_code == 200 and response.headers["Content-Security-Policy"] == POLICY


def test_other_responses_are_not_sniffed(client):
    response = client.get("/.well-known/jwks.json")
    assert response.mimetype == "application/jwk-set+json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_template_holds_what_the_policy_blocks(template: Path):
    source = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>: move it to static/js"
    assert not re.search(r"\sstyle\s*=", source), "style attribute: use a class of static/css"
    assert not re.search(r"<style\b", source), "<style> element: move it to static/css"
    assert not re.search(r"\son[a-z]+\s*=", source), "event handler attribute: use addEventListener"
    assert "javascript:" not in source.lower()
