"""Flask-Babel: French by default, English on request (?lang=en, then the browser's preference).

A choice made with ?lang= is kept in a cookie, so the next pages stay in that language.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import Babel, get_locale

LOCALES = ("fr", "en")
COOKIE = "lang"


def select_locale() -> str:
    wanted = request.args.get("lang") or request.cookies.get(COOKIE)
    if wanted in LOCALES:
        return wanted
    return request.accept_languages.best_match(LOCALES, default="fr") or "fr"


def remember_choice(response: Response) -> Response:
    wanted = request.args.get("lang")
    if wanted in LOCALES and request.cookies.get(COOKIE) != wanted:
        response.set_cookie(COOKIE, wanted, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=request.is_secure)  # fmt: skip
    return response


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fr"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    Babel(app, locale_selector=select_locale)
    app.after_request(remember_choice)
    app.jinja_env.globals["current_language"] = current_language
