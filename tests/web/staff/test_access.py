"""Every staff route against every role, and the table itself checked against the app's routes.

Rules (badges/web/staff/access.py): anonymous -> 302 to the sign-in page; a role the screen is not for
-> 403; another tiers-lieu's object -> 404; the right role -> the page (or, for a form sent empty, its
422 with the errors). A new route without a line in TABLE fails `test_every_staff_route_is_in_the_table`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from badges.db import get_session
from badges.models import Endorsement, Role
from badges.services.accounts import staff_accounts
from badges.services.credentials import endorsements
from badges.services.credentials.endorsements import EndorserSettings
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.programme import actors, pathways
from tests.web.staff.conftest import ROLES, form_token, make_user, sign_in

STAFF = frozenset({"staff", "other_staff"})
COORDINATOR = frozenset({"coordinator"})
SIGNED_IN = frozenset({"coordinator", "staff", "other_staff", "counsellor"})
PUBLIC = frozenset({"anonymous", *SIGNED_IN})


@dataclass(frozen=True)
class Expect:
    url: str
    roles: frozenset[str]
    # What an allowed role gets (a POST is sent empty: its form answers 422, an action 303).
    ok: int = 200
    # The URL names an object of the first tiers-lieu: the second one's staff gets 404.
    scoped: bool = False
    # What a signed-in account gets on a public page, when it differs from `ok`.
    signed_in: int | None = None
    # The URL's person is marked present at the atelier first (the ressenti screens are for them only).
    present: bool = False
    # What the second tiers-lieu's staff gets, when it differs from `ok` (and from 404 when scoped).
    other_staff: int | None = None
    # What a counsellor gets, when it differs from `ok` (the coordination's endorsement is not theirs: 404).
    counsellor: int | None = None


TABLE: dict[tuple[str, str], Expect] = {
    ("staff.login", "GET"): Expect("/staff/login", PUBLIC, signed_in=302),
    ("staff.login", "POST"): Expect("/staff/login", PUBLIC, ok=422),
    ("staff.logout", "POST"): Expect("/staff/logout", SIGNED_IN, ok=303),
    ("staff.forgot_password", "GET"): Expect("/staff/password/forgot", PUBLIC),
    ("staff.forgot_password", "POST"): Expect("/staff/password/forgot", PUBLIC, ok=422),
    ("staff.reset_password", "GET"): Expect("/staff/password/reset/{reset}", PUBLIC),
    ("staff.reset_password", "POST"): Expect("/staff/password/reset/{reset}", PUBLIC, ok=422),
    ("staff.accept_invitation", "GET"): Expect("/staff/invitation/{invitation}", PUBLIC),
    ("staff.accept_invitation", "POST"): Expect("/staff/invitation/{invitation}", PUBLIC, ok=422),
    ("staff.home", "GET"): Expect("/staff/", SIGNED_IN),
    ("staff.account", "GET"): Expect("/staff/account", SIGNED_IN),
    ("staff.change_password", "POST"): Expect("/staff/account/password", SIGNED_IN, ok=422),
    ("staff.awards", "GET"): Expect("/staff/awards", STAFF),
    ("staff.award", "GET"): Expect("/staff/awards/{award}", STAFF, scoped=True),
    ("staff.revoke", "GET"): Expect("/staff/awards/{award}/revoke", STAFF, scoped=True),
    ("staff.revoke", "POST"): Expect("/staff/awards/{award}/revoke", STAFF, ok=422, scoped=True),
    ("staff.award_download", "GET"): Expect("/staff/awards/{award}/download/ob3.json", STAFF, scoped=True),
    ("staff.award_certificate", "GET"): Expect("/staff/awards/{award}/certificate.pdf", STAFF, scoped=True),
    ("staff.award_send", "POST"): Expect("/staff/awards/{award}/send", STAFF, ok=303, scoped=True),
    ("staff.award_wallet", "POST"): Expect("/staff/awards/{award}/wallet", STAFF, scoped=True),
    ("staff.award_wallet_offer", "POST"): Expect("/staff/awards/{award}/oid4vci", STAFF, scoped=True),
    ("staff.issuer", "GET"): Expect("/staff/issuer", STAFF),
    ("staff.issuer_edit", "GET"): Expect("/staff/issuer/edit", STAFF),
    ("staff.issuer_edit", "POST"): Expect("/staff/issuer/edit", STAFF, ok=422),
    ("staff.keys", "GET"): Expect("/staff/keys", STAFF),
    ("staff.keys_rotate", "GET"): Expect("/staff/keys/rotate", STAFF),
    ("staff.keys_rotate", "POST"): Expect("/staff/keys/rotate", STAFF, ok=422),
    ("staff.key_compromise", "GET"): Expect("/staff/keys/{key}/compromise", STAFF, scoped=True),
    ("staff.key_compromise", "POST"): Expect("/staff/keys/{key}/compromise", STAFF, ok=422, scoped=True),
    ("staff.network_list", "GET"): Expect("/staff/network", COORDINATOR),
    ("staff.network_new", "GET"): Expect("/staff/network/new", COORDINATOR),
    ("staff.network_new", "POST"): Expect("/staff/network/new", COORDINATOR, ok=422),
    ("staff.network_place", "GET"): Expect("/staff/network/{slug}", COORDINATOR),
    ("staff.network_invite", "POST"): Expect("/staff/network/{slug}/invite", COORDINATOR, ok=422),
    # Programme screens (pathways, ateliers, grid, beneficiaries, key figures, counsellor view).
    ("staff.pathways_list", "GET"): Expect("/staff/pathways", STAFF),
    ("staff.pathway_new", "GET"): Expect("/staff/pathways/new", STAFF),
    ("staff.pathway_new", "POST"): Expect("/staff/pathways/new", STAFF, ok=422),
    ("staff.pathway", "GET"): Expect("/staff/pathways/{pathway}", STAFF, scoped=True),
    ("staff.pathway_edit", "GET"): Expect("/staff/pathways/{pathway}/edit", STAFF, scoped=True),
    ("staff.pathway_edit", "POST"): Expect("/staff/pathways/{pathway}/edit", STAFF, ok=422, scoped=True),
    ("staff.pathway_enrol", "POST"): Expect("/staff/pathways/{pathway}/enrol", STAFF, ok=422, scoped=True),
    ("staff.objectives", "GET"): Expect(
        "/staff/pathways/{pathway}/people/{beneficiary}/objectives", STAFF, scoped=True
    ),
    ("staff.objectives_set", "POST"): Expect(
        "/staff/pathways/{pathway}/people/{beneficiary}/objectives", STAFF, ok=422, scoped=True
    ),
    ("staff.objectives_rate", "POST"): Expect(
        "/staff/pathways/{pathway}/people/{beneficiary}/objectives/ratings", STAFF, ok=422, scoped=True
    ),
    ("staff.atelier_new", "GET"): Expect("/staff/pathways/{pathway}/ateliers/new", STAFF, scoped=True),
    ("staff.atelier_new", "POST"): Expect(
        "/staff/pathways/{pathway}/ateliers/new", STAFF, ok=422, scoped=True
    ),
    ("staff.ateliers", "GET"): Expect("/staff/ateliers", STAFF),
    ("staff.atelier", "GET"): Expect("/staff/ateliers/{atelier}", STAFF, scoped=True),
    ("staff.atelier_edit", "GET"): Expect("/staff/ateliers/{atelier}/edit", STAFF, scoped=True),
    ("staff.atelier_edit", "POST"): Expect("/staff/ateliers/{atelier}/edit", STAFF, ok=422, scoped=True),
    ("staff.atelier_attendance", "POST"): Expect(
        "/staff/ateliers/{atelier}/attendance", STAFF, ok=303, scoped=True
    ),
    ("staff.atelier_grid", "GET"): Expect("/staff/ateliers/{atelier}/grid", STAFF, scoped=True),
    ("staff.atelier_grid", "POST"): Expect("/staff/ateliers/{atelier}/grid", STAFF, ok=422, scoped=True),
    ("staff.atelier_grid_draft", "POST"): Expect(
        "/staff/ateliers/{atelier}/grid/draft", STAFF, ok=204, scoped=True
    ),
    # The ressenti: the tablet round (a screen per person present), the person's answers exported.
    ("staff.ressenti_start", "GET"): Expect("/staff/ateliers/{atelier}/ressenti", STAFF, scoped=True),
    ("staff.ressenti_person", "GET"): Expect(
        "/staff/ateliers/{atelier}/ressenti/{beneficiary}", STAFF, scoped=True, present=True
    ),
    ("staff.ressenti_person", "POST"): Expect(
        "/staff/ateliers/{atelier}/ressenti/{beneficiary}", STAFF, ok=422, scoped=True, present=True
    ),
    ("staff.ressenti_export", "GET"): Expect(
        "/staff/beneficiaries/{beneficiary}/ressenti.json", STAFF, scoped=True
    ),
    ("staff.beneficiaries_list", "GET"): Expect("/staff/beneficiaries", STAFF),
    ("staff.beneficiary_new", "GET"): Expect("/staff/beneficiaries/new", STAFF),
    ("staff.beneficiary_new", "POST"): Expect("/staff/beneficiaries/new", STAFF, ok=422),
    ("staff.beneficiary", "GET"): Expect("/staff/beneficiaries/{beneficiary}", STAFF, scoped=True),
    ("staff.beneficiary_edit", "GET"): Expect("/staff/beneficiaries/{beneficiary}/edit", STAFF, scoped=True),
    ("staff.beneficiary_edit", "POST"): Expect(
        "/staff/beneficiaries/{beneficiary}/edit", STAFF, ok=422, scoped=True
    ),
    ("staff.beneficiary_consent", "POST"): Expect(
        "/staff/beneficiaries/{beneficiary}/consent", STAFF, ok=303, scoped=True
    ),
    ("staff.beneficiary_award", "POST"): Expect(
        "/staff/beneficiaries/{beneficiary}/award", STAFF, ok=422, scoped=True
    ),
    ("staff.access_card_pdf", "GET"): Expect(
        "/staff/beneficiaries/{beneficiary}/access-card.pdf", STAFF, scoped=True
    ),
    # Sent empty, the renewal only asks for confirmation (200); nothing is renewed.
    ("staff.private_link_renew", "POST"): Expect(
        "/staff/beneficiaries/{beneficiary}/private-link/renew", STAFF, scoped=True
    ),
    ("staff.beneficiaries_import", "GET"): Expect("/staff/beneficiaries/import", STAFF),
    ("staff.beneficiaries_import", "POST"): Expect("/staff/beneficiaries/import", STAFF, ok=422),
    # Programme import and export (issue 14): staff for their tiers-lieu, coordinators for any.
    ("staff.programme_import", "GET"): Expect("/staff/programme/import", STAFF),
    ("staff.programme_import", "POST"): Expect("/staff/programme/import", STAFF, ok=422),
    ("staff.programme_export_csv", "GET"): Expect("/staff/programme/export.csv", STAFF),
    ("staff.programme_export_xlsx", "GET"): Expect("/staff/programme/export.xlsx", STAFF),
    ("staff.network_programme_import", "GET"): Expect("/staff/network/{slug}/programme/import", COORDINATOR),
    ("staff.network_programme_import", "POST"): Expect(
        "/staff/network/{slug}/programme/import", COORDINATOR, ok=422
    ),
    ("staff.network_programme_export", "GET"): Expect(
        "/staff/network/{slug}/programme/export.csv", COORDINATOR
    ),
    ("staff.figures", "GET"): Expect("/staff/figures", COORDINATOR | STAFF),
    ("staff.figures_csv", "GET"): Expect("/staff/figures.csv", COORDINATOR | STAFF),
    ("staff.agency", "GET"): Expect("/staff/agency", frozenset({"counsellor"})),
    # Endorsements (issue 16): the coordination and counsellors, never a tiers-lieu's staff; sent empty, the
    # form answers 422; {endorsement} is the coordination's, so a counsellor's withdrawal of it is a 404.
    ("staff.endorsements_page", "GET"): Expect("/staff/endorsements", COORDINATOR | {"counsellor"}),
    ("staff.endorsements_page", "POST"): Expect("/staff/endorsements", COORDINATOR | {"counsellor"}, ok=422),
    ("staff.endorsement_withdraw", "POST"): Expect(
        "/staff/endorsements/{endorsement}/withdraw", COORDINATOR | {"counsellor"}, ok=303, counsellor=404
    ),
    # Frameworks screens (browse, import, export): {framework} is a default framework's slug.
    ("staff.frameworks_list", "GET"): Expect("/staff/frameworks", COORDINATOR | STAFF),
    ("staff.framework", "GET"): Expect("/staff/frameworks/{framework}", COORDINATOR | STAFF),
    ("staff.framework_export", "GET"): Expect(
        "/staff/frameworks/{framework}/export.csv", COORDINATOR | STAFF
    ),
    ("staff.framework_import", "GET"): Expect("/staff/frameworks/import", COORDINATOR | STAFF),
    ("staff.framework_import", "POST"): Expect("/staff/frameworks/import", COORDINATOR | STAFF, ok=422),
    # -- end of frameworks screens
    # Badge class screens: {badge_class} is the award's class.
    ("staff.badge_classes_list", "GET"): Expect("/staff/badge-classes", STAFF),
    ("staff.badge_class_new", "GET"): Expect("/staff/badge-classes/new", STAFF),
    ("staff.badge_class_new", "POST"): Expect("/staff/badge-classes/new", STAFF, ok=422),
    ("staff.badge_class", "GET"): Expect("/staff/badge-classes/{badge_class}", STAFF, scoped=True),
    ("staff.badge_class_edit", "GET"): Expect("/staff/badge-classes/{badge_class}/edit", STAFF, scoped=True),
    ("staff.badge_class_edit", "POST"): Expect(
        "/staff/badge-classes/{badge_class}/edit", STAFF, ok=422, scoped=True
    ),
    ("staff.badge_class_delete", "GET"): Expect(
        "/staff/badge-classes/{badge_class}/delete", STAFF, scoped=True
    ),
    # That class has been awarded: its deletion is refused as a conflict (409), whatever the form sends.
    ("staff.badge_class_delete", "POST"): Expect(
        "/staff/badge-classes/{badge_class}/delete", STAFF, ok=409, scoped=True
    ),
    # Sharing with the network (issue 16): sent empty, the form asks to choose (422); another's class is 404.
    ("staff.badge_class_share", "POST"): Expect(
        "/staff/badge-classes/{badge_class}/share", STAFF, ok=422, scoped=True
    ),
    # -- end of badge class screens
    # Review flags: {flag} is an open flag on the award.
    ("staff.flags", "GET"): Expect("/staff/flags", STAFF),
    ("staff.flag_resolve", "GET"): Expect("/staff/flags/{flag}", STAFF, scoped=True),
    # The note is optional: an empty form marks the flag as reviewed.
    ("staff.flag_resolve", "POST"): Expect("/staff/flags/{flag}", STAFF, ok=303, scoped=True),
    # -- end of review flags
    # Partner agencies (coordination): {agency} is the counsellor's agency.
    ("staff.partner_agencies", "GET"): Expect("/staff/agencies", COORDINATOR),
    ("staff.partner_agency_new", "GET"): Expect("/staff/agencies/new", COORDINATOR),
    ("staff.partner_agency_new", "POST"): Expect("/staff/agencies/new", COORDINATOR, ok=422),
    ("staff.partner_agency", "GET"): Expect("/staff/agencies/{agency}", COORDINATOR),
    ("staff.partner_agency_invite", "POST"): Expect("/staff/agencies/{agency}/invite", COORDINATOR, ok=422),
    # Bulk issuance progress: {bulk} is a bulk job of the first tiers-lieu.
    ("staff.bulk_issue", "GET"): Expect("/staff/bulk/{bulk}", STAFF, scoped=True),
    ("staff.bulk_issue_progress", "GET"): Expect("/staff/bulk/{bulk}/progress", STAFF, scoped=True),
    # Import progress: {imported} is an import job of the first tiers-lieu (a coordinator sees any).
    ("staff.import_job", "GET"): Expect("/staff/imports/{imported}", STAFF | COORDINATOR, scoped=True),
    ("staff.import_job_progress", "GET"): Expect(
        "/staff/imports/{imported}/progress", STAFF | COORDINATOR, scoped=True
    ),
    # End of pathway (issue 14, outcome): {actor} is an entry of the first tiers-lieu's directory; another
    # tiers-lieu's staff reads the shared directory but may not edit it (403, not 404: it is not secret).
    ("staff.actors_list", "GET"): Expect("/staff/actors", COORDINATOR | STAFF),
    ("staff.actor_new", "GET"): Expect("/staff/actors/new", COORDINATOR | STAFF),
    ("staff.actor_new", "POST"): Expect("/staff/actors/new", COORDINATOR | STAFF, ok=422),
    ("staff.actor_edit", "GET"): Expect("/staff/actors/{actor}/edit", COORDINATOR | STAFF, other_staff=403),
    ("staff.actor_edit", "POST"): Expect(
        "/staff/actors/{actor}/edit", COORDINATOR | STAFF, ok=422, other_staff=403
    ),
    ("staff.pathway_end", "GET"): Expect("/staff/pathways/{pathway}/end", STAFF, scoped=True),
    # Sent without the confirmation box, nothing closes.
    ("staff.pathway_close", "POST"): Expect("/staff/pathways/{pathway}/close", STAFF, ok=422, scoped=True),
    ("staff.outcome", "GET"): Expect(
        "/staff/pathways/{pathway}/people/{beneficiary}/outcome", STAFF, scoped=True
    ),
    ("staff.outcome", "POST"): Expect(
        "/staff/pathways/{pathway}/people/{beneficiary}/outcome", STAFF, ok=422, scoped=True
    ),
    ("staff.beneficiary_outcomes_export", "GET"): Expect(
        "/staff/beneficiaries/{beneficiary}/outcomes.json", STAFF, scoped=True
    ),
    ("staff.restitution_network", "GET"): Expect("/staff/restitution", COORDINATOR),
    ("staff.restitution_pathway", "GET"): Expect("/staff/restitution/{pathway}", COORDINATOR),
    # {account}: a spare account of the second tiers-lieu (the roles signing in afterwards stay usable).
    ("staff.account_disable", "POST"): Expect("/staff/accounts/{account}/disable", COORDINATOR, ok=303),
}


def staff_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("staff.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_staff_route_is_in_the_table(app):
    routes = staff_routes(app)
    assert routes - set(TABLE) == set(), "routes without an access expectation: add them to TABLE"
    assert set(TABLE) - routes == set(), "TABLE names routes that no longer exist"


def expected(expect: Expect, role: str) -> int:
    if role == "anonymous" and expect.roles is not PUBLIC:
        return 302
    if role not in expect.roles:
        return 403
    if role == "other_staff" and expect.other_staff is not None:
        return expect.other_staff
    if role == "counsellor" and expect.counsellor is not None:
        return expect.counsellor
    if expect.scoped and role == "other_staff":
        return 404
    if role != "anonymous" and expect.signed_in is not None:
        return expect.signed_in
    return expect.ok


def spare_account(app, world, now) -> str:
    with app.app_context():
        session = get_session()
        user = make_user(session, now, Role.STAFF, issuer=session.merge(world.other_issuer))
        session.commit()
        return user.public_id


def directory_entry(app, world, now) -> str:
    """An entry of the first tiers-lieu's directory (services/programme/actors.py)."""
    with app.app_context():
        session = get_session()
        user = session.merge(world.users["staff"])
        data = {"kind": "ccas", "name": "CCAS", "department": "92"}
        actor = actors.create_actor(session, by=user, data=data, now=now)
        session.commit()
        return actor.public_id


