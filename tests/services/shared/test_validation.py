"""Field validators: what each accepts and returns, and that every error is collected before one raise."""

from __future__ import annotations

from datetime import date

import pytest

from badges.services.shared.errors import InvalidInput
from badges.services.shared.validation import DEPARTMENT_RE, EMAIL_RE, SLUG_RE, Fields


def errors_of(data, check):
    fields = Fields(data)
    value = check(fields)
    return value, {name: said.french for name, said in fields.errors.items()}


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("  Awa  ", "Awa", None),
        ("a\nb\tc", "a\nb\tc", None),
        ("x" * 10, "x" * 10, None),
        ("x" * 11, "x" * 11, "Ce champ dépasse 10 caractères."),
        ("bip\x07", "bip\x07", "Ce champ contient des caractères de contrôle."),
        ("   ", "", "Ce champ est obligatoire."),
        (None, "", "Ce champ est obligatoire."),
        (42, "", "Ce champ doit être un texte."),
    ],
)
def test_text_is_trimmed_bounded_and_free_of_control_characters(value, expected, error):
    text, errors = errors_of({"name": value}, lambda f: f.text("name", max_len=10))
    assert text == expected
    assert errors == ({"name": error} if error else {})


def test_an_optional_text_may_be_missing_and_takes_its_default():
    assert errors_of({}, lambda f: f.text("note", max_len=5, required=False, default="-")) == ("-", {})


@pytest.mark.parametrize(
    ("value", "expected", "valid"),
    [
        ("Awa.Diallo@Example.ORG", "awa.diallo@example.org", True),
        ("awa@example", "awa@example", False),
        ("awa example@x.org", "awa example@x.org", False),
        ("@example.org", "@example.org", False),
    ],
)
def test_email_is_lowered_and_checked(value, expected, valid):
    email, errors = errors_of({"email": value}, lambda f: f.email("email"))
    assert email == expected
    assert errors == ({} if valid else {"email": "Adresse e-mail invalide."})


@pytest.mark.parametrize(
    ("value", "valid"),
    [("https://tiers-lieu.example/a", True), ("http://x.example", True), ("ftp://x.example", False)],
)
def test_url_needs_http_or_https(value, valid):
    assert bool(errors_of({"url": value}, lambda f: f.url("url"))[1]) is not valid


def test_choice_accepts_only_the_listed_values():
    assert errors_of({"level": "N2"}, lambda f: f.choice("level", ("N1", "N2"))) == ("N2", {})
    assert errors_of({"level": "n2"}, lambda f: f.choice("level", ("N1", "N2"))) == (
        None,
        {"level": "Valeur attendue : N1, N2."},
    )
    assert errors_of({}, lambda f: f.choice("level", ("N1",), required=False)) == (None, {})


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        (15, 15, None),
        ("600", 600, None),
        (14, 14, "Nombre attendu entre 15 et 600."),
        (601, 601, "Nombre attendu entre 15 et 600."),
        (True, None, "Nombre entier attendu."),
        ("2,5", None, "Nombre entier attendu."),
        (2.5, None, "Nombre entier attendu."),
        ("", None, "Ce champ est obligatoire."),
    ],
)
def test_integer_bounds_are_inclusive_and_booleans_are_not_numbers(value, expected, error):
    number, errors = errors_of({"n": value}, lambda f: f.integer("n", minimum=15, maximum=600, required=True))
    assert number == expected
    assert errors == ({"n": error} if error else {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-03-10", date(2026, 3, 10)), ("2026-02-30", None), ("10/03/2026", None), ("2026-3-1", None)],
)
def test_dates_are_iso_only(value, expected):
    parsed, errors = errors_of({"day": value}, lambda f: f.date("day"))
    assert parsed == expected
    assert errors == ({} if expected else {"day": "Date attendue au format AAAA-MM-JJ."})


def test_text_list_and_boolean():
    assert errors_of({"tags": [" a ", "b"]}, lambda f: f.text_list("tags", max_items=2, max_len=3)) == (
        ["a", "b"],
        {},
    )
    for bad in (["a", "b", "c"], ["abcd"], [""], "a"):
        assert errors_of({"tags": bad}, lambda f: f.text_list("tags", max_items=2, max_len=3))[1]
    assert errors_of({"ok": True}, lambda f: f.boolean("ok")) == (True, {})
    assert errors_of({"ok": "true"}, lambda f: f.boolean("ok")) == (
        False,
        {"ok": "Valeur attendue : true ou false."},
    )


def test_check_raises_once_with_every_field_error():
    fields = Fields({"name": "", "email": "x", "level": "N9"})
    fields.text("name", max_len=10)
    fields.email("email")
    fields.choice("level", ("N1",))
    with pytest.raises(InvalidInput) as caught:
        fields.check()
    assert set(caught.value.fields) == {"name", "email", "level"}
    Fields({}).check()  # nothing wrong: no error


@pytest.mark.parametrize(
    ("regex", "good", "bad"),
    [
        (DEPARTMENT_RE, ["01", "94", "2A", "2B", "974"], ["00", "96", "977", "2C", "9"]),
        (SLUG_RE, ["tiers-lieu-1", "a"], ["-a", "a-", "A", "é", "a" * 65]),
        (EMAIL_RE, ["a@b.fr"], ["a@b", "a@@b.fr", "a@b.f"]),
    ],
)
def test_patterns(regex, good, bad):
    assert all(regex.match(v) for v in good)
    assert not any(regex.match(v) for v in bad)
