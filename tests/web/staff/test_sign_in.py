"""Signing in and out: cookies, session renewal, idle and absolute limits, throttling, CSRF, headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from badges import create_app
from badges.models import LoginAttempt
from tests.web.staff.conftest import PASSWORD, TOKEN, form_token, post, sign_in, text


def attempt(client, email, password="mauvais mot de passe"):
    return post(client, "/staff/login", {"email": email, "password": password})


def test_sign_in_opens_the_home_of_the_role(client, world):
    response = sign_in(client, world.users["staff"])
    assert response.headers["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200
    assert world.issuer.name in text(page)


def test_session_cookie_is_http_only_and_same_site(client, world):
    response = sign_in(client, world.users["staff"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the tests' BASE_URL is http


def test_cookie_is_secure_when_the_base_url_is_https(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": "sqlite://",
            "BASE_URL": "https://badges.example",
            "SECRET_KEY": "s",
            "KEY_PASSPHRASE": "p",
            "KEYS_DIR": str(tmp_path),
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sign_in_renews_the_session_and_its_csrf_token(client, world):
    with client.session_transaction() as stored:
        stored["planted"] = "by someone else"
        stored["csrf"] = TOKEN
    sign_in(client, world.users["staff"])
    with client.session_transaction() as stored:
        first = dict(stored)
    assert "planted" not in first and "csrf" not in first and first["sid"]
    client.post("/staff/logout", data={"csrf_token": form_token(client)})
    sign_in(client, world.users["staff"])
    with client.session_transaction() as stored:
        assert stored["sid"] != first["sid"]


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", PASSWORD, "Indiquez votre adresse e-mail."),
        ("{email}", "", "Indiquez votre mot de passe."),
        ("{email}", "mauvais mot de passe", "Adresse e-mail ou mot de passe incorrect."),
        ("personne@example.org", PASSWORD, "Adresse e-mail ou mot de passe incorrect."),
    ],
)
def test_bad_credentials_get_a_precise_french_message(client, world, email, password, message):
    response = attempt(client, email.format(email=world.users["staff"].email), password)
    assert response.status_code == 422
    assert message in text(response)
    assert client.get("/staff/").status_code == 302


def test_disabled_account_cannot_sign_in(client, session, world):
    user = session.merge(world.users["staff"])
    user.is_active = False
    session.commit()
    response = attempt(client, user.email, PASSWORD)
    assert response.status_code == 422 and "incorrect" in text(response)


def test_five_failures_block_the_account_for_fifteen_minutes(app, client, session, world, now):
    email = world.users["staff"].email
    for _ in range(5):
        assert attempt(client, email).status_code == 422
    blocked = attempt(client, email, PASSWORD)
    assert blocked.status_code == 429
    assert "Attendez 15 minutes" in text(blocked)
    app.config["CLOCK"].frozen = now + timedelta(minutes=16)
    assert attempt(client, email, PASSWORD).status_code == 303


def test_failures_are_counted_in_the_database_and_cleared_by_a_success(client, session, world):
    email = world.users["staff"].email
    for _ in range(3):
        attempt(client, email)
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 3
    sign_in(client, world.users["staff"])
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_twenty_failures_from_one_address_block_every_account(client, world):
    for n in range(20):
        assert attempt(client, f"essai{n}@example.org").status_code == 422
    assert attempt(client, world.users["coordinator"].email, PASSWORD).status_code == 429


def test_sign_in_goes_back_to_the_page_asked_for(client, world):
    first = client.get("/staff/awards?status=valide")
    assert first.status_code == 302
    assert first.headers["Location"] == "/staff/login?next=/staff/awards?status%3Dvalide"
    response = post(
        client,
        "/staff/login",
        {"email": world.users["staff"].email, "password": PASSWORD, "next": "/staff/awards?status=valide"},
    )
    assert response.headers["Location"] == "/staff/awards?status=valide"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/staff/", "/public", "/staff\\..\\x"]
)
def test_sign_in_never_redirects_outside_the_staff_pages(client, world, target):
    response = post(
        client, "/staff/login", {"email": world.users["staff"].email, "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/staff/"


def test_logout_ends_the_session(client, world):
    sign_in(client, world.users["staff"])
    assert client.get("/staff/logout").status_code == 405
    response = post(client, "/staff/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/login"
    assert client.get("/staff/").status_code == 302
    assert "Vous êtes déconnecté(e)." in text(client.get("/staff/login"))


def test_an_idle_session_ends_after_an_hour(app, client, world, now):
    sign_in(client, world.users["staff"])
    app.config["CLOCK"].frozen = now + timedelta(minutes=59)
    assert client.get("/staff/").status_code == 200
    app.config["CLOCK"].frozen = now + timedelta(minutes=59 + 61)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "Votre session a pris fin" in text(client.get(response.headers["Location"]))


def test_an_active_session_still_ends_after_twelve_hours(app, client, world, now):
    sign_in(client, world.users["staff"])
    for minutes in range(30, 12 * 60, 30):
        app.config["CLOCK"].frozen = now + timedelta(minutes=minutes)
        assert client.get("/staff/").status_code == 200
    app.config["CLOCK"].frozen = now + timedelta(hours=12, minutes=1)
    assert client.get("/staff/").status_code == 302


def test_a_form_without_the_csrf_token_changes_nothing(client, session, world):
    sign_in(client, world.users["staff"])
    url = f"/staff/awards/{world.award.public_id}/revoke"
    for data in ({}, {"csrf_token": "autre chose"}, {"csrf_token": "é"}):
        response = client.post(url, data={"reason": "Erreur", "confirm": "yes", **data})
        assert response.status_code == 400
        assert "rien n'a été enregistré" in text(response)
    session.refresh(world.award)
    assert world.award.revoked_at is None


def test_the_csrf_token_may_come_in_a_header(client, world):
    sign_in(client, world.users["staff"])
    response = client.post("/staff/logout", headers={"X-CSRF-Token": form_token(client)})
    assert response.status_code == 303


def test_sign_in_form_is_protected_against_csrf_too(client, world):
    data = {"email": world.users["staff"].email, "password": PASSWORD}
    assert client.post("/staff/login", data=data).status_code == 400


def test_pages_are_rendered_with_a_token_in_every_form(client, world):
    page = client.get("/staff/login").get_data(as_text=True)
    with client.session_transaction() as stored:
        assert f'name="csrf_token" value="{stored["csrf"]}"' in page


def test_staff_pages_are_never_cached_nor_framed(client, world):
    sign_in(client, world.users["staff"])
    response = client.get("/staff/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_view_without_an_access_rule_is_refused(tmp_path):
    app = create_app(
        {"DATABASE_URL": "sqlite://", "SECRET_KEY": "s", "KEY_PASSPHRASE": "p", "KEYS_DIR": str(tmp_path)}
    )
    app.add_url_rule("/staff/oubli", endpoint="staff.oubli", view_func=lambda: "données")
    response = app.test_client().get("/staff/oubli")
    assert response.status_code == 403


def test_every_role_reaches_its_account_page_and_changes_its_password(client, session, world):
    sign_in(client, world.users["counsellor"])
    bad = post(
        client, "/staff/account/password", {"current": "faux", "password": "x" * 12, "confirm": "x" * 12}
    )
    assert bad.status_code == 422 and "Le mot de passe actuel est incorrect." in text(bad)
    short = post(
        client, "/staff/account/password", {"current": PASSWORD, "password": "court", "confirm": "court"}
    )
    assert "au moins 12 caractères" in text(short)
    new = "une phrase de passe assez longue"
    done = post(client, "/staff/account/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert done.status_code == 303
    assert client.get("/staff/account").status_code == 200  # this session goes on
    post(client, "/staff/logout")
    assert attempt(client, world.users["counsellor"].email, new).status_code == 303
