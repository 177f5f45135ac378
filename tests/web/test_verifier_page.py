"""The verification page for people: a form without JavaScript, the verdict in one line first."""

from __future__ import annotations

import html
import io
import json
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from badges.services.credentials import downloads, revocation, sharing

HTML = {"Accept": "text/html"}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def verdict(response) -> str:
    text = text_of(response)
    start = text.index('id="verdict"')
    return " ".join(text[text.index(">", start) + 1 : text.index("</h2>", start)].split()).split("</svg> ")[
        -1
    ]


def post(client, **data):
    """A multipart form encoded in memory (the test client would leave large uploads in a temporary file)."""
    fields = {k: FileStorage(v[0], filename=v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
    boundary, body = encode_multipart(fields)
    return client.post(
        "/verifier", data=body, headers=HTML, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_the_form_needs_no_javascript(client):
    response = client.get("/verifier", headers=HTML)
    text = text_of(response)
    assert response.status_code == 200 and 'id="verdict"' not in text
    assert 'enctype="multipart/form-data"' in text and 'name="fichier"' in text and 'name="texte"' in text
    assert '<div id="scanner" class="scanner" hidden>' in text  # shown by scan.js only where it can work


def test_a_valid_badge_by_link(client, links, award):
    response = client.get(
        "/verifier", query_string={"url": links.credential_page(award.public_id)}, headers=HTML
    )
    assert response.status_code == 200
    assert verdict(response) == f"Badge valide, délivré par {award.issuer.name} le 12 mars 2026."
    text = text_of(response)
    assert "Je sais envoyer un e-mail avec une pièce jointe." in text and "Interagir" in text
    assert "<summary>Détails techniques</summary>" in text and "Signature eddsa-rdfc-2022 valide." in text


def test_the_certificate_code_lands_on_the_result(client, session, now, award):
    code = sharing.claim_code(session, credential=award, now=now)
    sharing.set_private(session, credential=award, value="private", now=now)  # still verifiable from paper
    session.commit()
    response = client.get("/verifier", query_string={"code": code}, headers=HTML)
    assert verdict(response).startswith("Badge valide, délivré par")
    assert f"/code/{code}" in text_of(response)
    typed = post(client, texte=sharing.format_code(code).lower())
    assert verdict(typed).startswith("Badge valide")


def test_an_unknown_code_is_said_plainly(client):
    """A mistyped code is not a fake: the page says what to do, never "not authentic"."""
    response = post(client, texte="ABCD-EFGH-JKMN")
    assert verdict(response) == "Ce badge n'a pas pu être vérifié."
    text = text_of(response)
    assert "Aucun badge ne correspond à ce code." in text and "Vérifiez le code" in text
    assert "Cela ne veut pas dire que le badge est faux." in text and "pas authentique" not in text


def test_a_pasted_json_badge(client, award):
    assert verdict(post(client, texte=award.ob3_credential)).startswith("Badge valide")


def test_a_tampered_badge_is_refused(client, award):
    doc = json.loads(award.ob3_credential)
    doc["credentialSubject"]["achievement"]["name"] = "Expert en cybersécurité"
    response = post(client, texte=json.dumps(doc))
    assert verdict(response) == "Badge faux ou modifié : il n'est pas authentique."
    text = text_of(response)
    assert "Ne croyez pas ce que ce badge affiche" in text and "Expert en cybersécurité" not in text


def test_a_revoked_badge_is_refused_with_its_reason(client, session, keyring, links, now, award):
    revocation.revoke(session, keyring, credential=award, reason="Erreur de saisie", links=links, now=now)
    session.commit()
    response = post(client, texte=links.credential_page(award.public_id))
    assert verdict(response) == "Badge plus valable : son émetteur l'a retiré le 12 mars 2026."
    text = text_of(response)
    assert "Raison donnée par l'émetteur : Erreur de saisie" in text and "pas authentique" not in text


def test_an_uploaded_baked_image(client, award):
    image = client.get(f"/credentials/{award.public_id}/download/ob3.png").data
    response = post(client, fichier=(io.BytesIO(image), "badge.png"), texte="")
    assert verdict(response).startswith("Badge valide")


def test_the_recipient_can_be_checked_by_email(client, award):
    right = post(client, texte=award.ob3_credential, email="Awa@Example.org")
    assert verdict(right).startswith("Badge valide")
    assert "Le badge a bien été délivré à cette adresse e-mail." in text_of(right)
    wrong = post(client, texte=award.ob3_credential, email="quelquun@example.org")
    assert verdict(wrong) == "Ce badge n'a pas pu être vérifié."
    assert "Vérifiez l'adresse e-mail." in text_of(wrong) and "pas authentique" not in text_of(wrong)


def test_a_share_link_verifies_a_private_badge(client, session, links, now, award):
    sharing.set_private(session, credential=award, value="private", now=now)
    _, token = sharing.create_link(session, credential=award, data={"duree": "1"}, now=now)
    session.commit()
    url = sharing.share_url(links, token)
    assert verdict(post(client, texte=url)).startswith("Badge valide")
    hidden = post(client, texte=links.credential_page(award.public_id))
    assert verdict(hidden) == "Ce badge n'a pas pu être vérifié."
    text = text_of(hidden)
    assert "Le badge est peut-être privé." in text and "Demandez à la personne un lien de partage" in text
    assert "pas authentique" not in text
    client.application.config["CLOCK"].frozen = now + timedelta(days=40)
    expired = post(client, texte=url)
    assert "Ce lien de partage n'est plus valable" in text_of(expired)


def test_an_erased_badge_by_code_says_it_is_no_longer_valid(client, session, keyring, links, now, award):
    code = sharing.claim_code(session, credential=award, now=now)
    session.commit()
    revocation.erase(session, keyring, credential=award, links=links, now=now)
    session.commit()
    response = client.get("/verifier", query_string={"code": code}, headers=HTML)
    assert verdict(response) == "Badge plus valable : son émetteur l'a retiré le 12 mars 2026."
    assert "effacé à la demande de son titulaire" in text_of(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"texte": "  "}, "Collez un lien, un code ou un texte, ou choisissez un fichier."),
        ({"texte": "abc", "fichier": (io.BytesIO(b"{}"), "a.json")}, "pas les deux"),
        ({"texte": "x", "email": "pas-une-adresse"}, "Cette adresse e-mail n'est pas valide."),
    ],
)
def test_bad_input_re_shows_the_form_with_a_french_message(client, data, message):
    response = post(client, **data)
    assert response.status_code == 422
    text = text_of(response)
    assert message in text and 'id="verdict"' not in text and 'aria-invalid="true"' in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00 pas un badge", "ni une image PNG ou SVG"),
        (b"\x00\x01 pas du JSON", "pas du JSON valide"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"),
        (b'{"hello": "world"}', "n'est pas un badge Open Badges"),
    ],
)
def test_unreadable_files_get_a_verdict_never_a_500(client, content, message):
    response = post(client, texte="", fichier=(io.BytesIO(content), "badge.bin"))
    assert response.status_code == 200
    assert verdict(response) == "Ce badge n'a pas pu être vérifié."
    assert message in text_of(response) and "pas authentique" not in text_of(response)


