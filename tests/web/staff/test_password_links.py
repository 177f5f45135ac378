"""Forgotten passwords and invitations: real e-mails through SMTP, single-use and time-limited links."""

from __future__ import annotations

import socket
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from badges import jobs
from badges.models import User
from badges.services.accounts import staff_accounts
from tests.web.staff.conftest import PASSWORD, post, sign_in, text

NEW = "une toute nouvelle phrase"


def ask_reset(client, email):
    return post(client, "/staff/password/forgot", {"email": email})


def path(url):
    return urlsplit(url).path


def choose(client, url, password=NEW, confirm=NEW):
    return post(client, path(url), {"password": password, "confirm": confirm})


def test_a_reset_link_arrives_by_smtp_and_signs_in_with_the_new_password(client, smtp, world):
    user = world.users["staff"]
    response = ask_reset(client, user.email.upper())
    assert response.status_code == 200 and "Regardez vos e-mails" in text(response)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == user.email and message["Subject"] == "Choisir un nouveau mot de passe"
    assert "pendant 60 minutes" in smtp.body()
    link = smtp.link()
    form = client.get(path(link))
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    done = choose(client, link)
    assert done.status_code == 303 and client.get("/staff/").status_code == 200
    post(client, "/staff/logout")
    assert post(client, "/staff/login", {"email": user.email, "password": PASSWORD}).status_code == 422
    assert post(client, "/staff/login", {"email": user.email, "password": NEW}).status_code == 303


def test_a_reset_link_serves_once(client, smtp, world):
    ask_reset(client, world.users["staff"].email)
    link = smtp.link()
    assert choose(client, link).status_code == 303
    again = client.get(path(link))
    assert again.status_code == 400 and "Ce lien a déjà servi." in text(again)
    assert choose(client, link, "encore une autre phrase", "encore une autre phrase").status_code == 400


def test_the_same_page_answers_for_an_unknown_address_and_no_mail_leaves(client, smtp, world):
    response = ask_reset(client, "personne@example.org")
    assert response.status_code == 200 and "Si un compte existe pour personne@example.org" in text(response)
    assert smtp.messages == []


def test_a_reset_request_needs_a_valid_address(client, smtp):
    assert "Indiquez l'adresse e-mail" in text(ask_reset(client, ""))
    bad = ask_reset(client, "pas-une-adresse")
    assert bad.status_code == 422 and "Adresse e-mail invalide" in text(bad)
    assert smtp.messages == []


def test_reset_requests_are_throttled(client, smtp, world):
    for _ in range(3):
        assert ask_reset(client, world.users["staff"].email).status_code == 200
    blocked = ask_reset(client, world.users["staff"].email)
    assert blocked.status_code == 429 and "Trop de demandes" in text(blocked)
    assert len(smtp.messages) == 3


def test_a_reset_link_expires_after_an_hour(app, client, smtp, world, now):
    ask_reset(client, world.users["staff"].email)
    link = smtp.link()  # sent at once, made at the time of the request
    app.config["CLOCK"].frozen = now + timedelta(minutes=61)
    response = client.get(path(link))
    assert response.status_code == 400 and "Ce lien a expiré." in text(response)


def test_a_tampered_link_is_refused(client, smtp, world):
    ask_reset(client, world.users["staff"].email)
    link = path(smtp.link())
    response = client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert response.status_code == 400 and "Ce lien n'est pas valable" in text(response)


def test_a_reset_link_is_not_an_invitation(app, client, world, now):
    token = staff_accounts.link_token(
        app.config["SECRET_KEY"], user=world.users["staff"], purpose=staff_accounts.RESET, now=now
    )
    assert client.get(f"/staff/invitation/{token}").status_code == 400


