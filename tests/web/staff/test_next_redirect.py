"""The `next` address of the sign-in page: a path of the staff pages or nothing, never a 500."""

from __future__ import annotations

import pytest

from tests.web.staff.conftest import PASSWORD, post

REFUSED = [
    "/staff/\r\nSet-Cookie: evil=1",
    "/staff/\nLocation: https://evil.example",
    "/staff/%0d%0aSet-Cookie:%20evil=1",
    "/staff/%0D%0ALocation:%20https://evil.example",
    "/staff/\tx",
    "/staff/\x00",
    "/staff/\x7f",
    "//evil.example",
    "//evil.example/staff/",
    "///evil.example/staff/",
    "/\\evil.example",
    "/staff/\\evil",
    "/staff/%5C%5Cevil.example",
    "%2F%2Fevil.example/staff/",
    "/%2F%2Fevil.example/staff/",
    "\t//evil.example/staff/",
    " //evil.example/staff/",
    "https://evil.example/staff/",
    "https:/evil.example/staff/",
    "HTTPS://evil.example",
    "javascript:alert(1)//staff/",
    "JaVaScRiPt:alert(1)",
    "javascript%3Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/public",
    "staff/awards",
    "",
]


@pytest.mark.parametrize("target", REFUSED)
def test_a_next_address_off_the_staff_pages_falls_back_to_the_home(client, world, target):
    response = post(
        client, "/staff/login", {"email": world.users["staff"].email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize("target", REFUSED)
def test_the_sign_in_page_never_fails_on_a_next_address(client, world, target):
    response = client.get("/staff/login", query_string={"next": target})
    assert response.status_code == 200
    assert 'name="next"' not in response.get_data(as_text=True)  # the form does not carry it on


@pytest.mark.parametrize(
    "target", ["/staff/awards?status=valide", "/staff/beneficiaries", "/staff/awards?q=caf%C3%A9"]
)
def test_a_staff_page_is_kept_as_the_next_address(client, world, target):
    response = post(
        client, "/staff/login", {"email": world.users["staff"].email, "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == target


def test_an_encoded_line_break_in_a_staff_address_still_asks_to_sign_in(client):
    response = client.get("/staff/beneficiaries%0d%0aSet-Cookie:%20evil=1")
    assert response.status_code in (302, 404)
    assert "evil" not in response.headers.get("Location", "")
