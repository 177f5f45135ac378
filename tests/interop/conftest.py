"""Fixtures that set up the outside validators once per test session (standards README C7)."""

from pathlib import Path

import pytest

from tests.interop import harness


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tools/interop with node_modules installed by npm ci (skipped only if the registry is unreachable)."""
    return harness.ensure_node_tools()


@pytest.fixture(scope="session")
def ob2_venv() -> Path:
    """The python of the OB 2.0 validator venv; skipped only when PyPI is unreachable."""
    return harness.ensure_ob2_venv()
