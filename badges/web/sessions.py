"""The cookie session, only where it is used: the JSON API under /api/v1 has none (issue 17, HTTP profile).

The API authenticates with bearer tokens and answers in the language of Accept-Language or ?lang=: it never
reads nor writes the signed cookie session. Its requests get Flask's null session (a write to it raises, so
a route that started to need one would fail its tests rather than lose data), and the signing serializer
the other pages use is built once per secret instead of once per request.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

API_PREFIX = "/api/v1/"


def is_api(request: Request) -> bool:
    path = request.path
    return path.startswith(API_PREFIX) or path == API_PREFIX[:-1]


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, minus the per-request serializer and minus the API."""

    _cached: tuple[object, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # The same keys give the same serializer: rebuilt only when the secret or its fallbacks change.
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._cached
        if cached is None or cached[0] != keys:
            cached = self._cached = (keys, super().get_signing_serializer(app))
        return cached[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_api(request):
            return None  # Flask then uses its null session, and saves nothing
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
