"""Flask-Babel: French by default, English on request (?lang=en, then the browser's preference).

A choice made with ?lang= is kept in a cookie, so the next pages stay in that language. The JSON API
(/api/v1) neither reads nor sets that cookie: ?lang=, then Accept-Language, as its documentation says.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from flask import Flask, Response, request
from flask_babel import Babel, get_locale, get_translations, gettext
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from badges.services.shared.errors import InvalidInput, ServiceError
from badges.services.shared.messages import Message, Translate, render_all
from badges.web.context import value_of
from badges.web.sessions import is_api

LOCALES = ("fr", "en")
COOKIE = "lang"


def select_locale() -> str:
    # The API has no cookie: its language is the request's own (?lang=, then Accept-Language).
    cookie = None if is_api(request) else value_of(request.cookies, COOKIE)
    wanted = value_of(request.args, "lang") or cookie
    if wanted in LOCALES:
        return wanted
    header = request.environ.get("HTTP_ACCEPT_LANGUAGE")
    return _best_match(header) if header else "fr"


@functools.lru_cache(maxsize=256)
def _best_match(header: str) -> str:
    """The browser's preferred locale, parsed once per distinct header (a few per site, bounded)."""
    return parse_accept_header(header, LanguageAccept).best_match(LOCALES, default="fr") or "fr"


def remember_choice(response: Response) -> Response:
    wanted = value_of(request.args, "lang")
    if wanted in LOCALES and not is_api(request) and value_of(request.cookies, COOKIE) != wanted:
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
