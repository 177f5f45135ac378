"""E-mail to a real SMTP server that asks for TLS (STARTTLS or SMTPS) and a login; settings that cannot
work, or would send a password in clear, stop the service at start."""

from __future__ import annotations

import pytest

from badges import create_app
from badges.services.shared import mail
from tests.mailbox import running_smtp

ACCOUNT = ("badges", "s3cret relay password")
EMAIL = mail.Email(to="awa@example.org", subject="Votre badge", text="Bonjour Awa", html="<p>Bonjour Awa</p>")


def settings(box, pki, **changes) -> mail.MailSettings:
    values = {"host": box.host, "port": box.port, "sender": "badges@tiers-lieu.example", "timeout": 5.0,
              "security": "starttls", "user": ACCOUNT[0], "password": ACCOUNT[1],
              "ca_file": pki.ca_file}  # fmt: skip
    values.update(changes)
    return mail.MailSettings(**values)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_login_over_tls_delivers_the_message(pki, mode):
    with running_smtp(pki=pki, mode=mode, account=ACCOUNT) as box:
        mail.send(settings(box, pki, security=mode), EMAIL)
    (message,) = box.received
    assert message["To"] == "awa@example.org" and box.logins == ["badges"]


def test_starttls_without_a_login_reaches_a_relay_that_requires_tls(pki):
    with running_smtp(pki=pki, mode="starttls") as box:
        mail.send(settings(box, pki, user=None, password=None), EMAIL)
    assert len(box.received) == 1 and box.logins == [None]


def test_a_refused_password_is_a_french_error_and_nothing_is_sent(pki, caplog):
    with (
        running_smtp(pki=pki, mode="starttls", account=ACCOUNT) as box,
        pytest.raises(mail.MailError) as raised,
    ):
        mail.send(settings(box, pki, password="wrong"), EMAIL)
    assert "refuse l'identifiant de ce service" in raised.value.message
    assert box.received == [] and "wrong" not in caplog.text


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_certificate_not_signed_by_a_trusted_ca_is_refused(pki, mode):
    with running_smtp(pki=pki, mode=mode, account=ACCOUNT) as box, pytest.raises(mail.MailError) as raised:
        mail.send(settings(box, pki, security=mode, ca_file=None), EMAIL)
    assert "la connexion sécurisée au serveur d'e-mail a échoué" in raised.value.message
    assert box.received == []


def test_a_certificate_for_another_name_is_refused(pki):
    """The certificate names 127.0.0.1 and issuer.test: reached as localhost, the name does not match."""
    with running_smtp(pki=pki, mode="starttls", account=ACCOUNT) as box, pytest.raises(mail.MailError):
        mail.send(settings(box, pki, host="localhost"), EMAIL)
    assert box.received == []


def test_a_server_without_starttls_gets_nothing_not_even_in_clear(pki):
    with running_smtp() as box, pytest.raises(mail.MailError):
        mail.send(settings(box, pki), EMAIL)
    assert box.received == []


def test_the_app_reads_the_smtp_settings_from_the_environment(tmp_path, monkeypatch, pki):
    monkeypatch.setenv("BADGES_SMTP_SECURITY", "STARTTLS")
    monkeypatch.setenv("BADGES_SMTP_USER", ACCOUNT[0])
    monkeypatch.setenv("BADGES_SMTP_PASSWORD", ACCOUNT[1])
    monkeypatch.setenv("BADGES_SMTP_CA_FILE", pki.ca_file)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SMTP_HOST": "127.0.0.1"})
    found = mail.settings_from(app.config)
    assert (found.security, found.user, found.password, found.ca_file) == ("starttls", *ACCOUNT, pki.ca_file)
    assert ACCOUNT[1] not in repr(found)


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"SMTP_SECURITY": "ssl"}, "BADGES_SMTP_SECURITY must be one of none, starttls, tls, not 'ssl'"),
        ({"SMTP_USER": "badges", "SMTP_PASSWORD": "x"}, "needs BADGES_SMTP_SECURITY=starttls or tls"),
        (
            {"SMTP_SECURITY": "tls", "SMTP_USER": "badges"},
            "BADGES_SMTP_USER and BADGES_SMTP_PASSWORD go together",
        ),
    ],
)
def test_settings_that_cannot_work_stop_the_service_at_start(tmp_path, config, problem):
    with pytest.raises(RuntimeError, match=problem):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **config})
