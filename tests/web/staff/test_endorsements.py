"""The endorsement screen (coordination, counsellors), the class page's note, the badge page's line."""

from __future__ import annotations

import flask_babel

from badges.models import Endorsement
from badges.services.programme import badge_classes
from tests.factories import count_committed
from tests.web.staff.conftest import post, sign_in

PAGE = "/staff/endorsements"


def test_a_counsellor_endorses_a_badge_and_its_page_says_it_in_one_line(app, client, session, world):
    sign_in(client, world.users["counsellor"])
    badge = world.award.badge_class
    page = client.get(PAGE).get_data(as_text=True)
    assert f"badge_class:{badge.public_id}" in page
    sent = post(
        client, PAGE, {"target": f"badge_class:{badge.public_id}", "comment": "L'agence reconnaît ce badge."}
    )
    assert sent.status_code == 303
    assert "La recommandation est signée et publiée." in client.get(PAGE).get_data(as_text=True)
    agency = world.users["counsellor"].agency.name
    shown = client.get(f"/credentials/{world.award.public_id}", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    assert "Recommandé par" in shown and agency in shown
    # The test's session keeps one application context, where Flask-Babel caches the first request's locale.
    flask_babel.refresh()
    english = (
        app.test_client()
        .get(f"/credentials/{world.award.public_id}?lang=en", headers={"Accept": "text/html"})
        .get_data(as_text=True)
    )
    assert "Endorsed by" in english


def test_an_empty_or_too_long_phrase_is_refused_in_french_and_nothing_is_stored(client, session, world):
    sign_in(client, world.users["coordinator"])
    badge = world.award.badge_class
    for comment in ("", "x" * 281):
        refused = post(client, PAGE, {"target": f"badge_class:{badge.public_id}", "comment": comment})
        assert refused.status_code == 422
    refused = post(client, PAGE, {"target": "", "comment": "Bien."})
    assert refused.status_code == 422
    assert count_committed(session, Endorsement) == 0


def test_the_class_page_says_the_new_revision_is_not_endorsed_yet(client, session, world):
    sign_in(client, world.users["coordinator"])
    badge = world.award.badge_class
    post(
        client, PAGE, {"target": f"badge_class:{badge.public_id}", "comment": "Le réseau reconnaît ce badge."}
    )
    client.get("/staff/logout")
    staff = client
    sign_in(staff, world.users["staff"])
    url = f"/staff/badge-classes/{badge.public_id}"
    assert "pas encore recommandée" not in staff.get(url).get_data(as_text=True)
    found = session.merge(badge)
    badge_classes.update_badge_class(
        session, badge=found, data={"name": "Écrire un courriel"}, now=found.updated_at
    )
    session.commit()
    shown = staff.get(url).get_data(as_text=True)
    assert (
        "La nouvelle version n'est pas encore recommandée" in shown
        or "n&#39;est pas encore recommandée" in shown
    )
    assert "Recommandé par : Coordination du réseau des tiers-lieux" in shown
