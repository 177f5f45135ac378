"""Staff API to hand awards over: certificate, e-mail, private page link; scoped to the tiers-lieu."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from badges import jobs
from badges.services.accounts import users
from badges.services.credentials import sharing
from badges.services.programme import pathways
from tests import pdf
from tests.factories import coordination, make_agency, make_award, make_coordinator, make_issuer, make_staff
from tests.mailbox import free_port, running_smtp

HTML = {"Accept": "text/html"}


def make_counsellor(session, now):
    agency = make_agency(session, now)
    data = {"name": "Inès", "email": "ines@ft.example"}
    user = pathways.create_counsellor(session, by=coordination(), agency=agency, data=data, now=now)
    return user, users.create_token(session, user=user, label="test", now=now)


@pytest.fixture
def staff(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    _, token = make_staff(session, credential.issuer, now)
    session.commit()
    return {
        "credential": credential,
        "headers": {"Authorization": f"Bearer {token}"},
        "award": f"/api/v1/awards/{credential.public_id}",
        "link": f"/api/v1/beneficiaries/{credential.beneficiary.public_id}/private-link",
        "card": f"/api/v1/beneficiaries/{credential.beneficiary.public_id}/access-card.pdf",
    }


@pytest.fixture
def smtp(app):
    with running_smtp() as box:
        app.config.update(SMTP_HOST=box.host, SMTP_PORT=box.port, MAIL_SENDER="badges@tiers-lieu.example")
        yield box
    app.config.update(SMTP_HOST=None, SMTP_PORT=25, MAIL_SENDER="badges@localhost")


def test_delivery_gives_the_claim_code_and_where_its_qr_code_leads(client, session, links, now, staff):
    body = client.get(staff["award"] + "/delivery", headers=staff["headers"]).json
    code = sharing.claim_code(session, credential=staff["credential"], now=now)
    assert body == {
        "claim_code": sharing.format_code(code),
        "certificate": links.base + staff["award"] + "/certificate.pdf",
        "verification_url": f"{links.base}/verifier?code={code}",
        "private": False,
        "can_email": True,
        "private_page": client.get(staff["link"], headers=staff["headers"]).json["url"],
        "access_card": links.base + staff["card"],
        "email": None,
    }


def test_delivery_gives_what_hands_a_badge_to_someone_without_email(
    client, session, keyring, links, now, staff
):
    credential = make_award(session, keyring, links, now, issuer=staff["credential"].issuer, email=None)
    session.commit()
    body = client.get(f"/api/v1/awards/{credential.public_id}/delivery", headers=staff["headers"]).json
    assert body["can_email"] is False
    page = client.get(urlsplit(body["private_page"]).path, headers=HTML)
    assert page.status_code == 200 and credential.badge_class.name in page.get_data(as_text=True)
    card = client.get(urlsplit(body["access_card"]).path, headers=staff["headers"])
    assert card.status_code == 200 and card.mimetype == "application/pdf"
    assert body["private_page"] in pdf.text(card.data).replace("\n", "")
    again = client.get(f"/api/v1/awards/{credential.public_id}/delivery", headers=staff["headers"]).json
    assert again["private_page"] == body["private_page"], "the same link each time, until renewed"


@pytest.mark.parametrize("role", ["coordinator", "counsellor"])
def test_only_staff_of_the_awarding_tiers_lieu_get_the_private_page(client, session, now, staff, role):
    _, token = make_coordinator(session, now) if role == "coordinator" else make_counsellor(session, now)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for path in (staff["award"] + "/delivery", staff["card"]):
        response = client.get(path, headers=headers)
        assert response.status_code == 403 and "mes-badges" not in response.get_data(as_text=True), path


def test_staff_print_the_certificate(client, session, now, staff):
    response = client.get(staff["award"] + "/certificate.pdf", headers=staff["headers"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    code = sharing.claim_code(session, credential=staff["credential"], now=now)
    assert pdf.pages(response.data) == 1 and sharing.format_code(code) in pdf.text(response.data)


def test_without_a_mail_server_the_answer_says_nothing_was_sent(client, staff):
    response = client.post(staff["award"] + "/send", headers=staff["headers"])
    assert response.status_code == 200 and response.json == {"sent": False, "to": "awa@example.org"}


def test_sending_emails_the_private_link_that_opens_the_page(app, client, smtp, staff):
    response = client.post(staff["award"] + "/send", headers=staff["headers"])
    assert response.status_code == 202
    assert response.json["sent"] is False and response.json["to"] == "awa@example.org"
    assert response.json["email"]["state"] == "queued"
    assert jobs.wait(app)
    (message,) = smtp.received
    link = client.get(staff["link"], headers=staff["headers"]).json["url"]
    assert link in message.get_body(("plain",)).get_content()
    page = client.get(urlsplit(link).path, headers=HTML)
    assert page.status_code == 200 and "Échanger par e-mail" in page.get_data(as_text=True)
    email = client.get(staff["award"] + "/delivery", headers=staff["headers"]).json["email"]
    done = {"state": "done", "attempts": 1, "next_attempt_at": None, "error": None, "label": "Envoyé"}
    assert email == done


def test_sending_twice_keeps_the_same_link(app, client, smtp, staff):
    for _ in range(2):
        assert client.post(staff["award"] + "/send", headers=staff["headers"]).status_code == 202
        assert jobs.wait(app)
    first, second = (m.get_body(("plain",)).get_content() for m in smtp.received)
    assert first == second


def test_a_beneficiary_without_email_gets_a_printed_certificate(client, session, keyring, links, now, staff):
    credential = make_award(session, keyring, links, now, issuer=staff["credential"].issuer, email=None)
    session.commit()
    response = client.post(f"/api/v1/awards/{credential.public_id}/send", headers=staff["headers"])
    assert (
        response.status_code == 422 and "imprimez le certificat" in response.json["error"]["fields"]["email"]
    )


def test_an_unreachable_mail_server_is_retried_and_the_answer_says_so(app, client, staff, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAY", 60)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    try:
        response = client.post(staff["award"] + "/send", headers=staff["headers"])
        assert response.status_code == 202 and jobs.wait(app)
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
    email = client.get(staff["award"] + "/delivery", headers=staff["headers"]).json["email"]
    assert email["state"] == "retrying" and email["attempts"] == 1 and email["error"] == "mail.unreachable"
    assert email["next_attempt_at"] and email["label"].startswith("Échec, nouvel essai à ")


def test_the_private_link_is_stable_until_renewed(client, staff):
    first = client.get(staff["link"], headers=staff["headers"]).json
    assert client.get(staff["link"], headers=staff["headers"]).json == first
    path = urlsplit(first["url"]).path
    assert client.get(path, headers=HTML).status_code == 200
    renewed = client.post(staff["link"], headers=staff["headers"]).json
    assert renewed["url"] != first["url"]
    assert client.get(path, headers=HTML).status_code == 404
    assert client.get(urlsplit(renewed["url"]).path, headers=HTML).status_code == 200


def test_another_tiers_lieu_sees_nothing(client, session, keyring, links, now, staff):
    other = make_issuer(session, keyring, links, now)
    _, token = make_staff(session, other, now)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in [
        ("get", staff["award"] + "/delivery"),
        ("get", staff["award"] + "/certificate.pdf"),
        ("post", staff["award"] + "/send"),
        ("get", staff["link"]),
        ("post", staff["link"]),
        ("get", staff["card"]),
    ]:
        assert getattr(client, method)(path, headers=headers).status_code == 404, path
        assert getattr(client, method)(path).status_code == 401, path


def test_erased_awards_cannot_be_handed_over(client, staff):
    assert client.post(staff["award"] + "/erase", headers=staff["headers"]).status_code == 204
    for method, path in [("get", "/delivery"), ("get", "/certificate.pdf"), ("post", "/send")]:
        assert getattr(client, method)(staff["award"] + path, headers=staff["headers"]).status_code == 404


def test_a_revoked_award_has_no_certificate(client, staff):
    client.post(staff["award"] + "/revoke", json={"reason": "Erreur"}, headers=staff["headers"])
    response = client.get(staff["award"] + "/certificate.pdf", headers=staff["headers"])
    assert response.status_code == 422 and "révoqué" in response.json["error"]["message"]
