"""Imports in Chromium: a beneficiary file sent from its page is stored by a job and the page that follows
shows the result; a long import's page updates its progress in place (js/bulk.js), then shows the result;
no axe-core violation, and it fits a 360 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from badges.jobs import imports
from badges.models import Job
from badges.models.job import DONE, RUNNING
from tests.browser.test_programme_pages import Place, place, sign_in  # noqa: F401 (a fixture)
from tests.browser.test_staff_pages import check

pytestmark = pytest.mark.browser


def test_a_file_sent_from_the_import_page_is_stored_by_a_job(page, place, tmp_path):  # noqa: F811
    sign_in(page, place, "staff")
    page.goto(place.base + "/staff/beneficiaries/import")
    file = tmp_path / "personnes.csv"
    file.write_text("prenom_ou_alias;accord\nNadia;oui\nOmar;non\n", encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(str(file))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("Import terminé : 2 personnes importées.")).to_be_visible()
    check(page, "import-termine")
    page.get_by_role("link", name="Voir les personnes importées").click()
    expect(page.get_by_role("link", name="Nadia")).to_be_visible()


def test_a_long_import_updates_its_progress_in_place(page, place, session, now):  # noqa: F811
    job = Job(kind=imports.PROGRAMME, key="programme-import:browser", state=RUNNING, created_at=now,
              updated_at=now, payload={"issuer": place.issuer.id, "items": 40}, progress_done=1200,
              progress_total=5000)  # fmt: skip
    session.add(job)
    session.commit()
    sign_in(page, place, "staff")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{place.base}/staff/imports/{job.id}")
    expect(page.get_by_role("status")).to_contain_text("Import en cours : 1\u202f200 / 5\u202f000 lignes")
    check(page, "import-en-cours")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.evaluate("window.stillTheSamePage = true")
    job.progress_done = 2500
    session.commit()
    expect(page.get_by_role("status")).to_contain_text("Import en cours : 2\u202f500 / 5\u202f000 lignes")
    assert page.evaluate("window.stillTheSamePage === true")  # updated without a reload
    job.state, job.progress_done, job.progress_total = DONE, 5000, 5000
    session.commit()
    expect(
        page.get_by_text("Import terminé : 40 parcours importés. 5\u202f000 lignes du fichier.")
    ).to_be_visible()
