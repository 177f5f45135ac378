"""Frameworks screens: browse the network's frameworks, import JSON or CSV (all or nothing, with a row-level
report), export files that import back; coordinators and staff only."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from badges.models import Competency, Framework
from badges.services.programme import framework_io, frameworks
from tests.factories import count_committed
from tests.web.staff.conftest import form_token, post, text

IMPORT = "/staff/frameworks/import"
# A small profile framework built on Pix; its CSV lines start at line 2 (line 1 names the columns).
META = {
    "slug": "parcours-test",
    "version": "1.0",
    "name": "Parcours test",
    "kind": "profile",
    "profile": "initie",
    "description": "Quelques gestes numériques.",
    "source_url": "https://example.org/referentiel",
}
HEADER = ["code", "title", "area", "falc_description", "level", "criteria", "alignments"]
GOOD_ROWS = [
    ["T-01", "Envoyer un e-mail", "E-mail", "J'envoie un message.", "N2", "Écrit l'objet | Joint un fichier",
     "pix-crcn:2.1 (principal) | digcomp:2.1 (secondaire)"],
    ["T-02", "Chercher une information", "Internet", "Je cherche.", "N1", "Tape une question", ""],
]  # fmt: skip


def counts(session) -> tuple[int, int]:
    return count_committed(session, Framework), count_committed(session, Competency)


def csv_bytes(rows: list[list[str]], delimiter: str = ";") -> bytes:
    lines = [delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def upload(client, content: bytes, filename: str, **fields: str) -> Any:
    return post(client, IMPORT, {"fichier": (io.BytesIO(content), filename), **fields})


def document(**changes: Any) -> dict[str, Any]:
    competencies = [
        {"code": "T-01", "title": "Envoyer un e-mail", "area": "E-mail", "falc_description": "J'envoie.",
         "level": "N2", "criteria": ["Écrit l'objet"],
         "alignments": [{"framework": "pix-crcn", "code": "2.1", "role": "principal"}]},
        {"code": "T-02", "title": "Chercher une information", "area": "Internet", "criteria": []},
    ]  # fmt: skip
    return {**META, "competencies": competencies, **changes}


def as_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def staff(as_role):
    return as_role("staff")


def test_the_list_shows_the_latest_version_of_every_framework_with_its_internal_profile(as_role):
    response = as_role("coordinator").get("/staff/frameworks")
    assert response.status_code == 200
    page = text(response)
    assert "Référentiels de compétences" in page and "Importer un référentiel" in page
    assert "pix-crcn" in page and "digcomp" in page
    assert "Référentiel de référence" in page and "Référentiel de profil" in page
    # parcours-decouverte is built for the "exclu" profile: staff see its label, the public never does.
    assert "parcours-decouverte" in page and "Exclu du numérique" in page
    html = response.get_data(as_text=True)
    assert 'href="/staff/frameworks/parcours-decouverte"' in html
    assert 'href="/staff/frameworks/import"' in html


def test_the_detail_shows_competences_by_area_with_falc_criteria_and_alignments(staff):
    response = staff.get("/staff/frameworks/parcours-decouverte")
    assert response.status_code == 200
    page = text(response)
    assert "Profil interne Exclu du numérique" in page
    assert "E-mail" in page and "D-06 Créer une adresse e-mail" in page
    assert "Je crée ma boîte mail." in page and "N1 · Je découvre" in page
    assert "Choisit une adresse sérieuse (prénom.nom)" in page
    assert "pix-crcn:2.1" in page and "pix-crcn:4.1" in page and "(secondaire)" in page
    html = response.get_data(as_text=True)
    assert 'id="competence-D-06"' in html
    assert "/staff/frameworks/pix-crcn?version=2019#competence-2.1" in html
    assert "/staff/frameworks/parcours-decouverte/export.json?version=1.0" in html
    assert "/staff/frameworks/parcours-decouverte/export.csv?version=1.0" in html
    assert 'href="/frameworks/parcours-decouverte"' in html


def test_an_older_version_is_shown_when_asked_and_the_latest_by_default(staff, session):
    framework_io.import_document(session, document())
    renamed = document(version="1.1")
    renamed["competencies"][0]["title"] = "Envoyer un courriel"
    framework_io.import_document(session, renamed)
    session.commit()
    latest = text(staff.get("/staff/frameworks/parcours-test"))
    assert "Version 1.1" in latest and "Envoyer un courriel" in latest
    assert "ancienne version" not in latest
    older = staff.get("/staff/frameworks/parcours-test?version=1.0")
    assert older.status_code == 200
    page = text(older)
    assert "T-01 Envoyer un e-mail" in page and "Vous consultez une ancienne version." in page
    assert 'aria-current="page">Version 1.0' in older.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/staff/frameworks/inconnu",
        "/staff/frameworks/pix-crcn?version=9.9",
        "/staff/frameworks/inconnu/export.json",
        "/staff/frameworks/pix-crcn/export.xml",
    ],
)
def test_an_unknown_framework_version_or_format_is_404(staff, url):
    assert staff.get(url).status_code == 404


def test_a_brand_new_framework_is_imported_from_json(staff, session):
    before = counts(session)
    response = upload(staff, as_json(document()), "referentiel.json")
    assert response.status_code == 303, text(response)
    assert response.headers["Location"] == "/staff/frameworks/parcours-test"
    page = text(staff.get(response.headers["Location"]))
    assert "« Parcours test », version 1.0, est importé : 2 compétences." in page
    assert "Initié" in page and "pix-crcn:2.1" in page
    assert counts(session) == (before[0] + 1, before[1] + 2)


def test_a_new_version_of_an_existing_framework_is_imported_from_json(staff, session):
    data = framework_io.export_document(frameworks.latest(session, "parcours-decouverte"))
    data["version"] = "1.1"
    data["competencies"][0]["title"] = "Allumer et éteindre un appareil"
    session.rollback()
    response = upload(staff, as_json(data), "decouverte.json")
    assert response.status_code == 303, text(response)
    assert frameworks.versions(session, "parcours-decouverte") == ["1.0", "1.1"]
    page = text(staff.get("/staff/frameworks/parcours-decouverte"))
    assert "Version 1.1" in page and "D-01 Allumer et éteindre un appareil" in page


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_csv_file_is_imported_with_the_framework_fields_of_the_form(staff, session, delimiter):
    response = upload(staff, csv_bytes([HEADER, *GOOD_ROWS], delimiter), "parcours.csv", **META)
    assert response.status_code == 303, text(response)
    session.rollback()
    framework = frameworks.latest(session, "parcours-test")
    assert (framework.kind, framework.profile, framework.version) == ("profile", "initie", "1.0")
    first = framework.competencies[0]
    assert first.criteria == ["Écrit l'objet", "Joint un fichier"]
    assert [(a.target.ref, a.role) for a in first.alignments] == [
        ("pix-crcn:2.1", "principal"),
        ("digcomp:2.1", "secondaire"),
    ]


def test_a_csv_saved_by_excel_in_windows_1252_keeps_its_accents(staff, session):
    response = upload(staff, csv_bytes([HEADER, *GOOD_ROWS]).decode().encode("cp1252"), "excel.csv", **META)
    assert response.status_code == 303, text(response)
    session.rollback()
    assert frameworks.latest(session, "parcours-test").competencies[0].criteria[0] == "Écrit l'objet"


def test_a_csv_with_bad_rows_imports_nothing_and_reports_each_line(staff, session):
    before = counts(session)
    rows = [
        HEADER,
        GOOD_ROWS[0],
        ["pas bon!", "", "", "", "N9", "", ""],
        ["T-03", "Ok", "", "", "", "", "x:1"],
    ]
    response = upload(staff, csv_bytes(rows), "parcours.csv", **META)
    assert response.status_code == 422
    page = text(response)
    assert "Import refusé : rien n’a été importé." in page
    assert "Rapport d’erreurs" in page and "Erreurs, ligne par ligne du fichier CSV" in page
    assert "3 Code code Code attendu" in page
    assert "3 Intitulé title Ce champ est obligatoire." in page
    assert "3 Niveau visé level Valeur attendue : N1, N2, N3, N4." in page
    assert "4 Alignements alignments Alignements inconnus" in page
    assert "Le fichier a 4 erreurs" in page
    # What was typed is kept; the file has to be chosen again (browsers never refill it).
    assert 'value="parcours-test"' in response.get_data(as_text=True)
    assert counts(session) == before


def test_framework_fields_missing_for_a_csv_are_shown_next_to_their_field(staff, session):
    before = counts(session)
    response = upload(staff, csv_bytes([HEADER, *GOOD_ROWS]), "parcours.csv", slug="Pas Bon", version="1.0")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text(response)
    assert "Choisissez le type de référentiel." in page
    assert 'href="#champ-slug"' in html and 'href="#champ-name"' in html
    assert 'id="erreur-kind"' in html and 'aria-describedby="erreur-kind" aria-invalid="true"' in html
    assert "Référentiel Identifiant slug Identifiant attendu" in page
    assert "Le fichier a" not in page
    assert counts(session) == before


def test_a_json_document_with_errors_reports_competences_by_number(staff, session):
    before = counts(session)
    data = document(version="")
    data["competencies"][1]["alignments"] = ["parcours-decouverte:D-01"]
    response = upload(staff, as_json(data), "referentiel.json")
    assert response.status_code == 422
    page = text(response)
    assert "Compétence n°" in page
    assert "Référentiel Version version Ce champ est obligatoire." in page
    assert "2 Alignements alignments Alignements inconnus (référentiel de référence attendu)" in page
    assert counts(session) == before


def test_a_version_already_imported_is_refused(staff, session):
    data = framework_io.export_document(frameworks.latest(session, "pix-crcn"))
    session.rollback()
    response = upload(staff, as_json(data), "pix.json")
    assert response.status_code == 422
    assert "Cette version du référentiel existe déjà." in text(response)


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b" \r\n", "vide.csv", "Le fichier est vide."),
        (b'{"slug": oups}', "referentiel.json", "Le fichier n’est pas un JSON valide (ligne 1, colonne 10)."),
        (b"[" * 100_000, "profond.json", "Le fichier n’est pas un JSON valide"),
        (b'["pas un objet"]', "liste.json", "Le fichier JSON doit décrire un référentiel"),
        ('{"name": "été"}'.encode("latin-1"), "latin.json", "enregistrez-le en UTF-8"),
        (b"\xff\xfec\x00o\x00d\x00e\x00", "utf16.csv", "Caractère nul (NUL)"),
        (b"PK\x03\x04", "classeur.xlsx", "Envoyez un fichier .json ou .csv"),
        (b"code;titre\r\nA;B\r\n", "colonnes.csv", "Colonnes attendues : code, title, area"),
        (b'code;title\r\nA;"' + b"a" * 200_000, "guillemet.csv", "La ligne dépasse 20000 caractères"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(
    staff, session, content, filename, message
):
    before = counts(session)
    response = upload(staff, content, filename, **META)
    assert response.status_code == 422
    assert message in text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert counts(session) == before


def test_a_file_over_1_mb_is_refused(staff, session):
    before = counts(session)
    # Encoded in memory: the test client would spool a big upload to a temporary file it never closes.
    fields = {
        "csrf_token": form_token(staff),
        **META,
        "fichier": FileStorage(io.BytesIO(b"x" * 1_000_001), "gros.csv"),
    }
    boundary, body = encode_multipart(fields)
    response = staff.post(IMPORT, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422
    assert "Le fichier dépasse 1 Mo" in text(response)
    assert counts(session) == before


def test_a_form_sent_without_a_file_asks_for_one(staff):
    response = post(staff, IMPORT, META)
    assert response.status_code == 422
    assert "Fichier : Choisissez un fichier JSON ou CSV." in text(response)


def test_a_file_without_extension_is_read_by_its_content(staff, session):
    response = upload(staff, as_json(document()), "referentiel")
    assert response.status_code == 303, text(response)
    response = upload(staff, csv_bytes([HEADER, *GOOD_ROWS]), "parcours.txt", **{**META, "version": "2.0"})
    assert response.status_code == 303, text(response)
    assert frameworks.versions(session, "parcours-test") == ["1.0", "2.0"]


def test_the_json_export_imports_back_as_a_new_version(staff, session):
    response = staff.get("/staff/frameworks/parcours-decouverte/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="parcours-decouverte-1.0.json"'
    data = json.loads(response.get_data())
    assert data["profile"] == "exclu" and len(data["competencies"]) == 11
    data["version"] = "1.1"
    assert upload(staff, as_json(data), "decouverte.json").status_code == 303
    session.rollback()
    again = framework_io.export_document(frameworks.latest(session, "parcours-decouverte"))
    assert again == data


def test_the_csv_export_imports_back_with_the_framework_fields(staff, session):
    response = staff.get("/staff/frameworks/parcours-decouverte/export.csv?version=1.0")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="parcours-decouverte-1.0.csv"'
    body = response.get_data()
    assert body.startswith("\ufeff".encode()) and b"D-06;Cr\xc3\xa9er une adresse e-mail" in body
    meta = {"slug": "parcours-decouverte", "version": "1.1", "name": "Parcours Découverte", "kind": "profile",
            "profile": "exclu"}  # fmt: skip
    assert upload(staff, body, "parcours-decouverte-1.0.csv", **meta).status_code == 303
    session.rollback()
    before = framework_io.export_document(frameworks.latest(session, "parcours-decouverte", "1.0"))
    after = framework_io.export_document(frameworks.latest(session, "parcours-decouverte", "1.1"))
    assert after["competencies"] == before["competencies"]


def test_the_import_form_is_prefilled_for_a_new_version(staff):
    html = staff.get(f"{IMPORT}?from=parcours-decouverte").get_data(as_text=True)
    assert 'value="parcours-decouverte"' in html
    assert '<option value="exclu" selected>' in html and 'value="1.0"' not in html


def test_an_import_without_the_csrf_token_is_refused(staff, session):
    before = counts(session)
    response = staff.post(IMPORT, data={"fichier": (io.BytesIO(as_json(document())), "referentiel.json")})
    assert response.status_code == 400
    assert counts(session) == before


def test_a_counsellor_cannot_open_the_frameworks(as_role, session):
    counsellor = as_role("counsellor")
    assert counsellor.get("/staff/frameworks").status_code == 403
    assert counsellor.get("/staff/frameworks/pix-crcn/export.json").status_code == 403
    before = counts(session)
    assert upload(counsellor, as_json(document()), "referentiel.json").status_code == 403
    assert counts(session) == before


def test_the_menu_leads_coordinators_and_staff_to_the_frameworks(as_role):
    html = as_role("coordinator").get("/staff/frameworks/pix-crcn").get_data(as_text=True)
    assert '<a href="/staff/frameworks" aria-current="page">Référentiels</a>' in html
