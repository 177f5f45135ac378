"""Flask-Babel: French by default, English on request (?lang=en, then the browser's preference)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

LOCALES = ("fr", "en")


def select_locale() -> str:
    wanted = request.args.get("lang") or request.cookies.get("lang")
    if wanted in LOCALES:
        return wanted
    return request.accept_languages.best_match(LOCALES, default="fr") or "fr"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    Babel(app, locale_selector=select_locale)
