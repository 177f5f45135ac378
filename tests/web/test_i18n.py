"""French by default, English through Flask-Babel: the pages really change language, and the English
catalogue covers every message of the application (every file babel.cfg names)."""

from __future__ import annotations

import html
import re

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

from badges import PACKAGE_DIR

HTML = {"Accept": "text/html"}
ROOT = PACKAGE_DIR.parent
CATALOG = PACKAGE_DIR / "translations" / "en" / "LC_MESSAGES"
# pybabel's default keywords (_, gettext, ngettext, pgettext…) plus lazy_gettext, imported as _l.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
FIX = """\
.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-wrap --project badges --version 0.1.0 \\
    --copyright-holder badges -o badges/translations/messages.pot .
.venv/bin/pybabel update -i badges/translations/messages.pot -d badges/translations \\
    --no-fuzzy-matching --no-wrap
# translate every empty msgstr of badges/translations/en/LC_MESSAGES/messages.po (no "#, fuzzy" left), then:
.venv/bin/pybabel compile -d badges/translations"""
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


def extracted_messages() -> dict[tuple[str | tuple[str, ...], str | None], list[str]]:
    """Every message of the application, as `pybabel extract -F babel.cfg` finds it, and its places."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[tuple[str | tuple[str, ...], str | None], list[str]] = {}
    for filename, line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault((message, context), []).append(f"{filename}:{line}")
    return found


def test_the_extraction_reads_every_kind_of_message():
    messages = extracted_messages()
    places = {place.rsplit(":", 1)[0] for where in messages.values() for place in where}
    # Templates, gettext in views, lazy_gettext (`_l`: nav.py has nothing else) and ngettext (a tuple).
    assert {
        "badges/templates/public/credential.html",
        "badges/templates/staff/layout.html",
        "badges/web/holder.py",
        "badges/web/staff/nav.py",
    } <= places
    assert (
        ("Import terminé : %(count)s personne importée.", "Import terminé : %(count)s personnes importées."),
        None,
    ) in messages


def test_the_extraction_knows_every_gettext_function_the_code_imports():
    """`from flask_babel import lazy_ngettext as _n` would leave its messages out of the catalogue."""
    unknown = []
    for path in sorted((PACKAGE_DIR / "web").rglob("*.py")):
        for names in re.findall(r"from flask_babel import ([^\n(]+)", path.read_text()):
            for name in names.split(","):
                function, _as, alias = name.strip().partition(" as ")
                if function.endswith("gettext") and (alias or function) not in KEYWORDS:
                    unknown.append(f"{path.relative_to(ROOT)}: {name.strip()}")
    assert unknown == [], "add the keyword to KEYWORDS and to the pybabel extract command (-k)"


def test_the_english_catalogue_translates_every_message_of_the_application():
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    assert (CATALOG / "messages.mo").exists(), "pybabel compile -d badges/translations (make install-test)"
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = Translations(fp=handle)
    untranslated, stale = [], []
    for (message, context), places in extracted_messages().items():
        plural = isinstance(message, tuple)
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid, context)
        forms = () if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry is None or entry.fuzzy or not all(forms) or plural != isinstance(entry.string, tuple):
            untranslated.append(f"{places[0]}: {msgid!r}")
        elif isinstance(message, tuple):
            if (
                compiled.ngettext(message[0], message[1], 1),
                compiled.ngettext(message[0], message[1], 2),
            ) != forms[:2]:
                stale.append(msgid)
        elif (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != forms[0]:
            stale.append(msgid)
    assert untranslated == [], (
        f"{len(untranslated)} message(s) of the application have no English translation:\n"
        + "\n".join(untranslated)
        + f"\n\nTo fix it, from the project root:\n{FIX}"
    )
    assert stale == [], (
        "messages.mo is older than messages.po: run .venv/bin/pybabel compile -d badges/translations"
    )


def test_babel_configuration_is_at_the_root():
    assert (ROOT / "babel.cfg").read_text().count("[jinja2: badges/templates/**.html]") == 1
