"""The programme import and export screens (issue 14): staff for their tiers-lieu, coordinators for any."""

from __future__ import annotations

import io

from badges import jobs
from badges.models import Pathway
from badges.services.programme import programme_io
from tests.web.staff.conftest import post, text

HEADER = ";".join(programme_io.COLUMNS)


def upload(client, url, body: bytes, name="programme.csv"):
    return post(client, url, {"fichier": (io.BytesIO(body), name)}, content_type="multipart/form-data")


def test_staff_import_a_file_then_export_it(staff, world, session, app):
    before = session.query(Pathway).count()
    body = f"{HEADER}\nImport;court;hybride_creatif;2026-03-02;;;;;;;;\n".encode()
    response = upload(staff, "/staff/programme/import", body)
    assert response.status_code == 303, text(response)
    assert jobs.wait(app)  # the job creates the pathways (jobs/imports.py)
    session.rollback()
    assert session.query(Pathway).count() == before + 1
    exported = staff.get("/staff/programme/export.csv").get_data(as_text=True)
    assert "Import;court;hybride_creatif;2026-03-02;;5000" in exported
    xlsx = staff.get("/staff/programme/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"


def test_a_refused_file_lists_each_row_in_french_and_imports_nothing(staff, world, session):
    before = session.query(Pathway).count()
    body = f"{HEADER}\nImport;moyen;hybride_creatif;2026-03-02;;dix;;;;;;\n".encode()
    response = upload(staff, "/staff/programme/import", body)
    assert response.status_code == 422
    page = text(response)
    assert "Import refusé : rien n’a été enregistré" in page and "Valeur attendue : court, long" in page
    assert "Indiquez le budget en euros" in page
    assert session.query(Pathway).count() == before


def test_a_coordinator_imports_for_a_tiers_lieu(as_role, world, session, app):
    coordinator = as_role("coordinator")
    body = f"{HEADER}\nRéseau;long;professionnalisation;2026-03-02;;;;;;;;\n".encode()
    url = f"/staff/network/{world.other_issuer.slug}/programme/import"
    response = upload(coordinator, url, body)
    assert response.status_code == 303
    assert jobs.wait(app)
    page = text(coordinator.get(response.headers["Location"]))
    assert "Import terminé : 1 parcours importé. 1 ligne du fichier." in page
    session.rollback()
    found = session.query(Pathway).filter_by(title="Réseau").one()
    assert found.issuer_id == world.other_issuer.id and found.budget_euros == 10000
