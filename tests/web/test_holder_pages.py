"""The beneficiary's private page and what it controls: visibility, share links, downloads, certificate."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from badges.services.credentials import revocation, sharing
from badges.services.holders import private_link
from tests import pdf
from tests.factories import make_award, make_beneficiary

HTML = {"Accept": "text/html"}


@pytest.fixture
def holder(app, session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    token = private_link.private_token(
        session, beneficiary=credential.beneficiary, secret=app.config["LINK_SECRET"].encode(), now=now
    )
    session.commit()
    return {
        "credential": credential,
        "token": token,
        "home": f"/mes-badges/{token}",
        "badge": f"/mes-badges/{token}/{credential.public_id}",
    }


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_page_lists_the_badges_without_login(client, holder):
    response = client.get(holder["home"], headers=HTML)
    text = text_of(response)
    assert response.status_code == 200
    assert "Mes badges" in text and "Bonjour Awa." in text and "Échanger par e-mail" in text
    assert "Vous avez 1 badge." in text and "Public" in text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_bad_or_renewed_links_open_nothing(app, client, session, now, holder):
    assert client.get("/mes-badges/" + "x" * 43, headers=HTML).status_code == 404
    person = holder["credential"].beneficiary
    private_link.renew(session, beneficiary=person, secret=app.config["LINK_SECRET"].encode(), now=now)
    session.commit()
    response = client.get(holder["home"], headers=HTML)
    assert response.status_code == 404 and "Demandez un nouveau lien" in text_of(response)


def test_someone_elses_badge_is_not_found(client, session, keyring, links, now, holder):
    other = make_award(session, keyring, links, now, issuer=holder["credential"].issuer, display_name="Karim")
    session.commit()
    assert client.get(f"{holder['home']}/{other.public_id}", headers=HTML).status_code == 404
    assert (
        client.post(
            f"{holder['home']}/{other.public_id}/visibilite", data={"visibilite": "private"}
        ).status_code
        == 404
    )
    assert not sharing.is_private(session, other)


def test_the_holder_is_warned_before_making_a_badge_private(client, session, holder):
    """Its OB 2.0 files already downloaded stop verifying: the page says so first and offers a share link."""
    response = client.post(holder["badge"] + "/visibilite", data={"visibilite": "private"})
    assert response.status_code == 200
    assert not sharing.is_private(session, holder["credential"])
    text = text_of(response)
    assert "Attention : lisez avant de rendre ce badge privé" in text
    assert "Les fichiers « Open Badges 2.0 » ne marcheront plus. On ne pourra plus les vérifier." in text
    assert "Les fichiers « Open Badges 3.0 » marchent toujours." in text
    assert 'href="#partages"' in text and "Donner plutôt un lien de partage" in text
    assert 'name="confirme" value="oui"' in text
    kept = client.get(holder["badge"], headers=HTML)
    assert "lisez avant de rendre ce badge privé" not in text_of(kept)


def test_the_holder_makes_the_badge_private_then_public_again(client, session, holder):
    credential = holder["credential"]
    response = client.post(holder["badge"] + "/visibilite", data={"visibilite": "private", "confirme": "oui"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "?fait=visibilite#visibilite"
    )
    assert client.get(f"/credentials/{credential.public_id}", headers=HTML).status_code == 404
    mine = text_of(client.get(holder["badge"] + "?fait=visibilite", headers=HTML))
    assert "C'est enregistré." in mine and "Ce badge est privé." in mine
    assert "/telecharger/ob2-signed.png" in mine and "/telecharger/ob2.png" not in mine
    assert client.get(holder["badge"] + "/telecharger/ob3.json").status_code == 200
    client.post(holder["badge"] + "/visibilite", data={"visibilite": "public"})
    assert client.get(f"/credentials/{credential.public_id}", headers=HTML).status_code == 200


def test_a_bad_visibility_choice_changes_nothing(client, session, holder):
    response = client.post(holder["badge"] + "/visibilite", data={"visibilite": "tout le monde"})
    assert response.status_code == 422 and "Choisissez" in text_of(response)
    assert sharing.settings_of(session, holder["credential"]) is None


def share(client, holder, **data) -> str:
    response = client.post(
        holder["badge"] + "/partages", data={"label": "Ma conseillère", "duree": "3", **data}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    text = text_of(response)
    assert "Copiez ce lien maintenant." in text and "data:image/svg+xml;base64," in text
    return re.search(
        r'<textarea class="url" id="lien" rows="3" readonly>(http[^<]+/partage/[^<]+)</textarea>', text
    ).group(1)


def test_a_share_link_shows_a_private_badge_until_stopped(app, client, session, links, now, holder):
    client.post(holder["badge"] + "/visibilite", data={"visibilite": "private", "confirme": "oui"})
    url = share(client, holder)
    path = url.removeprefix(links.base)
    shown = client.get(path, headers=HTML)
    assert shown.status_code == 200 and "Échanger par e-mail" in text_of(shown)
    assert "/verifier?url=" in text_of(shown) and shown.headers["Referrer-Policy"] == "no-referrer"
    assert f'<meta property="og:url" content="{url}">' in text_of(shown)
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert (
        as_json.mimetype == "application/vc+ld+json"
        and as_json.data.decode() == holder["credential"].ob3_credential
    )
    assert client.get(path + "/telecharger/ob3.png").mimetype == "image/png"
    mine = text_of(client.get(holder["badge"], headers=HTML))
    assert "Pour : Ma conseillère" in mine and "12 juin 2026" in mine
    link_id = re.search(r"/partages/([0-9a-f-]{36})/arreter", mine).group(1)
    stopped = client.post(f"{holder['badge']}/partages/{link_id}/arreter")
    assert stopped.status_code == 303
    assert client.get(path, headers=HTML).status_code == 410
    assert client.get(path + "/telecharger/ob3.png").status_code == 410


def test_a_share_link_expires(app, client, now, links, holder):
    path = share(client, holder, duree="1").removeprefix(links.base)
    app.config["CLOCK"].frozen = now + timedelta(days=32)
    response = client.get(path, headers=HTML)
    assert response.status_code == 410 and "plus valable" in text_of(response)
    assert client.get("/partage/" + "y" * 43, headers=HTML).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [({"duree": "24"}, "Choisissez une durée"), ({"label": "x" * 61}, "60 lettres au plus")],
)
def test_a_bad_share_request_makes_no_link(client, session, now, holder, data, message):
    response = client.post(holder["badge"] + "/partages", data=data)
    assert response.status_code == 422 and message in text_of(response)
    assert sharing.active_links(session, credential=holder["credential"], now=now) == []


def test_the_holder_prints_the_certificate(client, session, now, holder):
    response = client.get(holder["badge"] + "/certificat.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    code = sharing.claim_code(session, credential=holder["credential"], now=now)
    assert sharing.format_code(code) in pdf.text(response.data)


def test_the_claim_code_opens_the_badge_even_when_private(client, session, now, holder):
    code = sharing.format_code(sharing.claim_code(session, credential=holder["credential"], now=now))
    sharing.set_private(session, credential=holder["credential"], value="private", now=now)
    session.commit()
    response = client.get(f"/code/{code}", headers=HTML)
    assert response.status_code == 200 and "le code de son certificat" in text_of(response)
    assert client.get(f"/code/{code}/telecharger/ob3.json").status_code == 200
    assert client.get("/code/0000-0000-0000", headers=HTML).status_code == 404


def test_erased_badges_leave_every_private_page(client, session, keyring, links, now, holder):
    credential = holder["credential"]
    code = sharing.claim_code(session, credential=credential, now=now)
    _, share_token = sharing.create_link(session, credential=credential, data={}, now=now)
    session.commit()
    revocation.erase(session, keyring, credential=credential, links=links, now=now)
    session.commit()
    assert "Vous n'avez pas encore de badge." in text_of(client.get(holder["home"], headers=HTML))
    for path in (
        holder["badge"],
        holder["badge"] + "/certificat.pdf",
        holder["badge"] + "/telecharger/ob3.png",
        f"/code/{code}",
        f"/code/{code}/telecharger/ob3.png",
    ):
        assert client.get(path, headers=HTML).status_code == 404, path
    assert client.get(f"/partage/{share_token}", headers=HTML).status_code == 404  # erasure deleted it


def test_only_the_persons_own_badges_are_listed(client, session, keyring, links, now, holder):
    other = make_beneficiary(session, holder["credential"].issuer, now, display_name="Karim")
    session.commit()
    text = text_of(client.get(holder["home"], headers=HTML))
    assert "Karim" not in text and text.count("/mes-badges/") >= 1
    assert other.public_id not in text


def test_a_link_made_before_the_session_secret_is_rotated_keeps_opening_the_page(
    app, client, session, keyring, links, now, monkeypatch
):
    """Links are e-mailed once and kept for years: SECRET_KEY (sessions, CSRF) is not what they hang on."""
    from badges.web.context import link_secret

    credential = make_award(session, keyring, links, now)

    def link_of_the_next_email() -> str:
        with app.test_request_context():
            secret = link_secret()
        token = private_link.private_token(
            session, beneficiary=credential.beneficiary, secret=secret, now=now
        )
        session.commit()
        return token

    sent = link_of_the_next_email()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-session-secret")
    assert link_of_the_next_email() == sent  # a new salt would have killed the link already sent
    assert client.get(f"/mes-badges/{sent}", headers=HTML).status_code == 200


def test_the_badge_page_puts_the_essentials_and_one_main_action_first(client, holder):
    text = text_of(client.get(holder["badge"], headers=HTML))
    head = text.split('<details class="downloads"', 1)[0]
    essentials = ("Échanger par e-mail", "Ce badge est valide.", "Je sais envoyer un e-mail", "Délivré par")
    for essential in essentials:
        assert essential in head, essential
    assert head.count('class="button') == 1 and "Montrer mon badge" in head
    assert "Pour un employeur : l'image PNG." in text


@pytest.mark.parametrize("what", ["revoked", "expired"])
def test_a_badge_no_longer_valid_is_neither_shared_nor_downloaded(
    client, session, keyring, links, now, holder, what
):
    credential = holder["credential"]
    if what == "revoked":
        revocation.revoke(session, keyring, credential=credential, reason="Doublon", links=links, now=now)
    else:
        credential.valid_until = now - timedelta(days=1)
    session.commit()
    text = text_of(client.get(holder["badge"], headers=HTML))
    assert "On ne peut plus le montrer ni le télécharger." in text
    for offered in ("linkedin.com", "/telecharger/", "/partages", "certificat.pdf", "Montrer mon badge"):
        assert offered not in text, offered
    refused = "Ce badge ne compte plus. On ne peut plus le partager ni le télécharger."
    share = client.post(holder["badge"] + "/partages", data={"duree": "3"}, headers=HTML)
    assert share.status_code == 422 and refused in text_of(share)
    assert sharing.active_links(session, credential=credential, now=now) == []
    for path in ("/telecharger/ob3.png", "/certificat.pdf"):
        assert client.get(holder["badge"] + path, headers=HTML).status_code == 422, path
