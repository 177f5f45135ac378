"""French by default, English through Flask-Babel: the pages really change language, and the catalogue
covers every message of the public and beneficiary pages."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from babel.support import Translations

from badges import PACKAGE_DIR
from tests.factories import make_award

HTML = {"Accept": "text/html"}
CATALOG = PACKAGE_DIR / "translations" / "en" / "LC_MESSAGES"
# The templates and views of the public, beneficiary and verification pages.
TRANSLATED = [
    "templates/base.html",
    "templates/_macros.html",
    "templates/errors/error.html",
    "templates/public/_badge.html",
    "templates/public/credential.html",
    "templates/public/verifier.html",
    "templates/public/home.html",
    "templates/public/achievement.html",
    "templates/public/issuer.html",
    "templates/public/framework.html",
    "templates/holder/home.html",
    "templates/holder/badge.html",
    "templates/holder/share_created.html",
    "templates/holder/shared.html",
    "web/verifier.py",
    "web/holder.py",
]
FRENCH_UI = [
    "Ce que ce badge veut dire",
    "Télécharger le badge",
    "Délivré par",
    "Vérifier un badge",
    "Ce badge est valide.",
]
ENGLISH_UI = [
    "What this badge means",
    "Download the badge",
    "Issued by",
    "Check a badge",
    "This badge is valid.",
    "March 12, 2026",
    "I do it alone, step by step",
]


@pytest.fixture
def award(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    session.commit()
    return credential


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_french_is_the_default(client, award):
    text = text_of(client.get(f"/credentials/{award.public_id}", headers=HTML))
    assert '<html lang="fr">' in text and all(s in text for s in FRENCH_UI)
    assert "12 mars 2026" in text


def test_the_english_page_really_is_english(client, award):
    response = client.get(f"/credentials/{award.public_id}?lang=en", headers=HTML)
    text = text_of(response)
    assert '<html lang="en">' in text
    assert [s for s in ENGLISH_UI if s not in text] == []
    assert [s for s in FRENCH_UI if s in text] == []
    assert 'hreflang="fr"' in text and ">Français</a>" in text
    assert "lang=en" in response.headers["Set-Cookie"]


def test_the_choice_is_remembered_then_changed_back(client):
    # No data fixture here: its app context would outlive the requests and keep the first locale.
    client.get("/?lang=en", headers=HTML)
    assert "Which badge do you want to check?" in text_of(client.get("/verifier", headers=HTML))
    client.get("/?lang=fr", headers=HTML)
    assert "Quel badge voulez-vous vérifier ?" in text_of(client.get("/verifier", headers=HTML))


def test_the_browser_language_is_followed(client):
    text = text_of(client.get("/verifier", headers={**HTML, "Accept-Language": "en-GB,en;q=0.8"}))
    assert "Which badge do you want to check?" in text


def test_the_verdict_is_translated(client, links, award):
    url = links.credential_page(award.public_id)
    text = text_of(client.get("/verifier", query_string={"url": url, "lang": "en"}, headers=HTML))
    assert f"Valid badge, issued by {award.issuer.name} on March 12, 2026." in text


def test_the_english_catalogue_translates_every_message_of_these_pages():
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    assert (CATALOG / "messages.mo").exists(), "pybabel compile -d badges/translations (make install-test)"
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = Translations(fp=handle)
    untranslated, stale = [], []
    for name in TRANSLATED:
        method = "python" if name.endswith(".py") else "jinja2"
        for _line, message, _comments, _context in extract_from_file(method, str(PACKAGE_DIR / name)):
            msgid = message[0] if isinstance(message, tuple) else message
            entry = catalog.get(msgid)
            if entry is None or not entry.string or entry.fuzzy:
                untranslated.append(f"{name}: {msgid}")
            elif isinstance(entry.string, str) and compiled.gettext(msgid) != entry.string:
                stale.append(msgid)
    assert untranslated == [], "run pybabel extract / update (see babel.cfg) and translate"
    assert stale == [], "messages.mo is older than messages.po: run pybabel compile -d badges/translations"


def test_babel_configuration_is_at_the_root():
    assert (Path(PACKAGE_DIR).parent / "babel.cfg").read_text().count(
        "[jinja2: badges/templates/**.html]"
    ) == 1
