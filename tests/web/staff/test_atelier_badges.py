"""The atelier page lists the group's badges with a direct link to print each certificate."""

from __future__ import annotations

from badges.services.credentials import revocation
from tests.factories import make_atelier, make_award, make_pathway
from tests.web.staff.conftest import text


def test_the_atelier_page_links_each_badge_of_the_group_to_its_certificate(as_role, client, world):
    response = as_role("staff").get(f"/staff/ateliers/{world.atelier_id}")
    page, html = text(response), response.get_data(as_text=True)
    award = world.award.public_id
    assert "Badges du groupe" in page and world.award.beneficiary.display_name in page
    assert f'href="/staff/awards/{award}/certificate.pdf"' in html and "Imprimer le certificat" in page
    printed = client.get(f"/staff/awards/{award}/certificate.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"


def test_people_outside_the_group_and_revoked_badges_are_not_offered(
    as_role, session, world, keyring, links, now
):
    make_award(session, keyring, links, now, issuer=world.issuer, display_name="Hors du groupe")
    revocation.revoke(session, keyring, credential=world.award, reason="Erreur", links=links, now=now)
    session.commit()
    response = as_role("staff").get(f"/staff/ateliers/{world.atelier_id}")
    page, html = text(response), response.get_data(as_text=True)
    assert "Hors du groupe" not in page and "Révoqué" in page
    assert "certificate.pdf" not in html


def test_an_empty_group_has_no_badge_yet(as_role, session, world, now):
    atelier = make_atelier(session, make_pathway(session, world.issuer, now), now)
    session.commit()
    assert "Pas encore de badge pour ce groupe." in text(
        as_role("staff").get(f"/staff/ateliers/{atelier.public_id}")
    )
