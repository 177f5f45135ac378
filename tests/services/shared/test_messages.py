"""Messages with codes: French by default, in the reader's language at the edge, and every declared one has
an English translation in the catalogue."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

import badges.services
import badges.web
from badges import PACKAGE_DIR
from badges.services.shared import messages
from badges.services.shared.errors import InvalidInput, NotFound, RowErrors
from badges.services.shared.messages import N_, Message, message

CATALOG = PACKAGE_DIR / "translations" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def english() -> Translations:
    with (CATALOG / "messages.mo").open("rb") as handle:
        return Translations(fp=handle)


def declared() -> dict[str, Message]:
    """Every message the services and the web layer declare (importing every module declares them)."""
    for package in (badges.services, badges.web):
        for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(found.name)
    return dict(messages.DECLARED)


@pytest.fixture
def scratch(monkeypatch):
    """Messages declared by a test stay out of the application's register."""
    monkeypatch.setattr(messages, "DECLARED", dict(messages.DECLARED))


def test_a_message_is_french_until_the_edge_translates_it(scratch):
    limit = message("test.limit", N_("Le mot de passe dépasse %(max)s caractères."))
    said = limit(max=200)
    assert (said.code, said.french, str(said)) == (
        "test.limit",
        *["Le mot de passe dépasse 200 caractères."] * 2,
    )
    assert said.render(english().gettext) == "The password is longer than 200 characters."
    assert limit.params == {} and said.with_params(max=8).french.endswith("8 caractères.")


def test_a_nested_message_is_said_in_the_same_language(scratch):
    reason = message("test.unreachable", N_("Nom de domaine introuvable : %(host)s."))(host="x.test")
    key = message("test.key", N_("La clé %(key)s est introuvable : %(error)s"))(key="k1", error=reason)
    assert key.french == "La clé k1 est introuvable : Nom de domaine introuvable : x.test."
    assert key.render(english().gettext) == "The key k1 cannot be found: Domain name not found: x.test."
    assert reason.trimmed(".").french == "Nom de domaine introuvable : x.test"


def test_a_code_cannot_carry_two_texts(scratch):
    message("test.once", N_("Badge introuvable."))
    with pytest.raises(ValueError, match="test.once"):
        message("test.once", N_("Autre texte."))


def test_errors_carry_messages_and_say_them_in_french_for_the_cli(scratch):
    missing = message("test.missing", N_("Ce champ est obligatoire."))
    error = InvalidInput({"name": missing})
    assert error.said.code == "input.invalid" and error.message == "Certaines données sont invalides."
    assert error.field_messages == {"name": missing} and error.fields == {"name": "Ce champ est obligatoire."}
    assert str(NotFound(message("test.nf", N_("Badge introuvable.")))) == "Badge introuvable."
    rows = RowErrors([{"row": 2, "field": "code", "message": missing}])
    assert rows.rows == [{"row": 2, "field": "code", "message": "Ce champ est obligatoire."}]
    assert rows.said_rows[0]["message"] is missing and rows.fields == {"ligne 2 : code": missing.french}


def test_every_declared_message_has_an_english_translation():
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    found = declared()
    assert len(found) > 300  # services, verifier and web layer
    problems = []
    for code, said in sorted(found.items()):
        entry = catalog.get(said.template)
        if entry is None or entry.fuzzy or not entry.string:
            problems.append(f"{code}: no English for {said.template!r}")
        elif entry.string == said.template and PLACEHOLDER.sub("", said.template).strip():
            problems.append(f"{code}: the English is a copy of the French")
        elif set(PLACEHOLDER.findall(entry.string)) != set(PLACEHOLDER.findall(said.template)):
            problems.append(f"{code}: the English does not use the same %(name)s parameters")
    assert problems == []


def test_the_compiled_catalogue_translates_every_declared_message():
    translations = english()
    untranslated = [
        code
        for code, said in declared().items()
        if PLACEHOLDER.sub("", said.template).strip() and translations.gettext(said.template) == said.template
    ]
    assert untranslated == []
