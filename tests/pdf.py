"""Reading PDFs in tests with Debian's poppler-utils (`make install-test` installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: `make install-test` installs Debian's poppler-utils")
        pytest.skip(f"{name} is not installed here (apt-get install poppler-utils); CI never skips this")
    return found


def text(pdf: bytes, *, raw: bool = False) -> str:
    """The page's text as laid out, or (`raw`) in drawing order: one column after the other."""
    result = subprocess.run(
        [_tool("pdftotext"), "-raw" if raw else "-layout", "-", "-"],
        input=pdf, capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    return result.stdout.decode("utf-8")


def pages(pdf: bytes) -> int:
    result = subprocess.run([_tool("pdfinfo"), "-"], input=pdf, capture_output=True, check=True, timeout=60)
    line = next(x for x in result.stdout.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def render_png(pdf: bytes, *, dpi: int = 150) -> bytes:
    """The first page as a PNG image, as a printer or a phone's camera would see it."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                _tool("pdftoppm"),
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
            timeout=60,
        )
        return (Path(folder) / "page.png").read_bytes()
