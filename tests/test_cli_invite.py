"""`badges users invite`: an account waiting for its password, and the link printed (and e-mailed)."""

from __future__ import annotations

import re

from sqlalchemy import select

from badges.models import User
from tests.factories import make_agency, make_issuer
from tests.mailbox import running_smtp


def invite(runner, *extra):
    return runner.invoke(args=["users", "invite", "--email", "ines@example.org", "--name", "Inès", *extra])


def test_invite_a_staff_member_prints_a_working_link(runner, client, session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    session.commit()
    result = invite(runner, "--issuer", issuer.slug, "--no-send")
    assert result.exit_code == 0, result.output
    url = re.search(r"(http://\S+/staff/invitation/\S+)", result.output).group(1)
    assert url.startswith(links.base + "/staff/invitation/")
    assert "Invitation prête pour ines@example.org." in result.output
    user = session.scalars(select(User).where(User.email == "ines@example.org")).one()
    assert user.issuer_id == issuer.id and user.password_hash is None
    assert client.get(url.removeprefix(links.base)).status_code == 200


def test_invite_without_a_mail_server_says_nothing_was_sent(runner, session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    session.commit()
    result = invite(runner, "--issuer", issuer.slug)
    assert result.exit_code == 0, result.output
    assert re.search(r"http://\S+/staff/invitation/\S+", result.output)
    assert "envoyée" not in result.output
    nothing_sent = "Rien n'a été envoyé à ines@example.org : aucun serveur d'e-mail n'est configuré"
    assert nothing_sent in result.output
    assert "Donnez ce lien à la personne (ci-dessus)." in result.output


def test_invite_with_a_mail_server_sends_the_link(app, runner, session, keyring, links, now, monkeypatch):
    issuer = make_issuer(session, keyring, links, now)
    session.commit()
    with running_smtp() as box:
        monkeypatch.setitem(app.config, "SMTP_HOST", box.host)
        monkeypatch.setitem(app.config, "SMTP_PORT", box.port)
        result = invite(runner, "--issuer", issuer.slug)
    assert result.exit_code == 0, result.output
    assert "Invitation envoyée à ines@example.org." in result.output
    url = re.search(r"(http://\S+/staff/invitation/\S+)", result.output).group(1)
    [message] = box.received
    assert message["To"] == "ines@example.org" and url in message.get_body(("plain",)).get_content()


def test_invite_a_counsellor_needs_a_known_agency(runner, session, now):
    agency = make_agency(session, now)
    session.commit()
    missing = invite(runner, "--role", "counsellor", "--no-send")
    assert missing.exit_code != 0 and "agence" in missing.output
    unknown = invite(runner, "--role", "counsellor", "--agency", "inconnue", "--no-send")
    assert unknown.exit_code != 0 and "Agence inconnue." in unknown.output
    done = invite(runner, "--role", "counsellor", "--agency", agency.public_id, "--no-send")
    assert done.exit_code == 0, done.output


def test_invite_reports_bad_input_and_writes_nothing(runner, session):
    result = runner.invoke(args=["users", "invite", "--email", "nope", "--name", "X", "--issuer", "inconnu"])
    assert result.exit_code != 0 and "Tiers-lieu introuvable." in result.output
    bad = runner.invoke(args=["users", "invite", "--email", "nope", "--name", "", "--role", "coordinator"])
    assert bad.exit_code != 0 and "email" in bad.output and "name" in bad.output
    assert session.scalars(select(User)).all() == []
