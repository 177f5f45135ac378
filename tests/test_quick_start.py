"""The README's quick start, followed literally in a fresh clone of HEAD: every command as printed must work.

The clone gets its own `.venv` that sees this one's installed dependencies (a `.pth` line), so `make run`
only installs the clone itself (a few seconds) instead of downloading everything. The server `make run`
starts runs in the background on a free port: `BADGES_BASE_URL` points there, and the README's
`http://127.0.0.1:5000` is read as that address. `<token>`, `<id>` and `<page>` are filled from what the
commands printed, as a reader would. `make test` (this very suite) is only checked to be a target.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README_BASE = "http://127.0.0.1:5000"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class QuickStart:
    blocks: list[list[str]]  # the ```bash blocks, one logical command (continuations joined) per item
    inline_curls: list[str]  # the `curl …` commands quoted in the prose


def quick_start(readme: str) -> QuickStart:
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = []
    for body in re.findall(r"```bash\n(.*?)```", section, re.S):
        joined = body.replace("\\\n", " ")
        blocks.append([line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"])
    prose = re.sub(r"```.*?```", "", section, flags=re.S)
    inline = [" ".join(code.split()) for code in re.findall(r"`(curl [^`]+)`", prose)]
    return QuickStart(blocks, inline)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clone_head(target: Path) -> Path:
    """`git clone` of this working tree's HEAD (committed work only, as a newcomer would get it)."""
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert head.returncode == 0, f"not a git checkout: {head.stderr}"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", head.stdout.strip()], check=True)
    return target


def share_this_venv(repo: Path) -> None:
    """A `.venv` in the clone that sees this venv's packages and scripts, but installs the clone itself."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(repo / ".venv")], check=True)
    clone_python = repo / ".venv" / "bin" / "python"
    site = subprocess.run(
        [str(clone_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(site, "_shared_test_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    here = Path(sys.executable).parent
    for script in here.iterdir():  # pip, pybabel...: launchers rewritten to start the clone's python
        target = repo / ".venv" / "bin" / script.name
        if target.exists() or not script.is_file():
            continue
        with script.open("rb") as file:
            first = file.readline()
        if first.startswith(b"#!") and b"python" in first:
            target.write_bytes(b"#!" + bytes(clone_python) + b"\n" + script.read_bytes().split(b"\n", 1)[1])
            target.chmod(0o755)


def environment(base: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BADGES_", "VIRTUAL_ENV", "FLASK_"))}
    env["BADGES_BASE_URL"] = base
    return env


class Shell:
    """Runs a README command in the clone with bash, as a newcomer pastes it."""

    def __init__(self, repo: Path, env: dict[str, str]) -> None:
        self.repo, self.env = repo, env

    def run(self, command: str) -> str:
        done = subprocess.run(
            ["bash", "-c", command], cwd=self.repo, env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"`{command}` failed ({done.returncode}): {done.stdout}{done.stderr}"
        return done.stdout

    def json(self, command: str) -> Any:
        output = self.run(command)
        try:
            return json.loads(output)
        except ValueError:
            pytest.fail(f"`{command}` did not answer JSON: {output[:500]!r}")


def wait_for_demo_and_port(server: subprocess.Popen[bytes], log: Path, port: int) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, f"`make run` stopped ({server.returncode}):\n{log.read_text()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.3)
            continue
        printed = re.search(r"^\{\n.*?^\}$", log.read_text(), re.S | re.M)
        assert printed, f"`make run` printed no JSON block:\n{log.read_text()}"
        return dict(json.loads(printed.group(0)))
    pytest.fail(f"`make run` did not serve on port {port} within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture
def fresh_clone(tmp_path: Path) -> Path:
    repo = clone_head(tmp_path / "repo")
    share_this_venv(repo)
    return repo


@pytest.fixture
def make_run(fresh_clone: Path) -> Iterator[tuple[Shell, dict[str, Any], str]]:
    """`make run` (the first command of the README) in the background, stopped at the end."""
    steps = quick_start((fresh_clone / "README.md").read_text())
    assert steps.blocks[0][0].startswith("make run"), steps.blocks[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(base)
    log = fresh_clone.parent / "make-run.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["bash", "-c", steps.blocks[0][0]], cwd=fresh_clone, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        demo = wait_for_demo_and_port(server, log, port)
        yield Shell(fresh_clone, env), demo, base
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the group: make, badges serve
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def fill(command: str, base: str, *values: tuple[str, str]) -> str:
    """The README's address read as the test server's, each `<placeholder>` replaced in order."""
    command = command.replace(README_BASE, base)
    for placeholder, value in values:
        command = command.replace(f"<{placeholder}>", value, 1)
    assert not re.search(r"<[a-z][^>]*>", command), f"a placeholder is left: {command}"
    return command


def test_the_readme_quick_start_works_as_written(make_run):
    shell, demo, base = make_run
    steps = quick_start((shell.repo / "README.md").read_text())
    assert shell.run("git status --porcelain") == "", "the first command left the fresh clone dirty"
    assert shell.run("make -n test").strip(), "`make test` is not a target"
    assert len(steps.blocks) == 3, steps.blocks
    award_cli, award_api = steps.blocks[1]
    awa, karim = demo["beneficiaries"]["Awa"], demo["beneficiaries"]["Karim"]

    # The command `make run` printed is the README's, filled in, and it runs as printed.
    cli_command = fill(award_cli, base, ("id", demo["badge_class"]), ("id", awa))
    assert demo["award_with_cli"] == cli_command
    by_cli = shell.json(demo["award_with_cli"])
    token, badge = ("token", demo["api_token"]), ("id", demo["badge_class"])
    api_command = fill(award_api, base, token, badge, ("id", karim))
    by_api = shell.json(api_command)
    assert by_api["links"]["page"].startswith(base + "/credentials/"), by_api
    again = shell.json(demo["award_with_api"])  # the printed one reaches the API too: Karim has it now
    assert "déjà été délivré" in again["error"]["message"], again

    # The prose's curl commands: HTML for a browser's Accept, JSON otherwise.
    page = by_cli["page"]
    for inline in steps.inline_curls:
        answer = shell.run(fill(inline, base, ("page", page)))
        expected = "<!doctype html>" if "text/html" in inline else "{"
        assert answer.lstrip().lower().startswith(expected), (inline, answer[:99])

    # The verification block, including the `badge.json` its first line saves.
    verify = steps.blocks[2]
    assert "-o badge.json" in verify[0] and "badge.json" in verify[-1]
    shell.run(fill(verify[0], base, ("page", page)))
    for link in (page, by_cli["ob2_assertion"], by_api["links"]["page"]):
        report = shell.json(fill(verify[1], base, ("page or ob2_assertion link", link)))
        assert report["valid"] is True, report
    for command in verify[2:]:
        report = shell.json(fill(command, base, ("page", page)))
        assert report["valid"] is True, (command, report)


def test_make_lint_installs_only_what_it_runs():
    """`make lint` needs the Python tools, not the Node validators nor Chromium (`make test` has them)."""
    plan = subprocess.run(["make", "-n", "lint"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pip install --quiet -e '.[test]'" in plan and "lint-imports" in plan
    assert "npm" not in plan and "chromium" not in plan, plan
    tests_plan = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "npm ci" in tests_plan.stdout  # still installed for the suite, which `.ci/run` runs after lint