def test_a_bad_new_password_changes_nothing(client, session, smtp, world):
    ask_reset(client, world.users["staff"].email)
    link = smtp.link()
    different = choose(client, link, NEW, NEW + "!")
    assert different.status_code == 422 and "Les deux mots de passe ne sont pas identiques." in text(
        different
    )
    short = choose(client, link, "court", "court")
    assert "au moins 12 caractères" in text(short)
    same_as_email = choose(client, link, world.users["staff"].email, world.users["staff"].email)
    assert "ne peut pas être votre adresse e-mail" in text(same_as_email)
    assert choose(client, link).status_code == 303  # the link still works: nothing was used up


def test_an_invitation_by_the_coordination_activates_a_new_account(client, session, smtp, world):
    sign_in(client, world.users["coordinator"])
    slug = world.other_issuer.slug
    response = post(
        client, f"/staff/network/{slug}/invite", {"staff_name": "Inès", "staff_email": "ines@example.org"}
    )
    assert response.status_code == 303
    assert "L'invitation part vers ines@example.org" in text(client.get(response.headers["Location"]))
    assert "Invitation en attente" in text(client.get(f"/staff/network/{slug}"))
    assert smtp.messages[0]["Subject"] == "Invitation à Badges des tiers-lieux"
    assert world.other_issuer.name in smtp.body() and "pendant 7 jours" in smtp.body()
    post(client, "/staff/logout")
    link = smtp.link()
    page = client.get(path(link))
    assert "Bienvenue, Inès." in text(page)
    assert choose(client, link).status_code == 303
    assert world.other_issuer.name in text(client.get("/staff/"))
    assert client.get(path(link)).status_code == 400


def test_an_invitation_expires_after_seven_days(app, client, smtp, world, now, runner):
    result = runner.invoke(
        args=[
            "users",
            "invite",
            "--email",
            "tard@example.org",
            "--name",
            "Tard",
            "--issuer",
            world.issuer.slug,
        ]
    )
    assert result.exit_code == 0, result.output
    app.config["CLOCK"].frozen = now + timedelta(days=7, minutes=1)
    response = client.get(path(smtp.link()))
    assert response.status_code == 400 and "Ce lien a expiré." in text(response)


def test_an_unreachable_mail_server_keeps_the_account_waiting(app, client, session, world, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port)
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAY", 600)
    sign_in(client, world.users["coordinator"])
    data = {"staff_name": "Inès", "staff_email": "ines@example.org"}
    response = post(client, f"/staff/network/{world.issuer.slug}/invite", data, follow_redirects=True)
    assert "L'invitation part vers ines@example.org" in text(response)
    assert jobs.wait(app)
    said = text(client.get(f"/staff/network/{world.issuer.slug}"))
    assert (
        "Invitation en attente (e-mail : Échec, nouvel essai à " in said and "/staff/invitation/" not in said
    )
    user = session.scalars(select(User).where(User.email == "ines@example.org")).one()
    assert user.password_hash is None and user.issuer_id == world.issuer.id


def test_inviting_again_sends_a_new_link_to_the_same_account(client, session, smtp, world):
    sign_in(client, world.users["coordinator"])
    data = {"staff_name": "Inès", "staff_email": "ines@example.org"}
    url = f"/staff/network/{world.issuer.slug}/invite"
    assert post(client, url, data).status_code == 303
    assert post(client, url, data).status_code == 303
    assert len(smtp.messages) == 2
    assert len(session.scalars(select(User).where(User.email == "ines@example.org")).all()) == 1


def test_an_invitation_to_an_existing_account_is_refused(client, smtp, world):
    sign_in(client, world.users["coordinator"])
    data = {"staff_name": "X", "staff_email": world.users["staff"].email}
    response = post(client, f"/staff/network/{world.other_issuer.slug}/invite", data)
    assert response.status_code == 422 and "Un compte existe déjà avec cette adresse." in text(response)
    empty = post(client, f"/staff/network/{world.other_issuer.slug}/invite", {})
    assert "Ce champ est obligatoire." in text(empty)
    assert smtp.messages == []
