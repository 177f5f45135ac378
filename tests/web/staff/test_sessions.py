"""Sessions kept on the server: sign-out, a password change or reset, and a disabled account end them at once,
in every browser (a copy of the cookie included)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from badges.models import StaffSession
from badges.services.accounts import users
from tests.web.staff.conftest import PASSWORD, post, sign_in, text

NEW = "une toute nouvelle phrase"
PAGES = ["/staff/", "/staff/beneficiaries", "/staff/account"]


def copy_of(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return other


def refused(client) -> bool:
    """Every page asks to sign in again."""
    answers = [client.get(page) for page in PAGES]
    return all(a.status_code == 302 and a.headers["Location"].startswith("/staff/login") for a in answers)


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, world):
    sign_in(client, world.users["staff"])
    copy = copy_of(app, client)
    assert copy.get("/staff/beneficiaries").status_code == 200
    post(client, "/staff/logout")
    assert refused(copy)


def test_logout_ends_only_this_browsers_session(app, client, world):
    other = app.test_client()
    sign_in(client, world.users["staff"])
    sign_in(other, world.users["staff"])
    post(client, "/staff/logout")
    assert other.get("/staff/").status_code == 200


def test_the_cookie_holds_no_account_only_a_session_token(client, session, world):
    sign_in(client, world.users["staff"])
    rows = session.scalars(select(StaffSession)).all()
    assert len(rows) == 1 and rows[0].ended_at is None
    cookie = client.get_cookie("session").value
    assert world.users["staff"].public_id not in cookie


def test_a_second_browsers_session_ends_when_the_password_is_changed_in_the_first(app, client, world):
    second = app.test_client()
    sign_in(client, world.users["staff"])
    sign_in(second, world.users["staff"])
    done = post(client, "/staff/account/password", {"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert done.status_code == 303
    assert client.get("/staff/").status_code == 200  # the browser that changed it goes on
    assert refused(second)


def test_a_password_reset_ends_every_session(app, client, smtp, world):
    elsewhere = app.test_client()
    sign_in(elsewhere, world.users["staff"])
    post(client, "/staff/password/forgot", {"email": world.users["staff"].email})
    link = urlsplit(smtp.link()).path
    assert post(client, link, {"password": NEW, "confirm": NEW}).status_code == 303
    assert client.get("/staff/").status_code == 200
    assert refused(elsewhere)


def test_disabling_by_the_coordination_ends_the_accounts_sessions(app, client, world):
    member, coordination = world.users["staff"], app.test_client()
    sign_in(client, member)
    sign_in(coordination, world.users["coordinator"])
    page = coordination.get(f"/staff/network/{world.issuer.slug}")
    assert f"/staff/accounts/{member.public_id}/disable" in page.get_data(as_text=True)
    response = post(coordination, f"/staff/accounts/{member.public_id}/disable")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/network/{world.issuer.slug}"
    assert "Compte désactivé" in text(coordination.get(response.headers["Location"]))
    assert refused(client)
    again = post(app.test_client(), "/staff/login", {"email": member.email, "password": PASSWORD})
    assert again.status_code == 422


def test_a_counsellor_disabled_goes_back_to_the_agency_page(app, client, world):
    counsellor = world.users["counsellor"]
    sign_in(client, world.users["coordinator"])
    response = post(client, f"/staff/accounts/{counsellor.public_id}/disable")
    assert response.headers["Location"] == f"/staff/agencies/{counsellor.agency.public_id}"


def test_the_coordination_cannot_disable_a_coordinator_or_an_unknown_account(client, world):
    sign_in(client, world.users["coordinator"])
    assert post(client, f"/staff/accounts/{world.users['coordinator'].public_id}/disable").status_code == 404
    assert post(client, "/staff/accounts/inconnu/disable").status_code == 404
    assert client.get("/staff/").status_code == 200


def test_api_tokens_of_a_disabled_account_stop_working(app, client, session, world, now):
    member = session.merge(world.users["staff"])
    token = users.create_token(session, user=member, label="test", now=now)
    session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/awards", headers=bearer).status_code == 200
    sign_in(client, world.users["coordinator"])
    post(client, f"/staff/accounts/{member.public_id}/disable")
    assert app.test_client().get("/api/v1/awards", headers=bearer).status_code == 401
