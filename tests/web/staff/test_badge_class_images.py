"""Badge-class images on the staff form: drawn or uploaded, previewed inline, kept across pages, refused
when they are not a safe PNG or JPEG (422, or 413 over the request limit), and nothing written meanwhile."""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib
from typing import Any

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from badges.services.credentials import images
from tests.factories import make_badge_class
from tests.web.staff.conftest import form_token, post, text
from tests.web.staff.test_badge_classes import FORM, NEW, counts, created


def picture(fmt: str, size: tuple[int, int] = (800, 400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def upload(data: bytes, name: str = "image.png") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def send(client, url: str, data: dict) -> Any:
    """A multipart form encoded in memory (the test client would spool a large one to an unclosed file)."""
    boundary, body = encode_multipart(MultiDict({"csrf_token": form_token(client), **data}))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def shown_image(response) -> bytes:
    """The inline image of a preview (a data: URL), decoded."""
    found = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', response.get_data(as_text=True))
    assert found, "no inline image"
    return base64.b64decode(found.group(1))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header announcing a huge image (a decompression bomb never gets decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return images.PNG_SIGNATURE + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


@pytest.fixture
def staff(as_role):
    return as_role("staff")


@pytest.mark.parametrize(("fmt", "filename"), [("PNG", "logo.png"), ("JPEG", "photo.jpg")])
def test_a_class_is_created_with_an_uploaded_image(staff, session, fmt, filename):
    data = {**FORM, "image_source": "upload", "image_file": upload(picture(fmt), filename)}
    response = send(staff, NEW, data)
    assert response.status_code == 303, text(response)
    badge = created(session)
    assert badge.image_uploaded
    with Image.open(io.BytesIO(badge.image_png)) as stored:
        assert stored.format == "PNG" and stored.size == (images.SIZE, images.SIZE)


def test_the_preview_shows_the_image_inline_and_writes_nothing(staff, session):
    before = counts(session)
    response = post(staff, NEW, {**FORM, "palette": "vert", "action": "preview"})
    assert response.status_code == 200
    assert shown_image(response) == images.draw_badge(FORM["name"], "N2", "vert")
    page = text(response)
    assert "Aperçu : rien n’est encore enregistré." in page
    assert 'value="Ranger ses fichiers"' in response.get_data(as_text=True)
    assert counts(session) == before


def test_a_previewed_upload_is_kept_and_saved_without_choosing_it_again(staff, session):
    before = counts(session)
    data = {
        **FORM,
        "image_source": "upload",
        "image_file": upload(picture("JPEG"), "a.jpg"),
        "action": "preview",
    }
    response = send(staff, NEW, data)
    assert response.status_code == 200 and counts(session) == before
    kept = re.search(r'name="image_data" value="([^"]+)"', response.get_data(as_text=True))
    assert kept and shown_image(response) == base64.b64decode(kept.group(1))
    assert "L’image déjà choisie est gardée" in text(response)
    saved = post(staff, NEW, {**FORM, "image_source": "upload", "image_data": kept.group(1)})
    assert saved.status_code == 303
    assert created(session).image_png == images.normalise_upload(base64.b64decode(kept.group(1)))


def test_an_upload_is_kept_when_another_field_is_wrong(staff, session):
    before = counts(session)
    data = {**FORM, "name": "", "image_source": "upload", "image_file": upload(picture("PNG"))}
    response = send(staff, NEW, data)
    assert response.status_code == 422 and counts(session) == before
    html = response.get_data(as_text=True)
    assert 'name="image_data" value="' in html and 'value="pix-crcn:1.3" checked' in html
    assert "Nom du badge : Ce champ est obligatoire." in text(response)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not an image", "Seules les images PNG et JPEG sont acceptées."),
        (images.PNG_SIGNATURE + b"\0" * (images.MAX_UPLOAD_BYTES + 10), "L'image dépasse 4 Mo."),
        (png_declaring(60_000, 60_000), "L'image est trop grande"),
        (images.JPEG_SIGNATURE + b"garbage", "L'image JPEG est illisible ou endommagée."),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_written(staff, session, content, message):
    before = counts(session)
    data = {**FORM, "image_source": "upload", "image_file": upload(content)}
    for action in ("save", "preview"):
        response = send(staff, NEW, {**data, "image_file": upload(content), "action": action})
        assert response.status_code == 422
        assert "Image du badge : " + message in text(response)
        assert 'name="image_data"' not in response.get_data(as_text=True)
    assert counts(session) == before


def test_an_upload_with_no_file_asks_for_one(staff, session):
    response = post(staff, NEW, {**FORM, "image_source": "upload"})
    assert response.status_code == 422
    assert "Choisissez un fichier PNG ou JPEG, ou bien « Dessiner l’image »." in text(response)


def test_a_sending_over_the_request_limit_is_refused_in_french(app, staff, session):
    before = counts(session)
    big = b"\xff\xd8\xff" + b"\0" * app.config["MAX_CONTENT_LENGTH"]
    data = {**FORM, "image_source": "upload", "image_file": upload(big, "photo.jpg")}
    response = send(staff, NEW, data)
    assert response.status_code == 413
    message = "Les fichiers envoyés sont trop lourds (5 Mo au plus en tout) : rien n’a été enregistré."
    assert message in text(response)
    assert counts(session) == before


def test_an_uploaded_image_can_be_replaced_by_a_drawn_one(staff, session):
    send(staff, NEW, {**FORM, "image_source": "upload", "image_file": upload(picture("PNG"))})
    badge = created(session)
    url = f"/staff/badge-classes/{badge.public_id}/edit"
    kept = post(staff, url, {**FORM, "image_source": "upload", "name": "Ranger ses dossiers"})
    assert kept.status_code == 303
    badge = created(session, "Ranger ses dossiers")
    assert badge.image_uploaded and badge.image_png != images.draw_badge("Ranger ses dossiers", "N2")
    drawn = post(staff, url, {**FORM, "image_source": "drawn", "palette": "gris"})
    assert drawn.status_code == 303
    badge = created(session)
    assert not badge.image_uploaded and badge.image_png == images.draw_badge(FORM["name"], "N2", "gris")


def test_a_kept_image_that_is_not_base64_is_refused(staff, session):
    before = counts(session)
    response = post(staff, NEW, {**FORM, "image_source": "upload", "image_data": "pas une image !"})
    assert response.status_code == 422
    assert "L’image gardée est illisible : choisissez-la à nouveau." in text(response)
    assert counts(session) == before


def test_the_edit_page_shows_the_current_image_and_previews_a_kept_upload(staff, world, session, now):
    badge = make_badge_class(session, world.issuer, now, image=base64.b64encode(picture("PNG")).decode())
    session.commit()
    url = f"/staff/badge-classes/{badge.public_id}/edit"
    form = staff.get(url)
    assert f'alt="Image actuelle du badge « {badge.name} »"' in form.get_data(as_text=True)
    assert "Laissez vide pour garder l’image actuelle." in text(form)
    response = post(staff, url, {**FORM, "image_source": "upload", "action": "preview"})
    assert response.status_code == 200 and shown_image(response) == badge.image_png
