"""An import checked in the request and stored by a job (jobs/imports.py, web/staff/imports.py): the page
that started it shows the progress ("Import en cours : 1 200 / 5 000 lignes"), then the result, or where
it stopped and when it is tried again; the same as JSON for its script; never to another tiers-lieu."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from badges import jobs
from badges.jobs import imports
from badges.models import Beneficiary, ImportItem, Job
from badges.models.job import FAILED, RETRYING, RUNNING
from tests.factories import count_committed
from tests.web.staff.conftest import post, text

PEOPLE = b"prenom_ou_alias;email;accord\r\nNadia;nadia@example.org;oui\r\nOmar;;non\r\nZo\xc3\xa9;;oui\r\n"


@pytest.fixture
def staff(as_role):
    return as_role("staff")


def one_line(page: str) -> str:
    """The page's text with every kind of space as one plain space (French groups digits with U+202F)."""
    return " ".join(page.replace("\u202f", " ").replace("\xa0", " ").split())


def import_job(session, world, now, **values) -> int:
    job = Job(kind=imports.PROGRAMME, key=f"programme-import:test:{values.get('state')}", created_at=now,
              updated_at=now, payload={"issuer": world.issuer.id, "items": 40, **values.pop("payload", {})},
              progress_total=5000, **values)  # fmt: skip
    session.add(job)
    session.commit()
    return job.id


def test_a_file_is_checked_then_stored_by_a_job_and_the_page_shows_the_result(staff, world, session, app):
    before = count_committed(session, Beneficiary)
    response = post(staff, "/staff/beneficiaries/import", {"fichier": (io.BytesIO(PEOPLE), "p.csv")})
    assert response.status_code == 303, text(response)
    page_url = response.headers["Location"]
    job_id = int(page_url.rsplit("/", 1)[1])
    assert jobs.wait(app)
    page = text(staff.get(page_url))
    assert "Le fichier est vérifié : l’import commence." in page
    assert "Import terminé : 3 personnes importées." in page and "Voir les personnes importées" in page
    assert staff.get(f"{page_url}/progress").get_json() == {
        "done": 3, "total": 3, "state": "done", "text": "Import terminé : 3 personnes importées.",
        "page": page_url,
    }  # fmt: skip
    assert count_committed(session, Beneficiary) == before + 3
    names = session.scalars(select(Beneficiary.display_name).order_by(Beneficiary.id)).all()[-3:]
    assert names == ["Nadia", "Omar", "Zoé"]
    left = session.scalars(select(ImportItem).where(ImportItem.job_id == job_id)).all()
    assert left == []  # the staged personal data is gone with the job done


def test_a_running_import_shows_its_progress_and_a_refresh_link(staff, world, session, now):
    job_id = import_job(session, world, now, state=RUNNING, progress_done=1200)
    page = one_line(text(staff.get(f"/staff/imports/{job_id}")))
    assert "Import en cours : 1 200 / 5 000 lignes" in page and "Actualiser l’avancement" in page
    raw = staff.get(f"/staff/imports/{job_id}").get_data(as_text=True)
    assert f'data-progress-url="/staff/imports/{job_id}/progress"' in raw and "js/bulk.js" in raw
    found = staff.get(f"/staff/imports/{job_id}/progress").get_json()
    assert (found["done"], found["total"], found["state"]) == (1200, 5000, RUNNING)
    assert one_line(found["text"]) == "Import en cours : 1 200 / 5 000 lignes"


def test_a_stopped_import_says_the_line_the_rows_kept_and_the_next_try(staff, world, session, now):
    job_id = import_job(session, world, now, state=RETRYING, progress_done=1200, attempts=1, max_attempts=6,
                        last_error=imports.CHANGED.code, next_attempt_at=now + timedelta(minutes=5),
                        payload={"stopped_at": 1203})  # fmt: skip
    page = one_line(text(staff.get(f"/staff/imports/{job_id}")))
    assert "L’import s’est arrêté ligne 1 203 : 1 200 lignes sur 5 000 sont importées." in page
    assert "Une ligne ne correspond plus aux données du tiers-lieu" in page
    assert "Nouvel essai à 11 h 05." in page  # 10:05 UTC, in Paris
    job = session.get(Job, job_id)
    job.state, job.next_attempt_at = FAILED, None
    session.commit()
    page = one_line(text(staff.get(f"/staff/imports/{job_id}")))
    assert "Échec définitif : corrigez les données, puis importez les lignes qui restent." in page
    assert "Nouvel essai" not in page
    assert staff.get(f"/staff/imports/{job_id}/progress").get_json()["state"] == FAILED


def test_staff_of_another_tiers_lieu_never_see_an_import_job(as_role, world, session, now):
    job_id = import_job(session, world, now, state=RUNNING, progress_done=10)
    other = as_role("other_staff")
    assert other.get(f"/staff/imports/{job_id}").status_code == 404
    assert other.get(f"/staff/imports/{job_id}/progress").status_code == 404
    assert as_role("staff").get(f"/staff/imports/{job_id}/progress").status_code == 200
    assert as_role("coordinator").get(f"/staff/imports/{job_id}").status_code == 200
    assert as_role("staff").get(f"/staff/imports/{world.bulk_id}").status_code == 404  # not an import


def test_the_page_speaks_english_too(staff, world, session, now):
    job_id = import_job(session, world, now, state=RUNNING, progress_done=1200)
    page = one_line(text(staff.get(f"/staff/imports/{job_id}?lang=en")))
    assert "Import in progress: 1,200 / 5,000 lines" in page