def network_endorsement(app, world, now) -> str:
    """The coordination's endorsement of the second tiers-lieu (services/credentials/endorsements.py)."""
    with app.app_context():
        session = get_session()
        given = session.scalars(select(Endorsement).where(Endorsement.withdrawn_at.is_(None))).first()
        if given is not None:
            return given.public_id
        data = {"target": "issuer", "id": world.other_issuer.slug, "comment": "Le réseau le recommande."}
        settings = EndorserSettings(network_name="Coordination", email="coordination@example.org")
        keys = Keyring(Path(app.config["KEYS_DIR"]), app.config["KEY_PASSPHRASE"].encode())
        row = endorsements.endorse(
            session,
            keys,
            actor=session.merge(world.users["coordinator"]),
            data=data,
            settings=settings,
            links=Links(app.config["BASE_URL"]),
            now=now,
        )
        session.commit()
        return row.public_id


def concrete_url(expect: Expect, world, app, now) -> str:
    secret, user = app.config["SECRET_KEY"], world.users["staff"]
    return expect.url.format(
        actor=directory_entry(app, world, now) if "{actor}" in expect.url else "",
        endorsement=network_endorsement(app, world, now) if "{endorsement}" in expect.url else "",
        account=spare_account(app, world, now) if "{account}" in expect.url else "",
        award=world.award.public_id,
        key=world.key_id,
        slug=world.other_issuer.slug,
        pathway=world.pathway_id,
        atelier=world.atelier_id,
        beneficiary=world.award.beneficiary.public_id,
        badge_class=world.award.badge_class.public_id,
        framework="pix-crcn",
        flag=world.flag_id,
        bulk=world.bulk_id,
        imported=world.import_id,
        agency=world.users["counsellor"].agency.public_id,
        reset=staff_accounts.link_token(secret, user=user, purpose=staff_accounts.RESET, now=now),
        invitation=staff_accounts.link_token(secret, user=user, purpose=staff_accounts.INVITATION, now=now),
    )


