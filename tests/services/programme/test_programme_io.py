"""Bulk import and export of a programme (issue 14; programme/programme_io.py): CSV and XLSX, every bad row
reported with its line, column and a French message, nothing half-imported, the export imports back."""

from __future__ import annotations

from collections import Counter

import pytest

from badges.models import Atelier, Attendance, Enrolment, Pathway
from badges.services.programme import programme_io
from badges.services.shared.errors import RowErrors
from tests.factories import count, make_beneficiary, make_issuer

HEADER = ";".join(programme_io.COLUMNS)
D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


@pytest.fixture
def people(session, issuer, now):
    from badges.services.programme import framework_io

    framework_io.load_defaults(session)
    return [make_beneficiary(session, issuer, now, display_name=name) for name in ("Awa", "Karim")]


def csv_of(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def tables(session) -> dict[str, int]:
    return {m.__name__: count(session, m) for m in (Pathway, Atelier, Attendance, Enrolment)}


def good_file(people) -> bytes:
    awa, karim = (p.public_id for p in people)
    return csv_of(
        f"Premiers pas;court;apprentissage_par_le_faire;2026-01-05;2026-02-27;;"
        f"Mon e-mail;2026-01-12;120;{D06} {D07};{awa};oui",
        f"Premiers pas;;;;;;Mon e-mail;;;;{karim};non",
        f"Premiers pas;;;;;;Envoyer un CV;2026-01-19;90;{D07};{awa};oui",
        "Numérique et emploi;long;professionnalisation;2026-03-02;;12 000;;;;;;",
    )


def import_file(session, issuer, raw: bytes, now) -> list[Pathway]:
    """What the import job does with a checked file: each pathway stored (RowErrors before anything)."""
    plans = programme_io.check(session, issuer=issuer, raw=raw)
    return [programme_io.store(session, issuer=issuer, plan=plan, now=now) for plan in plans]


def test_a_programme_file_creates_pathways_ateliers_and_attendance(session, issuer, now, people):
    created = import_file(session, issuer, good_file(people), now)
    assert [(p.title, p.budget_euros) for p in created] == [
        ("Premiers pas", 5000),
        ("Numérique et emploi", 12000),
    ]
    first = created[0]
    assert [(a.title, a.held_on.isoformat(), a.duration_minutes) for a in first.ateliers] == [
        ("Mon e-mail", "2026-01-12", 120),
        ("Envoyer un CV", "2026-01-19", 90),
    ]
    assert tables(session) == {"Pathway": 2, "Atelier": 2, "Attendance": 3, "Enrolment": 2}


def test_every_bad_row_is_reported_and_nothing_is_imported(session, keyring, links, issuer, now, people):
    elsewhere = make_beneficiary(session, make_issuer(session, keyring, links, now), now, display_name="Zoé")
    awa = people[0].public_id
    raw = csv_of(
        f"A;court;apprentissage_par_le_faire;2026-01-05;;;Atelier 1;2026-01-12;120;{D06};{awa};oui",
        f"A;long;;;;;Atelier 1;;;;{elsewhere.public_id};oui",
        "B;moyen;apprentissage_par_le_faire;05/01/2026;;dix;;;;;;",
        f"C;court;hybride_creatif;2026-01-05;;;Atelier 2;2027-01-01;5;pix:9;{awa};peut-être",
        ";court;hybride_creatif;2026-01-05;;;;;;;;",
    )
    before = tables(session)
    with pytest.raises(RowErrors) as caught:
        import_file(session, issuer, raw, now)
    found = {(r["row"], r["field"]) for r in caught.value.said_rows}
    assert {
        (3, "type"),  # another value than line 2's
        (3, "beneficiaire"),  # another tiers-lieu's person
        (4, "type"),
        (4, "debut"),
        (4, "budget"),
        (5, "duree_minutes"),
        (5, "duree_minutes"),
        (6, "parcours"),
    } <= found, found
    texts = caught.value.fields
    assert texts["ligne 3 : beneficiaire"] == "Bénéficiaire inconnu dans ce tiers-lieu."
    assert texts["ligne 6 : parcours"] == "Ce champ est obligatoire."
    assert tables(session) == before


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b"nom;type\nA;court\n", "La première ligne doit nommer les colonnes"),
        ((HEADER + "\n").encode(), "Le fichier ne contient aucun parcours."),
        (b"x" * (programme_io.MAX_BYTES + 1), "Le fichier dépasse 2048 Ko."),
        (b"PK\x03\x04 not a zip", "Le classeur XLSX est illisible"),
    ],
)
def test_a_wrong_file_is_refused_as_a_whole(session, issuer, now, raw, said):
    with pytest.raises(RowErrors) as caught:
        import_file(session, issuer, raw, now)
    assert said in " ".join(caught.value.fields.values())


def test_the_csv_export_imports_back_as_it_was(session, issuer, now, people):
    import_file(session, issuer, good_file(people), now)
    before = programme_io.export_rows(session, issuer=issuer)
    exported = programme_io.export_csv(session, issuer=issuer)
    assert exported.startswith("\ufeff" + ";".join(programme_io.COLUMNS))
    import_file(session, issuer, exported.encode(), now)
    after = programme_io.export_rows(session, issuer=issuer)
    assert len(before) == 5 and Counter(map(tuple, after[1:])) == Counter(
        {tuple(row): 2 for row in before[1:]}
    )


def test_the_xlsx_export_imports_back_as_it_was(session, issuer, now, people):
    import_file(session, issuer, good_file(people), now)
    before = programme_io.export_rows(session, issuer=issuer)
    import_file(session, issuer, programme_io.export_xlsx(session, issuer=issuer), now)
    after = programme_io.export_rows(session, issuer=issuer)
    assert Counter(map(tuple, after[1:])) == Counter({tuple(row): 2 for row in before[1:]})
