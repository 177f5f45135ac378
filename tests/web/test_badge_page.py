"""The public badge page: what it means, skills, status, downloads, LinkedIn, QR, previews; private and
erased badges answer 404 at every address that shows them."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from babel.dates import format_date

from badges.services.credentials import qr, revocation, sharing

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


def page(client, award) -> tuple[int, str]:
    response = client.get(f"/credentials/{award.public_id}", headers=HTML)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def meta(text: str, name: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', text)
    assert match, name
    return match.group(1)


def test_the_page_says_what_the_badge_means_who_issued_it_and_when(client, links, award):
    status, text = page(client, award)
    assert status == 200
    for expected in (
        "Ce badge est valide.",
        "Je sais envoyer un e-mail avec une pièce jointe.",
        award.issuer.name,
        "12 mars 2026",
        "Je fais seul, pas à pas",
        "Pix / CRCN : 2.1",
        "« Interagir au moyen des technologies numériques » dans la liste DigComp 2.2",
        "(code 2.1",
        "Ajouter à mon profil LinkedIn",
    ):
        assert expected in text, expected
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in text
    assert (
        f"/verifier?url={links.credential_page(award.public_id).replace(':', '%3A').replace('/', '%2F')}"
        in text
    )
    assert "intermediaire" not in text.lower()


def test_every_download_offered_is_served(client, award):
    _, text = page(client, award)
    offered = re.findall(r'href="[^"]*(/credentials/[^"]+/download/[^"]+)"', text)
    assert {o.rsplit("/", 1)[1] for o in offered} == {"ob3.png", "ob2.png", "ob3.json", "ob3.jwt"}
    for path in offered:
        assert client.get(path).status_code == 200, path


def test_previews_have_open_graph_and_twitter_cards(client, links, award):
    _, text = page(client, award)
    assert meta(text, "og:title") == f"Échanger par e-mail · {award.issuer.name}"
    assert meta(text, "og:url") == links.credential_page(award.public_id)
    assert meta(text, "og:image") == links.badge_image(award.revision.public_id)
    assert meta(text, "og:description") == "Je sais envoyer un e-mail avec une pièce jointe."
    assert meta(text, "twitter:card") == "summary"
    assert client.get(meta(text, "og:image").removeprefix(links.base)).mimetype == "image/png"


def test_the_qr_code_image_holds_the_page_address(client, links, award):
    response = client.get(f"/credentials/{award.public_id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data == qr.svg(
        links.credential_page(award.public_id), title=links.credential_page(award.public_id)
    )
    assert b"<title>" in response.data


def test_a_revoked_badge_shows_why(client, session, keyring, links, now, award):
    revocation.revoke(session, keyring, credential=award, reason="Erreur de saisie", links=links, now=now)
    session.commit()
    status, text = page(client, award)
    assert status == 200 and "Ce badge a été révoqué." in text and "Raison : Erreur de saisie" in text
    assert "Le tiers-lieu a retiré ce badge. Il ne compte plus." in text


def offers_nothing_to_hand_over(text: str) -> None:
    offers = ("linkedin.com", "/download/", 'href="#montrer"', "Télécharger le badge", "Copier le lien")
    for offered in offers:
        assert offered not in text, offered
    assert "On ne peut plus le montrer ni le télécharger." in text


def test_a_revoked_badge_offers_no_sharing_linkedin_or_downloads(client, session, keyring, links, now, award):
    revocation.revoke(session, keyring, credential=award, reason="Erreur de saisie", links=links, now=now)
    session.commit()
    offers_nothing_to_hand_over(page(client, award)[1])


def test_an_expired_badge_says_since_when_and_offers_nothing(client, session, now, award):
    award.valid_until = now - timedelta(days=1)
    session.commit()
    status, text = page(client, award)
    assert status == 200 and "Ce badge a expiré." in text
    assert f"Il était valable jusqu'au {format_date(award.valid_until, 'long', locale='fr')}." in text
    offers_nothing_to_hand_over(text)


def test_downloads_sit_behind_one_choice_that_says_what_each_file_is_for(client, award):
    _, text = page(client, award)
    choice = text.split('<details class="downloads" id="telecharger">', 1)[1].split("</details>", 1)[0]
    for use in ("Pour un employeur : l'image PNG.", "Pour un portefeuille numérique : le fichier JSON."):
        assert use in choice, use
    assert len(re.findall(r"/download/", choice)) == 4 and "/download/" not in text.split("<details", 1)[0]


def addresses(award) -> list[tuple[str, dict]]:
    return [
        (f"/credentials/{award.public_id}", HTML),
        (f"/credentials/{award.public_id}", JSON),
        (f"/credentials/{award.public_id}/qr.svg", {}),
        (f"/credentials/{award.public_id}/download/ob3.json", {}),
        (f"/credentials/{award.public_id}/download/ob2-signed.png", {}),
        (f"/ob2/assertions/{award.public_id}", JSON),
    ]


def test_a_private_badge_is_not_found_at_its_addresses(client, session, now, award):
    sharing.set_private(session, credential=award, value="private", now=now)
    session.commit()
    for path, headers in addresses(award):
        assert client.get(path, headers=headers).status_code == 404, path


def test_an_erased_badge_is_gone_from_its_addresses(client, session, keyring, links, now, award):
    revocation.erase(session, keyring, credential=award, links=links, now=now)
    session.commit()
    for path, headers in addresses(award)[:-1]:
        assert client.get(path, headers=headers).status_code == 404, path
    assert client.get(f"/ob2/assertions/{award.public_id}", headers=JSON).status_code == 410