def test_a_too_large_upload_is_refused_in_french(app, client):
    big = b"{" + b" " * (app.config["MAX_CONTENT_LENGTH"] + 10) + b"}"
    response = post(client, texte="", fichier=(io.BytesIO(big), "big.json"))
    assert response.status_code == 413
    assert "Le badge est trop gros : 2 Mo au plus." in text_of(response)
    medium = b"{" + b" " * (3 * 1024 * 1024) + b"}"
    response = post(client, texte="", fichier=(io.BytesIO(medium), "medium.json"))
    assert response.status_code == 413 and "Le badge est trop gros : 2 Mo au plus." in text_of(response)


def test_the_page_states_the_limit_the_service_applies(client, award):
    """One limit, one message: the hint, a pasted text over the limit and a file over it all say 2 Mo; a
    pasted text under it is read (Flask's own 500 kB form-field default no longer answers first)."""
    form = text_of(client.get("/verifier", headers=HTML))
    assert "Image PNG ou SVG, fichier JSON ou JWT. 2 Mo au plus." in form
    long_text = post(client, texte="x" * (3 * 1024 * 1024))
    assert long_text.status_code == 422
    assert "Le badge est trop gros : 2 Mo au plus." in text_of(long_text)
    padded = award.ob3_credential + " " * (1024 * 1024)
    assert verdict(post(client, texte=padded)).startswith("Badge valide")


@pytest.mark.parametrize(("fmt", "valid"), [("ob3.png", True), ("ob3.jwt", True), ("ob2-signed.png", True),
                                            ("ob2.png", False)])  # fmt: skip
def test_the_files_of_a_private_badge_still_verify(client, session, keyring, links, now, award, fmt, valid):
    """A private badge no longer publishes its hosted OB 2.0 assertion: the files its holder downloads
    (OB 3.0, signed OB 2.0) verify without it; only the hosted OB 2.0 form depends on its address."""
    sharing.set_private(session, credential=award, value="private", now=now)
    session.commit()
    file = downloads.render(session, keyring, credential=award, links=links, fmt=fmt)
    session.commit()
    response = post(client, texte="", fichier=(io.BytesIO(file.body), file.filename))
    # The hosted OB 2.0 copy cannot be checked any more; it is never called a fake.
    assert verdict(response).startswith("Badge valide" if valid else "Ce badge n'a pas pu être vérifié.")
    assert "pas authentique" not in text_of(response)
