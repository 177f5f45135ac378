"""Invitations say the truth: without a mail server the coordinator gets the link to hand over, once,
on their own screen, never in a log; with one, the invitation is a job whose state the team list shows."""

from __future__ import annotations

import logging
import re
import socket
from urllib.parse import urlsplit

import pytest

from badges import jobs
from tests.web.staff.conftest import post, sign_in, text

NOTHING_SENT = "Rien n'a été envoyé : aucun serveur d'e-mail n'est configuré. Donnez ce lien à la personne :"
LINK = re.compile(r"http://[^\s<\"]+/staff/invitation/[^\s<\"]+")


@pytest.fixture
def coordinator(client, world):
    sign_in(client, world.users["coordinator"])
    return client


def invitations(world) -> dict[str, tuple[str, dict[str, str]]]:
    """Every screen of the coordination that invites someone: its form's URL and data."""
    agency = world.users["counsellor"].agency
    return {
        "team": (
            f"/staff/network/{world.issuer.slug}/invite",
            {"staff_name": "Inès", "staff_email": "ines@example.org"},
        ),
        "new place": (
            "/staff/network/new",
            {
                "name": "La Mine",
                "slug": "la-mine",
                "url": "https://la-mine.example",
                "email": "bonjour@la-mine.example",
                "department": "94",
                "description": "",
                "staff_name": "Inès",
                "staff_email": "ines@example.org",
            },
        ),
        "counsellor": (
            f"/staff/agencies/{agency.public_id}/invite",
            {"person_name": "Inès", "person_email": "ines@example.org"},
        ),
        "new agency": (
            "/staff/agencies/new",
            {
                "name": "France Travail Ivry",
                "department": "94",
                "person_name": "Inès",
                "person_email": "ines@example.org",
            },
        ),
    }


@pytest.mark.parametrize("screen", ["team", "new place", "counsellor", "new agency"])
def test_without_a_mail_server_the_screen_says_nothing_was_sent_and_gives_the_link(
    client, coordinator, world, screen, caplog
):
    url, data = invitations(world)[screen]
    with caplog.at_level(logging.DEBUG):
        response = post(coordinator, url, data)
        assert response.status_code == 303
        page = coordinator.get(response.headers["Location"])
    said = text(page)
    assert NOTHING_SENT in said and "Invitation envoyée" not in said
    [link] = LINK.findall(page.get_data(as_text=True))
    token = link.rsplit("/", 1)[1]
    assert token not in caplog.text, "the link is never logged"
    again = coordinator.get(response.headers["Location"])
    assert token not in again.get_data(as_text=True), "the link is shown once"
    post(client, "/staff/logout")
    assert "Bienvenue, Inès." in text(client.get(urlsplit(link).path))


def test_with_a_mail_server_the_screen_says_sent_and_shows_no_link(coordinator, world, smtp):
    url, data = invitations(world)["team"]
    page = coordinator.get(post(coordinator, url, data).headers["Location"])
    assert "L'invitation part vers ines@example.org" in text(page) and "Rien n'a été envoyé" not in text(page)
    assert LINK.findall(page.get_data(as_text=True)) == []
    assert LINK.findall(smtp.body())


def test_a_failing_mail_server_shows_the_next_attempt_in_the_list(app, coordinator, world, monkeypatch):
    """The invitation is a job: the screen does not wait for the mail server; the team list says the
    attempt failed and when the next one is, and gives no link (the e-mail is still on its way)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port)
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAY", 600)
    url, data = invitations(world)["counsellor"]
    back = post(coordinator, url, data).headers["Location"]
    assert "L'invitation part vers ines@example.org" in text(coordinator.get(back))
    assert jobs.wait(app)
    said = text(coordinator.get(back))
    assert "Invitation en attente (e-mail : Échec, nouvel essai à " in said
    assert LINK.findall(said) == []


def test_the_forgotten_password_page_says_no_mail_can_leave(client, world):
    response = post(client, "/staff/password/forgot", {"email": world.users["staff"].email})
    said = text(response)
    assert (
        response.status_code == 200
        and "Rien n'a été envoyé : aucun serveur d'e-mail n'est configuré." in said
    )
    assert "Regardez vos e-mails" not in said and "/staff/password/reset/" not in said


def test_the_administrator_prints_a_reset_link(client, runner, world):
    result = runner.invoke(args=["users", "reset-link", "--email", world.users["staff"].email])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://\S+/staff/password/reset/\S+", result.output).group(0)
    assert client.get(urlsplit(link).path).status_code == 200
    unknown = runner.invoke(args=["users", "reset-link", "--email", "personne@example.org"])
    assert unknown.exit_code != 0 and "Compte introuvable" in unknown.output
