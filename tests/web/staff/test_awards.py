"""Awards screens: the list with status, filters and pages; one award; revocation in two steps; hand-over."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from badges.models import StatusList
from badges.services.credentials import revocation, sharing
from tests.factories import make_award
from tests.web.staff.conftest import post, sign_in, text


def award_url(world, suffix=""):
    return f"/staff/awards/{world.award.public_id}{suffix}"


def test_the_list_shows_the_awards_of_the_tiers_lieu_only(staff, session, keyring, links, now, world):
    make_award(session, keyring, links, now, issuer=world.other_issuer, display_name="Zoé")
    session.commit()
    page = text(staff.get("/staff/awards"))
    assert "1 badge" in page and "Awa" in page and "Valide" in page
    assert "Zoé" not in page


def test_filters_by_status_name_and_badge(staff, session, keyring, links, now, world):
    revoked = make_award(session, keyring, links, now, issuer=world.issuer, display_name="Karim")
    revocation.revoke(session, keyring, credential=revoked, reason="Erreur de saisie", links=links, now=now)
    expired = make_award(session, keyring, links, now, issuer=world.issuer, display_name="Lina")
    expired.valid_until = now - timedelta(days=1)
    session.commit()
    assert "Karim" in text(staff.get("/staff/awards?status=revoque"))
    assert "Awa" not in text(staff.get("/staff/awards?status=revoque"))
    only_expired = text(staff.get("/staff/awards?status=expire"))
    assert "Lina" in only_expired and "Expiré" in only_expired and "Awa" not in only_expired
    valid = text(staff.get("/staff/awards?status=valide"))
    assert "Awa" in valid and "Karim" not in valid and "Lina" not in valid
    assert "1 badge" in text(staff.get("/staff/awards?q=kar"))
    by_badge = text(staff.get(f"/staff/awards?badge={revoked.badge_class.public_id}"))
    assert "Karim" in by_badge and "Awa" not in by_badge


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=perdu", "Statut inconnu"),
        ("q=" + "x" * 101, "La recherche dépasse 100 caractères."),
        ("page=0", "Numéro de page invalide"),
        ("page=abc", "Numéro de page invalide"),
    ],
)
def test_a_bad_filter_is_explained_and_ignored(staff, world, query, message):
    response = staff.get(f"/staff/awards?{query}")
    assert response.status_code == 200
    assert message in text(response) and "Awa" in text(response)


def test_pages_of_twenty_keep_the_filters(staff, session, keyring, links, now, world):
    for n in range(20):
        make_award(
            session, keyring, links, now + timedelta(minutes=n), issuer=world.issuer, display_name=f"P{n}"
        )
    session.commit()
    first = staff.get("/staff/awards?status=valide").get_data(as_text=True)
    assert "Page 1 sur 2" in first and "page=2" in first and "status=valide" in first
    last = text(staff.get("/staff/awards?status=valide&page=9"))
    assert "Page 2 sur 2" in last and "Awa" in last


def test_the_award_page_offers_files_certificate_and_e_mail(staff, world):
    page = staff.get(award_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for fmt in ("ob3.png", "ob2.png", "ob3.json", "ob3.jwt"):
        assert award_url(world, f"/download/{fmt}") in html
    assert award_url(world, "/certificate.pdf") in html
    assert "Envoyer par e-mail à awa@example.org" in text(page)
    download = staff.get(award_url(world, "/download/ob3.json"))
    assert download.status_code == 200
    assert json.loads(download.data)["id"].endswith(world.award.public_id)
    assert staff.get(award_url(world, "/download/ob9.exe")).status_code == 404


def test_printing_the_certificate_makes_the_claim_code(staff, world):
    assert "Code du certificat" not in text(staff.get(award_url(world)))
    pdf = staff.get(award_url(world, "/certificate.pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "Code du certificat" in text(staff.get(award_url(world)))


def test_sending_the_award_by_e_mail(staff, smtp, world):
    response = post(staff, award_url(world, "/send"), follow_redirects=True)
    assert "L'envoi du badge à awa@example.org est en cours" in text(response)
    assert smtp.messages[0]["To"] == "awa@example.org"
    assert "E-mail du badge : Envoyé" in text(staff.get(award_url(world)))
    attachments = [part.get_filename() for part in smtp.messages[0].iter_attachments()]
    assert attachments == ["certificat-badge.pdf"]


def test_without_a_mail_server_the_page_says_nothing_was_sent(staff, world):
    response = text(post(staff, award_url(world, "/send"), follow_redirects=True))
    assert "Le badge est envoyé" not in response
    assert "Aucun e-mail n'est parti : ce service n'a pas de serveur d'e-mail." in response
    assert "Rien n'a été envoyé à awa@example.org. Imprimez le certificat ou la carte d'accès" in response


def test_a_beneficiary_without_e_mail_gets_the_certificate_only(staff, session, keyring, links, now, world):
    award = make_award(session, keyring, links, now, issuer=world.issuer, display_name="Sans", email=None)
    session.commit()
    page = text(staff.get(f"/staff/awards/{award.public_id}"))
    assert "Pas d’adresse e-mail pour cette personne : imprimez le certificat ou la carte d’accès" in page
    refused = post(staff, f"/staff/awards/{award.public_id}/send", follow_redirects=True)
    assert "n'a pas d'adresse e-mail" in text(refused)


def test_revocation_takes_a_reason_then_a_confirmation(staff, session, world, links):
    form = staff.get(award_url(world, "/revoke"))
    assert "visible sur la page du badge" in text(form)
    empty = post(staff, award_url(world, "/revoke"), {"reason": "  "})
    assert empty.status_code == 422 and "Indiquez la raison de la révocation." in text(empty)
    confirm = post(staff, award_url(world, "/revoke"), {"reason": "Badge délivré par erreur"})
    assert confirm.status_code == 200 and "Confirmer la révocation" in text(confirm)
    assert 'name="confirm" value="yes"' in confirm.get_data(as_text=True)
    session.refresh(world.award)
    assert world.award.revoked_at is None
    done = post(staff, award_url(world, "/revoke"), {"reason": "Badge délivré par erreur", "confirm": "yes"})
    assert done.status_code == 303
    page = text(staff.get(done.headers["Location"]))
    assert "Le badge est révoqué." in page and "Badge délivré par erreur" in page and "Révoqué" in page
    session.refresh(world.award)
    assert world.award.revocation_reason == "Badge délivré par erreur"
    public = staff.get(links.credential_page(world.award.public_id), headers={"Accept": "text/html"})
    assert "révoqué" in text(public)


def test_revocation_re_signs_the_status_list(staff, session, world):
    status_list = session.get(StatusList, world.award.status_list_id)
    before = status_list.signed_credential
    post(staff, award_url(world, "/revoke"), {"reason": "Erreur", "confirm": "yes"})
    session.refresh(status_list)
    assert status_list.signed_credential != before


def test_a_reason_too_long_is_refused(staff, session, world):
    response = post(staff, award_url(world, "/revoke"), {"reason": "x" * 301, "confirm": "yes"})
    assert response.status_code == 422 and "La raison dépasse 300 caractères." in text(response)
    session.refresh(world.award)
    assert world.award.revoked_at is None


def test_a_revoked_award_cannot_be_revoked_again(staff, world):
    post(staff, award_url(world, "/revoke"), {"reason": "Erreur", "confirm": "yes"})
    again = staff.get(award_url(world, "/revoke"), follow_redirects=True)
    assert "Ce badge est déjà révoqué." in text(again)
    twice = post(
        staff, award_url(world, "/revoke"), {"reason": "Erreur", "confirm": "yes"}, follow_redirects=True
    )
    assert "Ce badge est déjà révoqué." in text(twice)
    assert "Remettre le badge" not in text(staff.get(award_url(world)))


def test_an_erased_award_is_not_found(staff, session, keyring, links, now, world):
    revocation.erase(session, keyring, credential=world.award, links=links, now=now)
    session.commit()
    assert staff.get(award_url(world)).status_code == 404
    assert "0 badge" in text(staff.get("/staff/awards"))


def test_another_tiers_lieu_s_award_is_not_found(client, session, world):
    sign_in(client, world.users["other_staff"])
    response = client.get(award_url(world))
    assert response.status_code == 404 and "Badge introuvable." in text(response)


def test_a_revoked_award_is_neither_printed_nor_sent(staff, smtp, world):
    post(staff, award_url(world, "/revoke"), {"reason": "Erreur", "confirm": "yes"})
    printed = staff.get(award_url(world, "/certificate.pdf"), follow_redirects=True)
    assert printed.mimetype == "text/html" and "il ne peut plus être remis" in text(printed)
    sent = post(staff, award_url(world, "/send"), follow_redirects=True)
    assert "il ne peut plus être remis" in text(sent)
    assert smtp.messages == []


def test_a_private_badge_still_has_its_files_for_the_staff(staff, session, world, now):
    sharing.set_private(session, credential=world.award, value="private", now=now)
    session.commit()
    page = text(staff.get(award_url(world)))
    assert "La personne a rendu ce badge privé" in page
    assert staff.get(award_url(world, "/download/ob2-signed.png")).status_code == 200
