"""Real browser tests: Debian's Chromium driven by Playwright, axe-core for RGAA / WCAG 2.1 AA."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.interop import harness

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Flags for a headless Chromium on a machine with no network but loopback (and run as root in CI).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is missing at /usr/bin/chromium: `make install-test` installs Debian's package"
            )
        pytest.skip("Chromium is not installed here (apt-get install chromium); CI never skips this")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A small phone: 360 px wide, touch, as many beneficiaries use."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)  # fmt: skip
    opened = context.new_page()
    yield opened
    context.close()


@functools.cache
def axe_source() -> str:
    return (harness.ensure_node_tools() / "node_modules" / "axe-core" / "axe.min.js").read_text()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the current page (none is the bar: RGAA AA).

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    govern: `add_script_tag` would insert an inline script, which the policy (rightly) blocks.
    """
    page.wait_for_load_state()  # after a click, the new page must be loaded before it is judged
    page.evaluate(axe_source())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def screenshot(page: Any, name: str) -> Path:
    """Saved under test-artifacts/screenshots/ (git-ignored) for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
