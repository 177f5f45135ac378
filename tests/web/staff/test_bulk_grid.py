"""A grid save making more awards due than BADGES_INLINE_AWARDS_MAX: the awards are signed by the
workers (a bulk job fanned out into chunks), and the page that saved shows the progress, then the badges."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from badges import jobs
from badges.models import Beneficiary, Credential, Job
from tests.factories import count_committed
from tests.web.staff import test_programme
from tests.web.staff.conftest import post, text
from tests.web.staff.test_programme import D06, D07, cell

staff = test_programme.staff
group = test_programme.group


@pytest.fixture
def inline_max_one(app):
    before = app.config["INLINE_AWARDS_MAX"], app.config["AWARD_CHUNK"]
    app.config["INLINE_AWARDS_MAX"], app.config["AWARD_CHUNK"] = 1, 2
    yield
    app.config["INLINE_AWARDS_MAX"], app.config["AWARD_CHUNK"] = before


def test_a_big_grid_is_signed_by_the_workers_and_its_page_shows_the_progress(
    staff, world, group, session, inline_max_one, app
):
    people = session.scalars(select(Beneficiary).where(Beneficiary.issuer_id == world.issuer.id)).all()
    data = {"moment": "apres", "method": "mise_en_situation"}
    data.update({cell(p, ref): "N2" for p in people for ref in (D06, D07)})
    response = post(staff, group, data, follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert "Badges en cours de signature" in page and "sur 3 signés" in page, page
    assert "Actualiser l’avancement" in page
    assert jobs.wait(app)
    session.rollback()  # a fresh snapshot: what the workers committed
    bulk = session.scalars(select(Job).where(Job.kind == "bulk-issue").order_by(Job.id.desc())).first()
    chunks = session.scalars(select(Job).where(Job.kind == "bulk-issue-chunk")).all()
    assert len(chunks) == 2 and all(c.state == "done" for c in chunks)  # 3 awards, chunks of 2
    progress = staff.get(f"/staff/bulk/{bulk.id}/progress").get_json()
    assert progress["done"] == progress["total"] == 3 and progress["state"] == "done"
    assert progress["text"] == "3 badges sur 3 signés."
    done = text(staff.get(f"/staff/bulk/{bulk.id}"))
    assert "Terminé." in done and done.count("Mes premiers e-mails") == 3
    assert count_committed(session, Credential) == 1 + 3


def test_a_small_grid_still_issues_in_the_request(staff, world, group, session):
    people = session.scalars(select(Beneficiary).where(Beneficiary.issuer_id == world.issuer.id)).all()
    data = {"moment": "apres", "method": "mise_en_situation"}
    data.update({cell(p, ref): "N2" for p in people for ref in (D06, D07)})
    page = text(post(staff, group, data, follow_redirects=True))
    assert "3 badges délivrés" in page and "Badges en cours de signature" not in page
    assert count_committed(session, Credential) == 1 + 3
