"""E-mail delivery: a real SMTP server on 127.0.0.1, French text and HTML, the private link, the PDF."""

from __future__ import annotations

import logging

import pytest

from badges.services.credentials import revocation
from badges.services.holders import delivery, private_link
from badges.services.shared import mail
from badges.services.shared.errors import InvalidInput, NotFound, RuleError
from tests.factories import make_award
from tests.mailbox import free_port, running_smtp

SECRET = b"server-secret"


def settings(box) -> mail.MailSettings:
    return mail.MailSettings(host=box.host, port=box.port, sender="badges@tiers-lieu.example")


def test_the_award_email_reaches_a_real_smtp_server(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    email = delivery.award_email(session, links, credential, secret=SECRET, now=now)
    with running_smtp() as box:
        mail.send(settings(box), email)
    (message,) = box.received
    assert message["To"] == "awa@example.org" and message["From"] == "badges@tiers-lieu.example"
    assert message["Subject"] == "Votre badge « Échanger par e-mail »"
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    token = private_link.private_token(session, beneficiary=credential.beneficiary, secret=SECRET, now=now)
    for part in (text, html):
        assert "Bonjour Awa" in part and private_link.page_url(links, token) in part
        assert "Je sais envoyer un e-mail avec une pièce jointe." in part
    assert 'lang="fr"' in html and "<" not in text
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_without_smtp_host_nothing_is_sent_and_the_log_says_so_without_the_address_or_the_link(
    session, keyring, links, now, caplog
):
    credential = make_award(session, keyring, links, now)
    email = delivery.award_email(session, links, credential, secret=SECRET, now=now)
    with caplog.at_level(logging.DEBUG):
        sent = mail.send(mail.MailSettings(host=None, port=25, sender="badges@localhost"), email)
    assert sent is False
    assert "e-mail not sent: no mail server" in caplog.text
    assert "awa@example.org" not in caplog.text and "/mes-badges/" not in caplog.text
    assert "Awa" not in caplog.text


def test_an_unreachable_server_is_a_french_error(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    email = delivery.award_email(session, links, credential, secret=SECRET, now=now)
    unreachable = mail.MailSettings(host="127.0.0.1", port=free_port(), sender="badges@localhost", timeout=2)
    with pytest.raises(mail.MailError) as raised:
        mail.send(unreachable, email)
    assert "n'a pas pu être envoyé" in raised.value.message


def test_no_email_address_means_print_the_certificate(session, keyring, links, now):
    credential = make_award(session, keyring, links, now, email=None)
    with pytest.raises(InvalidInput) as raised:
        delivery.award_email(session, links, credential, secret=SECRET, now=now)
    assert "imprimez le certificat" in raised.value.fields["email"]


def test_revoked_or_erased_badges_are_not_sent(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    revocation.revoke(session, keyring, credential=credential, reason="Erreur", links=links, now=now)
    with pytest.raises(RuleError):
        delivery.award_email(session, links, credential, secret=SECRET, now=now)
    revocation.erase(session, keyring, credential=credential, links=links, now=now)
    with pytest.raises(NotFound):
        delivery.award_email(session, links, credential, secret=SECRET, now=now)
