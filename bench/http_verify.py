"""HTTP verification next to a ceiling app, both served by gunicorn and loaded by the same client in one run.

Usage: python bench/http_verify.py [--credentials 200] [--seconds 10] [--connections 4] [--database-url URL]
       [--client wrk|python] [--profile-requests 300]

Prepares a database (SQLite by default) with N issued badges, then serves the service (`wsgi:app`) and
bench/ceiling_app.py one after the other with the same gunicorn settings (2 sync workers, the project's
`badges.gunicorn_conf`) and loads `POST /api/v1/verify` with a VC-JWT, an OB 2.0 JWS and a Data Integrity
credential (distinct badges, cycled), and the ceiling with the Ed25519 checks of the same badges. The client
is wrk (Debian package `wrk`) or, when it is missing, a small Python client. Prints req/s, p50, p99 and the
ratios. Target (issue 17): req/s >= 0.7x the ceiling's for VC-JWT and OB 2.0 JWS, p50 <= 1.5x the ceiling's.
Then profiles the request path in one process (the same app, Flask's test client) and prints the top of it.
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from badges import create_app
from badges.db import get_session, upgrade_schema
from badges.services.credentials.links import Links
from badges.services.crypto import dataintegrity
from badges.services.crypto.keyring import Keyring

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
from verify import issue  # noqa: E402  (bench/verify.py: the same credentials)

SECRETS = {"KEY_PASSPHRASE": "bench", "SECRET_KEY": "bench", "LINK_SECRET": "bench"}
WRK_SCRIPT = """
local bodies = {%s}
local n = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
request = function()
  n = n %% #bodies + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[n])
end
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"valid":true', 1, true) then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("BAD %%d\\n", total))
end
"""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def prepare(tmp: Path, count: int, database_url: str) -> dict[str, list[str]]:
    """Issue `count` badges; the request bodies for each target, by name."""
    config = {"DATABASE_URL": database_url, "KEYS_DIR": str(tmp / "keys"), **SECRETS}
    app = create_app(config)
    with app.app_context():
        upgrade_schema(app)
        session, links = get_session(), Links(app.config["BASE_URL"])
        credentials = issue(session, Keyring(tmp / "keys", b"bench"), links, count, datetime.now(UTC))
        ceiling = []
        for c in credentials:
            doc = json.loads(c.ob3_credential)
            proof = doc.pop("proof")[0]
            config_doc = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": doc["@context"]}
            from badges.services.crypto.multibase import b58decode

            message = dataintegrity.hash_data(doc, config_doc)
            signature = b58decode(proof["proofValue"][1:])
            ceiling.append({"kid": c.ed25519_key_id, "message": _b64(message), "signature": _b64(signature)})
        bodies = {
            "vc-jwt": [json.dumps({"credential": c.ob3_jwt}) for c in credentials],
            "ob2-jws": [json.dumps({"credential": c.ob2_signed}) for c in credentials],
            "ob3-data-integrity": [
                json.dumps({"credential": json.loads(c.ob3_credential)}) for c in credentials
            ],
            "ceiling": [json.dumps(body) for body in ceiling],
        }
    return bodies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app: str, env: dict[str, str], chdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with the project's settings and 2 sync workers; returns once it answers."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "--config", "python:badges.gunicorn_conf",
        "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir), app,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310 (loopback)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    return process, url


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def load_wrk(url: str, bodies: list[str], seconds: float, connections: int, tmp: Path) -> dict[str, float]:
    script = tmp / "bodies.lua"
    quoted = ",".join("[==[" + body + "]==]" for body in bodies)
    script.write_text(WRK_SCRIPT % quoted, encoding="utf-8")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for name, pct in (("p50", "50%"), ("p99", "99%")):
        value, unit = re.search(rf"{pct}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        figures[name] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    figures["bad"] = float(re.search(r"BAD (\d+)", out).group(1))  # type: ignore[union-attr]
    return figures


def load_python(url: str, bodies: list[str], seconds: float, connections: int) -> dict[str, float]:
    """The fallback client: `connections` threads, each posting in a loop (a new connection per request)."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        n = offset
        while time.perf_counter() < deadline:
            body = bodies[n % len(bodies)].encode()
            request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                ok = response.status == 200 and b'"valid":true' in response.read()
            with lock:
                latencies.append(1000 * (time.perf_counter() - start))
                bad[0] += not ok
            n += connections

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "rps": len(latencies) / (time.perf_counter() - began),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "bad": float(bad[0]),
    }


def profile(tmp: Path, database_url: str, bodies: dict[str, list[str]], requests: int) -> None:
    """The service's request path in this process (what one worker runs), by format."""
    config = {"DATABASE_URL": database_url, "KEYS_DIR": str(tmp / "keys"), **SECRETS}
    client = create_app(config).test_client()
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None  # noqa: N806
    for name in ("vc-jwt", "ob2-jws", "ob3-data-integrity"):
        items = bodies[name]
        for body in items[:5]:  # warm: imports, first queries, memos
            client.post("/api/v1/verify", data=body, content_type="application/json")
        print(f"\n--- profile of {requests} requests, {name} ---")
        if Profiler is None:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(requests):
                client.post("/api/v1/verify", data=items[n % len(items)], content_type="application/json")
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            continue
        instrument = Profiler(interval=0.0005)
        instrument.start()
        for n in range(requests):
            client.post("/api/v1/verify", data=items[n % len(items)], content_type="application/json")
        instrument.stop()
        text = instrument.output_text(unicode=False, color=False, show_all=False)
        print("\n".join(text.splitlines()[:60]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument("--client", choices=("wrk", "python"), default=None, help="default: wrk if installed")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    bodies = prepare(tmp, args.credentials, database_url)
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "BADGES_DATABASE_URL": database_url,
           "BADGES_KEYS_DIR": str(tmp / "keys")} | {f"BADGES_{k}": v for k, v in SECRETS.items()}  # fmt: skip
    client = args.client or ("wrk" if shutil.which("wrk") else "python")
    print(f"{args.credentials} badges, {database_url.split(':')[0]}, gunicorn 2 sync workers, "
          f"client {client}, {args.connections} connections, {args.seconds:.0f} s per target, "
          f"{os.cpu_count()} cores")  # fmt: skip
    targets = {"ceiling": ("ceiling_app:app", BENCH, "/verify")} | {
        name: ("wsgi:app", ROOT, "/api/v1/verify") for name in ("vc-jwt", "ob2-jws", "ob3-data-integrity")
    }
    results: dict[str, dict[str, float]] = {}
    for name, (app, chdir, path) in targets.items():
        process, url = serve(app, env, chdir)
        try:
            if client == "wrk":
                results[name] = load_wrk(url + path, bodies[name], args.seconds, args.connections, tmp)
            else:
                results[name] = load_python(url + path, bodies[name], args.seconds, args.connections)
        finally:
            stop(process)
    ceiling = results["ceiling"]
    print(f"  {'target':20s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'failed':>7s} "
          f"{'req/s ratio':>12s} {'p50 ratio':>10s}")  # fmt: skip
    for name, r in results.items():
        print(f"  {name:20s} {r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['bad']:7.0f} "
              f"{r['rps'] / ceiling['rps']:12.2f} {r['p50'] / ceiling['p50']:10.2f}")  # fmt: skip
    print("  targets (issue 17): VC-JWT and OB 2.0 JWS req/s ratio >= 0.70, p50 ratio <= 1.50")
    profile(tmp, database_url, bodies, args.profile_requests)


if __name__ == "__main__":
    main()
