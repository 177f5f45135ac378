"""Frameworks: shipped defaults, neutral profile frameworks, alignments, JSON and CSV import/export."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from badges.models import Competency, CompetencyAlignment, Framework
from badges.services.programme import framework_io, frameworks
from badges.services.shared.errors import RowErrors
from tests.factories import count


def test_defaults_load_five_frameworks_once(session):
    loaded = framework_io.load_defaults(session)
    assert {(f.slug, len(f.competencies)) for f in loaded} == {
        ("digcomp", 21),
        ("pix-crcn", 16),
        ("parcours-decouverte", 11),
        ("parcours-pas-a-pas", 10),
        ("parcours-autonomie", 11),
    }
    before = (count(session, Framework), count(session, Competency), count(session, CompetencyAlignment))
    assert framework_io.load_defaults(session) == []
    assert (
        count(session, Framework),
        count(session, Competency),
        count(session, CompetencyAlignment),
    ) == before


def test_profile_frameworks_have_neutral_slugs_and_codes_and_keep_the_profile_internal(session):
    framework_io.load_defaults(session)
    by_profile = {f.profile: f for f in session.scalars(select(Framework).where(Framework.kind == "profile"))}
    assert {p: f.slug for p, f in by_profile.items()} == {
        "exclu": "parcours-decouverte",
        "intermediaire": "parcours-pas-a-pas",
        "initie": "parcours-autonomie",
    }
    decouverte = by_profile["exclu"]
    assert [c.code for c in decouverte.competencies][:3] == ["D-01", "D-02", "D-03"]
    email = next(c for c in decouverte.competencies if c.code == "D-06")
    assert email.title == "Créer une adresse e-mail"
    assert email.level == "N1"
    assert email.falc_description.startswith("Je crée ma boîte mail.")
    assert len(email.criteria) == 3
    assert [(a.target.framework.slug, a.target.code, a.role) for a in email.alignments] == [
        ("pix-crcn", "2.1", "principal"),
        ("digcomp", "2.1", "principal"),
        ("pix-crcn", "4.1", "secondaire"),
        ("digcomp", "2.6", "secondaire"),
    ]


def test_pix_competences_carry_pix_own_mapping_to_digcomp(session):
    framework_io.load_defaults(session)
    pix = frameworks.latest(session, "pix-crcn")
    mapping = {c.code: [a.target.code for a in c.alignments] for c in pix.competencies}
    assert mapping["1.1"] == ["1.1", "1.2"]
    assert mapping["2.4"] == ["2.3", "2.6", "5.4"]
    assert mapping["1.2"] == mapping["1.3"] == ["1.3"]


def test_json_export_imports_back_as_a_new_version(session):
    framework_io.load_defaults(session)
    document = framework_io.export_document(frameworks.latest(session, "parcours-pas-a-pas"))
    document["version"] = "1.1"
    document["competencies"][0]["title"] = "Chercher une offre d'emploi en ligne"
    framework_io.import_document(session, copy.deepcopy(document))
    session.flush()
    latest = frameworks.latest(session, "parcours-pas-a-pas")
    assert latest.version == "1.1"
    assert framework_io.export_document(latest) == document
    assert frameworks.versions(session, "parcours-pas-a-pas") == ["1.0", "1.1"]


def test_csv_export_imports_back_with_the_same_competences(session):
    framework_io.load_defaults(session)
    original = frameworks.latest(session, "parcours-autonomie")
    text = framework_io.export_csv(original)
    assert text.splitlines()[0] == "code;title;area;falc_description;level;criteria;alignments"
    meta = {
        "slug": "parcours-autonomie",
        "version": "2.0",
        "name": original.name,
        "kind": "profile",
        "profile": "initie",
    }
    framework_io.import_csv(session, text.encode(), meta)
    session.flush()
    copy_ = frameworks.latest(session, "parcours-autonomie")
    assert (
        framework_io.export_document(copy_)["competencies"]
        == framework_io.export_document(original)["competencies"]
    )


def test_csv_with_commas_and_without_optional_columns_imports(session):
    framework_io.load_defaults(session)
    text = "code,title,level,alignments\r\nL-1,Réparer un vélo,N2,pix-crcn:5.1\r\nL-2,Souder,,\r\n"
    meta = {"slug": "atelier-velo", "version": "1", "name": "Atelier vélo", "kind": "reference"}
    framework = framework_io.import_csv(session, text.encode(), meta)
    session.flush()
    assert [(c.code, c.level) for c in framework.competencies] == [("L-1", "N2"), ("L-2", None)]
    assert framework.competencies[0].alignments[0].target.ref == "pix-crcn:5.1"


def _document(**changes):
    document = {
        "slug": "reference-locale",
        "version": "1",
        "name": "Référentiel local",
        "kind": "reference",
        "competencies": [
            {"code": "L-1", "title": "Réparer un vélo", "level": "N2", "alignments": ["pix-crcn:5.1"]},
            {"code": "L-2", "title": "Souder", "criteria": ["Soude deux tubes"]},
            {"code": "L-3", "title": "Peindre"},
        ],
    }
    document.update(changes)
    return document


def _with(position, **fields):
    document = _document()
    document["competencies"][position - 1].update(fields)
    return document


@pytest.mark.parametrize(
    ("document", "row", "field", "words"),
    [
        (_with(2, code="L 2"), 2, "code", "Code attendu"),
        (_with(3, code="L-1"), 3, "code", "déjà utilisé"),
        (_with(1, level="N7"), 1, "level", "N1, N2, N3, N4"),
        (_with(2, title=""), 2, "title", "obligatoire"),
        (_with(1, alignments=["pix-crcn:9.9"]), 1, "alignments", "pix-crcn:9.9"),
        (_with(1, alignments=["reference-locale:L-2"]), 1, "alignments", "Alignements inconnus"),
        (_with(3, title="Compétence pour les exclus"), 3, "title", "libellés internes"),
        (_with(2, criteria=["Réservé aux initiés"]), 2, "criteria", "libellés internes"),
        (_with(2, criteria="un texte"), 2, "criteria", "Liste de 10 textes"),
        (_document(slug="parcours-exclu"), None, "slug", "libellés internes"),
        (_document(kind="profile"), None, "profile", "profil"),
        (_document(profile="initie"), None, "profile", "pas de profil"),
        (_document(version="1.0 beta"), None, "version", "Version attendue"),
        (_document(competencies=[]), None, "competencies", "1 à 300"),
    ],
)
def test_a_bad_row_refuses_the_whole_import_naming_row_and_field(session, document, row, field, words):
    framework_io.load_defaults(session)
    before = (count(session, Framework), count(session, Competency))
    with pytest.raises(RowErrors) as caught:
        framework_io.import_document(session, document)
    (error,) = [e for e in caught.value.rows if e["field"] == field]
    assert error["row"] == row
    assert words in error["message"]
    assert (count(session, Framework), count(session, Competency)) == before


def test_every_bad_row_is_reported_at_once(session):
    framework_io.load_defaults(session)
    document = _document()
    document["competencies"][0]["level"] = "X"
    document["competencies"][2]["code"] = ""
    with pytest.raises(RowErrors) as caught:
        framework_io.import_document(session, document)
    assert {(e["row"], e["field"]) for e in caught.value.rows} == {(1, "level"), (3, "code")}
    assert caught.value.fields["ligne 1 : level"].startswith("Valeur attendue")


def test_an_existing_version_is_refused(session):
    framework_io.load_defaults(session)
    document = framework_io.export_document(frameworks.latest(session, "digcomp"))
    with pytest.raises(RowErrors) as caught:
        framework_io.import_document(session, document)
    assert caught.value.fields == {"version": "Cette version du référentiel existe déjà."}


@pytest.mark.parametrize("slug", ["import", "new"])
def test_a_slug_the_staff_screens_use_is_refused(session, slug):
    framework_io.load_defaults(session)
    document = _document(slug=slug)
    with pytest.raises(RowErrors) as caught:
        framework_io.import_document(session, document)
    assert caught.value.fields == {"slug": "Cet identifiant est réservé : choisissez-en un autre."}


def test_a_new_version_may_not_drop_a_code_that_credentials_link_to(session):
    framework_io.load_defaults(session)
    document = framework_io.export_document(frameworks.latest(session, "parcours-decouverte"))
    document["version"] = "2.0"
    del document["competencies"][4]
    with pytest.raises(RowErrors) as caught:
        framework_io.import_document(session, document)
    assert caught.value.fields["competencies"] == "Codes de la version précédente manquants : D-05."


def test_csv_errors_are_numbered_as_spreadsheet_lines(session):
    framework_io.load_defaults(session)
    text = "code;title;level\nL-1;Réparer;N2\nL-2;;N9\n"
    meta = {"slug": "atelier", "version": "1", "name": "Atelier", "kind": "reference"}
    with pytest.raises(RowErrors) as caught:
        framework_io.import_csv(session, text.encode(), meta)
    assert {(e["row"], e["field"]) for e in caught.value.rows} == {(3, "title"), (3, "level")}
    assert session.scalar(select(Framework).where(Framework.slug == "atelier")) is None


def test_csv_with_an_unknown_column_is_refused_on_the_header_line(session):
    with pytest.raises(RowErrors) as caught:
        framework_io.import_csv(session, b"code;titre\nA;B\n", {"slug": "x", "version": "1", "name": "X"})
    columns = "code, title, area, falc_description, level, criteria, alignments"
    assert caught.value.rows == [
        {"row": 1, "field": "en-tête", "message": f"Colonnes attendues : {columns}."}
    ]
