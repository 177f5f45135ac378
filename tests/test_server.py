"""`badges serve`: gunicorn by default (the production server), Flask's development server with `--debug`.

Real processes on a free port, so marked `production` like the README's production path.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from badges.server import bind_address
from tests.live_server import BIN, ROOT, environment

pytestmark = pytest.mark.production


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    output: Path

    def log(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def lines(self) -> list[dict[str, Any]]:
        """The JSON log lines (the command's own `badges sur …` line is a message to the console)."""
        return [json.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def get(self, path: str, data: bytes | None = None, **headers: str) -> tuple[int, dict[str, str], str]:
        """GET `path`, or POST `data` to it."""
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def children(self) -> list[int]:
        """The processes this one started (from /proc: each process's parent)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def badges_serve(tmp_path: Path, *args: str, ready: str) -> Iterator[Served]:
    """`badges serve` on an empty instance whose BASE_URL names a free local port (where serve listens),
    until `ready` is in its output and the port answers; stopped with its whole process group."""
    port = free_port()
    env = environment({"BADGES_INSTANCE_PATH": str(tmp_path / "instance"),
                       "BADGES_KEYS_DIR": str(tmp_path / "keys"),
                       "BADGES_BASE_URL": f"http://127.0.0.1:{port}"})  # fmt: skip
    output = tmp_path / "serve.log"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "badges"), "serve", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    served = Served(f"http://127.0.0.1:{port}", process, output)
    try:
        deadline = time.monotonic() + 60
        while ready not in served.log() or not answers(port):
            assert process.poll() is None, f"badges serve stopped:\n{served.log()}"
            assert time.monotonic() < deadline, f"badges serve not ready:\n{served.log()}"
            time.sleep(0.1)
        yield served
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_for(served: Served, pattern: str) -> str:
    """The output once it matches `pattern` (the access log line is written after the response)."""
    deadline = time.monotonic() + 20
    while not re.search(pattern, served.log()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return served.log()


def test_serve_runs_gunicorn_with_two_workers_ready_and_probes_left_out_of_the_access_log(tmp_path):
    with badges_serve(tmp_path, ready="Worker ready") as served:
        status, headers, _ = served.get("/healthz")
        assert status == 200
        assert headers["Server"] == "gunicorn"
        assert served.get("/readyz")[:1] == (200,)  # the schema was upgraded before serving
        assert len(served.children()) == 2  # the workers, forked by the gunicorn master
        log = served.log()
        assert f"badges sur {served.url}/ (gunicorn, 2 worker(s)" in log
        assert f"Listening at: {served.url}" in log
        assert "Werkzeug" not in log and "development server" not in log.lower()
        assert served.get("/")[0] == 200
        log = wait_for(served, r'GET / HTTP/1\.1\\" 200')
        assert '\\"GET / HTTP/1.1\\" 200' in log
        assert "/healthz" not in log and "/readyz" not in log


def test_serve_writes_json_lines_with_the_request_id_on_the_access_line(tmp_path):
    with badges_serve(tmp_path, "--workers", "1", ready="Worker ready") as served:
        status, headers, _ = served.get("/frameworks/pix-crcn", **{"X-Request-ID": "proxy-0123456789"})
        assert status == 200 and headers["X-Request-ID"] == "proxy-0123456789"
        made = served.get("/")[1]["X-Request-ID"]
        wait_for(served, made)
        text_lines = [line for line in served.log().splitlines() if not line.startswith("{")]
        assert [line for line in text_lines if not line.startswith("badges sur ")] == [], served.log()
        lines = served.lines()
        for line in lines:
            assert {"time", "level", "logger", "message", "request_id"} <= set(line), line
        assert {"alembic.runtime.migration", "gunicorn.error", "gunicorn.access"} <= {
            x["logger"] for x in lines
        }
        access = [line for line in lines if line["logger"] == "gunicorn.access"]
        by_id = {line["request_id"]: line for line in access}
        assert by_id["proxy-0123456789"]["route"] == "/frameworks/<slug>"
        assert by_id["proxy-0123456789"]["status"] == 200
        assert "GET /frameworks/<slug> HTTP/1.1" in by_id["proxy-0123456789"]["message"]
        assert by_id[made]["route"] == "/" and len(made) == 16
        assert all(line["message"].startswith("127.0.0.0 ") for line in access), "the client's network only"


def test_a_verification_s_verdict_is_on_its_access_line_not_in_a_line_of_its_own(tmp_path):
    """One line per request: the access line says what was verified and the verdict, never the badge."""
    with badges_serve(tmp_path, "--workers", "1", ready="Worker ready") as served:
        credential = {"type": ["VerifiableCredential"], "credentialSubject": {"email": "camille@example.org"}}
        body = json.dumps({"credential": credential}).encode()
        status, headers, answer = served.get(
            "/api/v1/verify",
            data=body,
            **{"Content-Type": "application/json", "X-Request-ID": "verify-0123456789"},
        )
        assert status == 200 and json.loads(answer)["valid"] is False
        wait_for(served, "verify-0123456789")
        mine = [line for line in served.lines() if line["request_id"] == "verify-0123456789"]
        assert [line["logger"] for line in mine] == ["gunicorn.access"], mine
        assert mine[0]["route"] == "/api/v1/verify" and mine[0]["status"] == 200
        assert mine[0]["verification"] == {"input": "json", "valid": False}
        assert "camille" not in served.log()


def test_serve_takes_a_number_of_workers(tmp_path):
    with badges_serve(tmp_path, "--workers", "1", ready="Worker ready") as served:
        assert served.get("/healthz")[0] == 200
        assert len(served.children()) == 1


def test_serve_debug_runs_the_development_server_with_the_reloader(tmp_path):
    with badges_serve(tmp_path, "--debug", ready="Debugger is active") as served:
        status, headers, _ = served.get("/healthz")
        assert status == 200
        assert headers["Server"].startswith("Werkzeug/")
        log = served.log()
        assert "serveur de développement" in log
        assert "Restarting with" in log  # the reloader runs the server in a child it restarts on changes
        assert "Starting gunicorn" not in log
        # Readable lines in development, the request line without the client's address nor the link's secret.
        served.get("/mes-badges/Zm9vYmFyYmF6cXV4c2VjcmV0")
        log = wait_for(served, r"/mes-badges/… HTTP/1\.1")
        request_line = r"INFO werkzeug \[-\] 127\.0\.0\.0 - - \[.*\] .*GET /mes-badges/… HTTP/1\.1.* 404"
        assert re.search(request_line, log), log
        assert "Zm9vYmFyYmF6cXV4c2VjcmV0" not in log and "127.0.0.1 - -" not in log


def test_bind_address_brackets_ipv6():
    assert bind_address("127.0.0.1", 5000) == "127.0.0.1:5000"
    assert bind_address("::1", 5000) == "[::1]:5000"
