"""Access logs without secrets: gunicorn writes the route pattern (`/mes-badges/<token>`), never the path.

Private links, share links, claim codes, reset and invitation links carry their secret in the path; an
access log is read by more people, kept longer and copied further than the database, so it must not
hold them. The app records the matched route in the WSGI environ; `RouteLogger` (gunicorn's
`logger_class`, see badges/gunicorn_conf.py) logs that pattern instead of the path, drops query values
and keeps only the origin of the Referer. Passing health probes (`/healthz`, `/readyz`) are left out.
Client addresses are personal data: the access line keeps their network only (IPv4 /24, IPv6 /48).

Its error and access logs use badges/logs.py's format (JSON lines under gunicorn, unless
BADGES_LOG_FORMAT says otherwise), with the id of the request on the access line.
"""

from __future__ import annotations

import traceback
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, request
from gunicorn.glogging import Logger

from badges import logs
from badges.redaction import network_of
from badges.web.request_id import ENVIRON_KEY as REQUEST_ID
from badges.web.request_id import FACTS_KEY, RequestIdMiddleware

ROUTE = "badges.route"
HIDDEN = "…"
# The probes of web/health.py: load balancers call them every few seconds; a passing one is not logged.
PROBES = frozenset({"/healthz", "/readyz"})
# Atoms a custom access_log_format could use that repeat the path, the query, the Referer or a credential.
RAW_ATOMS = (
    "{raw_uri}e",
    "{path_info}e",
    "{query_string}e",
    "{request_uri}e",
    "{http_referer}e",
    "{http_authorization}e",
    "{http_cookie}e",
    "{referer}i",
    "{authorization}i",
    "{remote_addr}e",
    "{x-forwarded-for}i",
    "{x-real-ip}i",
    "{cookie}i",
    "{location}o",
    "{set-cookie}o",
)


def init_app(app: Flask) -> None:
    """Record the matched route pattern in the WSGI environ (before any other hook may abort)."""

    @app.before_request
    def record_route() -> None:
        if request.url_rule is not None:
            request.environ[ROUTE] = request.url_rule.rule


def logged_path(environ: dict[str, Any]) -> str:
    """The route pattern; for a path no route matched (404, 405), its first segment only."""
    route = environ.get(ROUTE)
    if route:
        return str(route)
    return first_segment(str(environ.get("PATH_INFO") or "/"))


def first_segment(path: str) -> str:
    head, _, rest = path.lstrip("/").partition("/")
    return f"/{head}/{HIDDEN}" if rest else f"/{head}"


def logged_query(query: str) -> str:
    """Parameter names only: a value may be a claim code or a share link (`/verifier?code=`)."""
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return "&".join(f"{name}={HIDDEN}" for name in names)


def logged_referer(referer: str) -> str:
    """Only the origin: the previous page's address may be a private link."""
    if referer in ("", "-"):
        return "-"
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}/{HIDDEN}" if parts.netloc else HIDDEN


class RouteLogger(Logger):
    """gunicorn's logger whose access log names routes, not the secrets in their paths."""

    def setup(self, cfg: Any) -> None:
        """gunicorn's handlers, with badges' format, request id and redaction."""
        super().setup(cfg)
        fmt = logs.chosen_format()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                logs.prepare_handler(handler, fmt)
        # What a request tells (a verification's verdict) goes on its access line, not a line of its own.
        RequestIdMiddleware.facts_on_access_line = self.access_log_enabled

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """Every request but a passing probe (a failing one is worth a line), with its id and figures."""
        if not self.access_log_enabled or (environ.get(ROUTE) in PROBES and resp.status_code == 200):
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        extra = {
            "request_id": environ.get(REQUEST_ID),
            "method": environ.get("REQUEST_METHOD"),
            "route": logged_path(environ),
            "status": resp.status_code,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
        } | environ.get(FACTS_KEY, {})
        try:
            self.access_log.info(self.cfg.access_log_format, atoms, extra=extra)
        except Exception:
            self.error(traceback.format_exc())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path, query = logged_path(environ), logged_query(str(environ.get("QUERY_STRING") or ""))
        target = f"{path}?{query}" if query else path
        atoms.update(
            r=f"{environ['REQUEST_METHOD']} {target} {environ['SERVER_PROTOCOL']}",
            U=path,
            q=query,
            f=logged_referer(str(environ.get("HTTP_REFERER", "-"))),
            h=network_of(str(atoms.get("h", "-"))),
            u="-",
        )
        for name in RAW_ATOMS:
            if name in atoms:
                atoms[name] = HIDDEN
        return atoms
