"""Flask-Babel: French by default, English on request (?lang=en, then the browser's preference).

A choice made with ?lang= is kept in a cookie, so the next pages stay in that language.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, request
from flask_babel import Babel, get_locale, get_translations, gettext

from badges.services.shared.errors import InvalidInput, ServiceError
from badges.services.shared.messages import Message, Translate, render_all

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


def translator() -> Translate:
    """The reader's gettext, bound once: for a text made of many messages (a verification report), where
    each `gettext` call would look up the request's locale and catalogue again (issue 17). Same texts."""
    translations = get_translations()
    return translations.ugettext  # what flask_babel.gettext calls, without its per-call look-ups


def say(said: Message) -> str:
    """A service's message in the reader's language."""
    return said.render(gettext)


def say_error(exc: ServiceError) -> str:
    return say(exc.said)


def say_fields(exc: InvalidInput) -> dict[str, str]:
    """A service's field errors in the reader's language."""
    return render_all(exc.field_messages, gettext)


def say_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """An import's row errors, each message in the reader's language."""
    return [
        {**row, "message": say(row["message"])} if isinstance(row["message"], Message) else row
        for row in rows
    ]


def say_all(fields: Mapping[str, Message]) -> dict[str, str]:
    return render_all(fields, gettext)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    Babel(app, locale_selector=select_locale)
    app.after_request(remember_choice)
    app.jinja_env.globals["current_language"] = current_language
