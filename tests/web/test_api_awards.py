"""Award management through the API: list, read, revoke, erase, download, always scoped to the tiers-lieu."""

from __future__ import annotations

import io
import json

import pytest

from badges.services.crypto import jws
from tests.factories import make_award, make_issuer, make_staff


@pytest.fixture
def staff(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    _, token = make_staff(session, credential.issuer, now)
    session.commit()
    return {"credential": credential, "headers": {"Authorization": f"Bearer {token}"}}


def url(staff, suffix=""):
    return f"/api/v1/awards/{staff['credential'].public_id}{suffix}"


def test_list_is_paginated(client, session, keyring, links, now, staff):
    for _ in range(2):
        make_award(session, keyring, links, now, issuer=staff["credential"].issuer)
    session.commit()
    page = client.get("/api/v1/awards?per_page=2&page=2", headers=staff["headers"]).json
    assert page["total"] == 3 and page["page"] == 2 and len(page["items"]) == 1


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=0", "per_page=101", "per_page=-1"])
def test_bad_pagination_is_422(client, staff, query):
    response = client.get(f"/api/v1/awards?{query}", headers=staff["headers"])
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) <= {"page", "per_page"}


def test_another_tiers_lieu_award_is_404_everywhere(client, session, keyring, links, now, staff):
    other = make_issuer(session, keyring, links, now)
    _, token = make_staff(session, other, now)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(url(staff), headers=headers).status_code == 404
    assert client.post(url(staff, "/revoke"), json={"reason": "x"}, headers=headers).status_code == 404
    assert client.post(url(staff, "/erase"), headers=headers).status_code == 404
    assert client.get(url(staff, "/download/ob3.json"), headers=headers).status_code == 404
    assert client.get("/api/v1/awards", headers=headers).json["total"] == 0


def test_revoke_needs_a_reason_then_works_once(client, session, staff):
    missing = client.post(url(staff, "/revoke"), json={}, headers=staff["headers"])
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    done = client.post(url(staff, "/revoke"), json={"reason": "Erreur de saisie"}, headers=staff["headers"])
    assert done.status_code == 200 and done.json["revoked"] is True
    again = client.post(url(staff, "/revoke"), json={"reason": "Encore"}, headers=staff["headers"])
    assert again.status_code == 409
    assert client.get(f"/ob2/assertions/{staff['credential'].public_id}").status_code == 410


def test_erase_removes_the_documents(client, staff):
    assert client.post(url(staff, "/erase"), headers=staff["headers"]).status_code == 204
    assert client.get(url(staff), headers=staff["headers"]).status_code == 404
    gone = client.get(
        f"/ob2/assertions/{staff['credential'].public_id}", headers={"Accept": "application/json"}
    )
    assert gone.status_code == 410 and gone.json["revoked"] is True
    assert (
        client.get(
            f"/credentials/{staff['credential'].public_id}", headers={"Accept": "application/json"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("ob3.json", "application/vc+ld+json"),
        ("ob3.jwt", "text/plain"),
        ("ob2.json", "application/ld+json"),
        ("ob2.jws", "text/plain"),
    ],
)
def test_text_downloads_from_the_api_and_the_public_page(client, staff, fmt, media_type):
    from_api = client.get(url(staff, f"/download/{fmt}"), headers=staff["headers"])
    public = client.get(f"/credentials/{staff['credential'].public_id}/download/{fmt}")
    assert from_api.status_code == public.status_code == 200
    assert from_api.mimetype == media_type
    assert "attachment" in from_api.headers["Content-Disposition"]
    assert from_api.data == public.data  # signed once, then served as stored
    if fmt.endswith(("jwt", "jws")):
        header, _ = jws.unverified_parts(from_api.data.decode())
        assert header["alg"] == "RS256"
    else:
        json.loads(from_api.data)


def test_unknown_download_format_is_404(client, staff):
    assert client.get(url(staff, "/download/ob4.exe"), headers=staff["headers"]).status_code == 404


def test_status_list_supports_conditional_requests(client, staff, links):
    path = f"/status/{staff['credential'].issuer.slug}/1"
    first = client.get(path)
    assert first.headers["ETag"] and "max-age=300" in first.headers["Cache-Control"]
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    client.post(url(staff, "/revoke"), json={"reason": "Erreur"}, headers=staff["headers"])
    third = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert third.status_code == 200 and third.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("fmt", ["ob3.png", "ob3.svg", "ob3-jwt.png", "ob3-jwt.svg", "ob2.png", "ob2.svg",
                                 "ob2-signed.png", "ob2-signed.svg"])  # fmt: skip
def test_baked_downloads_verify_through_the_public_endpoint(client, staff, fmt):
    public = client.get(f"/credentials/{staff['credential'].public_id}/download/{fmt}")
    assert public.status_code == 200
    assert public.mimetype == ("image/png" if fmt.endswith("png") else "image/svg+xml")
    report = client.post(
        "/api/v1/verify", data={"file": (io.BytesIO(public.data), f"badge.{fmt.split('.')[1]}")}
    )
    assert report.json["valid"] is True, report.json
    expected = {
        "ob3": "ob3-data-integrity",
        "ob3-jwt": "ob3-jwt",
        "ob2": "ob2-hosted",
        "ob2-signed": "ob2-signed",
    }
    assert report.json["format"] == expected[fmt.split(".")[0]]


def test_baked_image_is_the_one_of_the_revision_signed(client, session, staff, now):
    """Editing the class later changes neither the credential nor its baked image."""
    from badges.services.credentials import baking
    from badges.services.programme import badge_classes

    credential = staff["credential"]
    before = client.get(f"/credentials/{credential.public_id}/download/ob3.png").data
    badge_classes.update_badge_class(
        session, badge=credential.badge_class, data={"name": "Nouveau nom"}, now=now
    )
    session.commit()
    after = client.get(f"/credentials/{credential.public_id}/download/ob3.png").data
    assert after == before
    assert baking.unbake_png(after)["openbadgecredential"] == credential.ob3_credential
