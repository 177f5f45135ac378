"""The production server for tests: gunicorn started as the README says, on a free port, stopped cleanly."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
READY = "Worker ready"
BOOT_FAILURES = ("Worker failed to boot", "Exception in worker process", "Shutting down: Master")


def readme_commands(section: str = "### Production") -> list[list[str]]:
    """The commands of a README section's code block (`.venv/bin/...` lines), split like a shell would."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(section, 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line) for line in block.splitlines() if line.startswith(".venv/bin/")]
    # The README runs from a checkout; the tests from whichever virtualenv runs them.
    return [[str(BIN / Path(argv[0]).name), *argv[1:]] for argv in commands]


def readme_command(program: str) -> list[str]:
    return next(argv for argv in readme_commands() if Path(argv[0]).name == program)


def environment(env: Mapping[str, str]) -> dict[str, str]:
    """The test process's environment without its BADGES_* settings, plus `env`."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("BADGES_")}
    return {**clean, **env}


def run_badges(env: Mapping[str, str], *args: str) -> str:
    """Run the `badges` command in a subprocess; its standard output, or a failure showing both streams."""
    done = subprocess.run(
        [str(BIN / "badges"), *args], cwd=ROOT, env=environment(env), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"badges {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def own_database(purpose: str, sqlite_folder: Path) -> Iterator[str]:
    """A database of the caller's own: next to BADGES_TEST_DATABASE_URL's on PostgreSQL (`<name>_<purpose>`,
    per xdist worker, made empty and dropped after), else an SQLite file in `sqlite_folder`."""
    suite_url = os.environ.get("BADGES_TEST_DATABASE_URL", "")
    if not suite_url.startswith("postgresql"):
        yield f"sqlite:///{sqlite_folder / f'{purpose}.sqlite3'}"
        return
    base = make_url(suite_url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{base.database}_{purpose}" + (f"_{worker}" if worker else "")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen[bytes]
    error_log: Path

    def log(self) -> str:
        return self.error_log.read_text(encoding="utf-8", errors="replace")


def _gunicorn_argv(workers: int, args: Sequence[str]) -> list[str]:
    """The README's command, with the test's worker count and port 0 (the system picks a free port)."""
    argv = readme_command("gunicorn")
    argv[argv.index("--workers") + 1] = str(workers)
    argv[argv.index("--bind") + 1] = "127.0.0.1:0"
    return [*argv[:-1], *args, argv[-1]]


def _wait_until_ready(server: subprocess.Popen[bytes], error_log: Path, workers: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = error_log.read_text(encoding="utf-8", errors="replace")
        listening = LISTENING.search(log)
        if server.poll() is not None or any(failure in log for failure in BOOT_FAILURES):
            raise AssertionError(f"gunicorn did not start:\n{log}")
        if listening and log.count(READY) >= workers:
            return f"http://127.0.0.1:{listening.group(1)}"
        time.sleep(0.05)
    raise AssertionError(f"gunicorn not ready after {timeout} s:\n{error_log.read_text()}")


@contextmanager
def start_gunicorn(
    env: Mapping[str, str], workers: int = 2, *, logs: Path, args: Sequence[str] = (), timeout: float = 60
) -> Iterator[Gunicorn]:
    """Start the README's gunicorn command with `env` on 127.0.0.1 (free port) and wait until every worker
    has loaded the app; stop it (and wait for it) on exit. Its error log is written under `logs`."""
    logs.mkdir(parents=True, exist_ok=True)
    error_log = logs / f"gunicorn-{time.monotonic_ns()}.log"
    with error_log.open("wb") as errors:
        server = subprocess.Popen(
            _gunicorn_argv(workers, args), cwd=ROOT, env=environment(env), stdout=subprocess.DEVNULL,
            stderr=errors,
        )  # fmt: skip
    try:
        url = _wait_until_ready(server, error_log, workers, timeout)
        yield Gunicorn(url=url, process=server, error_log=error_log)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
