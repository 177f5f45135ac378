"""In-process side of bench/http_verify.py: the service and the ceiling called as WSGI apps, no server.

What one gunicorn worker runs for a request, minus the HTTP parsing: CPU time per request of each target,
interleaved and repeated (medians, and the ratios of the same repetition), then a cProfile of the
service's request path (top functions by own time, and the share of a few named steps).
"""

from __future__ import annotations

import cProfile
import importlib
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Any]
# The ceiling app's two routes (bench/ceiling_app.py): the issue's, and the stricter DB-API read.
CEILINGS = {"ceiling": "/verify", "ceiling-dbapi": "/verify-dbapi"}
# Named steps of the service's path, by function (file suffix, name): their share of the request.
STEPS = {
    "register entry (one statement, DB-API cursor)": ("verification/register.py", "_stored"),
    "signature (RS256 / Ed25519 checks)": ("verification/register.py", "_signature_ok"),
    "report said in the reader's language": ("verification/report.py", "to_dict"),
    "JSON answer (jsonify)": ("flask/json/__init__.py", "jsonify"),
    "reader back to the pool (teardown)": ("badges/db.py", "_close_session"),
    "locale and catalogue (flask-babel)": ("badges/web/i18n.py", "translator"),
}


def environ(path: str, body: str) -> dict[str, Any]:
    data = body.encode()
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)), "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }  # fmt: skip


def call(app: WsgiApp, path: str, bodies: list[str], count: int) -> None:
    """`count` requests cycling through `bodies`; the last answer must say valid."""
    status: list[str] = []
    body = b""
    for n in range(count):
        result = app(environ(path, bodies[n % len(bodies)]), lambda s, _h, _e=None: status.append(s))
        body = b"".join(result)
        getattr(result, "close", lambda: None)()
    if count and (not status[-1].startswith("200") or b'"valid":true' not in body):
        raise SystemExit(f"{path}: not a valid answer: {status[-1]} {body[:300]!r}")


def apps(config: dict[str, Any], database_url: str) -> tuple[WsgiApp, WsgiApp]:
    """(service, ceiling), built in this process as gunicorn builds them in a worker."""
    from badges import create_app
    from badges.web.request_id import RequestIdMiddleware

    os.environ["BENCH_DATABASE_URL"] = database_url
    # As gunicorn's access logger sets it in the server (web/access_log.py): what a request tells goes on
    # its access line, which gunicorn writes after the call, for both apps alike (not measured here).
    RequestIdMiddleware.facts_on_access_line = True
    return create_app(config), importlib.import_module("ceiling_app").app


def timed(
    service: WsgiApp, ceiling: WsgiApp, bodies: dict[str, list[str]], requests: int, repeats: int
) -> dict[str, list[float]]:
    """CPU microseconds per request, each target once per repetition, in a rotating order."""
    targets = {name: (ceiling, path) for name, path in CEILINGS.items()} | {
        name: (service, "/api/v1/verify") for name in ("vc-jwt", "ob2-jws", "ob3-data-integrity")
    }
    for name, (app, path) in targets.items():
        call(app, path, bodies[name], 30)  # warm: imports, statement caches, key caches
    spent: dict[str, list[float]] = {name: [] for name in targets}
    names = list(targets)
    for repeat in range(repeats):
        for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
            app, path = targets[name]
            start = time.process_time()
            call(app, path, bodies[name], requests)
            spent[name].append(1e6 * (time.process_time() - start) / requests)
    return spent


def print_timed(spent: dict[str, list[float]]) -> None:
    ceiling = spent["ceiling"]
    print(f"  {'target':20s} {'CPU us/req':>11s} {'rate ratio':>11s}   (median of the per-repetition ratios)")
    for name, values in spent.items():
        ratios = [c / v for c, v in zip(ceiling, values, strict=True)]
        print(f"  {name:20s} {statistics.median(values):11.0f} {statistics.median(ratios):11.2f}")


def profile(service: WsgiApp, bodies: dict[str, list[str]], name: str, requests: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call(service, "/api/v1/verify", bodies[name], requests)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in raw.items() if k[2] == "wsgi_app" and k[0].endswith("flask/app.py"))
    print(
        f"\n--- {name}: where a request's time goes (cProfile, {requests} requests, "
        "share of Flask's wsgi_app)"
    )
    for label, (suffix, function) in STEPS.items():
        share = sum(v[3] for k, v in raw.items() if k[0].endswith(suffix) and k[2] == function)
        print(f"    {label:40s} {100 * share / total:5.1f} %")
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    print(f"  top {top} functions by own time:")
    for (filename, line, function), values in rows:
        where = "/".join(filename.split("/")[-2:])
        print(f"    {100 * values[2] / total:5.1f} %  {values[1]:7d} calls  {function} ({where}:{line})")