def mark_present(app, world) -> None:
    with app.app_context():
        session = get_session()
        atelier = pathways.atelier_in_scope(session, world.atelier_id, None)
        person = {"beneficiary": world.award.beneficiary.public_id, "present": True}
        pathways.record_attendance(session, atelier=atelier, data={"attendance": [person]})
        session.commit()


# The staff account, whose allowed actions may change the world (a flag reviewed, a badge sent), goes last.
ORDER = sorted(ROLES, key=lambda role: role == "staff")


def answer(app, world, now, expect: Expect, method: str, role: str) -> tuple[int, str]:
    """What one role gets, from a fresh client (its own cookies)."""
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, world.users[role])
    url = concrete_url(expect, world, app, now)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": form_token(client)})
    if response.status_code == 302 and role == "anonymous":
        assert response.headers["Location"].startswith("/staff/login"), url
    page = response.get_data()[:500].decode("utf-8", errors="replace")
    return response.status_code, page


@pytest.mark.parametrize(("endpoint", "method"), sorted(TABLE))
def test_access(app, world, now, endpoint, method):
    """Every role against one route (one world per route: building it is most of the cost)."""
    expect = TABLE[(endpoint, method)]
    if expect.present:
        mark_present(app, world)
    wrong = {}
    for role in ORDER:
        status, body = answer(app, world, now, expect, method, role)
        if status != expected(expect, role):
            wrong[role] = (status, expected(expect, role), body)
    assert wrong == {}, "role: (got, expected, page)"
