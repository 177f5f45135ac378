"""HTTP verification next to a ceiling app, both served by gunicorn and loaded by the same client in one run.

Usage: python bench/http_verify.py [--credentials 200] [--seconds 5] [--rounds 3] [--connections 4]
       [--database-url URL] [--client wrk|python] [--cpu-requests 300] [--profile-requests 500]

Prepares a database (SQLite by default) with N issued badges, then serves the service (`wsgi:app`) and
bench/ceiling_app.py side by side with the same gunicorn settings (2 sync workers, the project's
`badges.gunicorn_conf`) and loads `POST /api/v1/verify` with a VC-JWT, an OB 2.0 JWS and a Data Integrity
credential (distinct badges, cycled), and the ceiling with the Ed25519 checks of the same badges (twice:
its key read through a SQLAlchemy Connection, as the issue's ceiling, and on the DB-API connection, as the
service's register read now is: a stricter ceiling, its ratios in the last column). The
targets take turns, `--rounds` times in a rotating order, so that a load that comes and goes on a shared
machine weighs on all of them: each ratio is taken within one round, and the medians are printed. The
client is wrk (Debian package `wrk`) or, when it is missing, a small Python client. Target (issue 17):
req/s >= 0.7x the ceiling's for VC-JWT and OB 2.0 JWS, p50 <= 1.5x the ceiling's.
Then the same apps are called in this process without a server (bench/wsgi_calls.py): CPU time per
request, interleaved, and a profile of where the service's request time goes.
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
import statistics
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
import wsgi_calls  # noqa: E402
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
        bodies["ceiling-dbapi"] = bodies["ceiling"]
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


def measure_http(args: argparse.Namespace, env: dict[str, str], bodies: dict[str, list[str]], tmp: Path,
                 client: str) -> dict[str, list[dict[str, float]]]:  # fmt: skip
    """Each target loaded once per round, in a rotating order, both servers up all along."""
    servers = {"ceiling": serve("ceiling_app:app", env, BENCH), "service": serve("wsgi:app", env, ROOT)}
    urls = {name: servers["ceiling"][1] + path for name, path in wsgi_calls.CEILINGS.items()} | {
        name: servers["service"][1] + "/api/v1/verify" for name in ("vc-jwt", "ob2-jws", "ob3-data-integrity")
    }
    names = list(urls)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    try:
        for name in names:  # warm each worker: imports, first queries, caches
            load_python(urls[name], bodies[name], 1.0, args.connections)
        for round_ in range(args.rounds):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                if client == "wrk":
                    figures = load_wrk(urls[name], bodies[name], args.seconds, args.connections, tmp)
                else:
                    figures = load_python(urls[name], bodies[name], args.seconds, args.connections)
                results[name].append(figures)
    finally:
        for process, _ in servers.values():
            stop(process)
    return results


def print_http(results: dict[str, list[dict[str, float]]]) -> None:
    """Ratios to the issue's ceiling; the last column, the req/s ratio to the DB-API ceiling (stricter)."""
    ceiling, strict = results["ceiling"], results["ceiling-dbapi"]
    print(f"  {'target':20s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'failed':>7s} "
          f"{'req/s ratio':>12s} {'p50 ratio':>10s}   per round (req/s ratio)   "
          f"{'to DB-API ceiling':>17s}")  # fmt: skip
    for name, rounds in results.items():
        rps_ratios = [r["rps"] / c["rps"] for r, c in zip(rounds, ceiling, strict=True)]
        p50_ratios = [r["p50"] / c["p50"] for r, c in zip(rounds, ceiling, strict=True)]
        to_strict = [r["rps"] / c["rps"] for r, c in zip(rounds, strict, strict=True)]
        p50_strict = [r["p50"] / c["p50"] for r, c in zip(rounds, strict, strict=True)]
        median = {key: statistics.median(r[key] for r in rounds) for key in ("rps", "p50", "p99")}
        print(f"  {name:20s} {median['rps']:8.0f} {median['p50']:8.2f} {median['p99']:8.2f} "
              f"{sum(r['bad'] for r in rounds):7.0f} {statistics.median(rps_ratios):12.2f} "
              f"{statistics.median(p50_ratios):10.2f}   "
              f"{' '.join(f'{x:.2f}' for x in rps_ratios):24s} "
              f"{statistics.median(to_strict):8.2f} (p50 {statistics.median(p50_strict):.2f})")  # fmt: skip
    print("  targets (issue 17): VC-JWT and OB 2.0 JWS req/s ratio >= 0.70, p50 ratio <= 1.50")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--cpu-requests", type=int, default=300, help="in process, per target and repetition")
    parser.add_argument("--profile-requests", type=int, default=500)
    parser.add_argument("--client", choices=("wrk", "python"), default=None, help="default: wrk if installed")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    bodies = prepare(tmp, args.credentials, database_url)
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "BADGES_DATABASE_URL": database_url,
           "BADGES_KEYS_DIR": str(tmp / "keys")} | {f"BADGES_{k}": v for k, v in SECRETS.items()}  # fmt: skip
    client = args.client or ("wrk" if shutil.which("wrk") else "python")
    print(f"{args.credentials} badges, {database_url.split(':')[0]}, gunicorn 2 sync workers, "
          f"client {client}, {args.connections} connections, {args.rounds} rounds of {args.seconds:.0f} s "
          f"per target, {os.cpu_count()} cores")  # fmt: skip
    print_http(measure_http(args, env, bodies, tmp, client))
    if args.cpu_requests or args.profile_requests:
        config = {"DATABASE_URL": database_url, "KEYS_DIR": str(tmp / "keys"), **SECRETS}
        service, ceiling = wsgi_calls.apps(config, database_url)
    if args.cpu_requests:
        repeats = max(args.rounds, 3)
        print(f"\nIn process, no server (WSGI calls), {repeats} repetitions of {args.cpu_requests} requests:")
        spent = wsgi_calls.timed(service, ceiling, bodies, args.cpu_requests, repeats)
        wsgi_calls.print_timed(spent)
    if args.profile_requests:
        for name in ("vc-jwt", "ob2-jws"):
            wsgi_calls.profile(service, bodies, name, args.profile_requests, top=25)


if __name__ == "__main__":
    main()
