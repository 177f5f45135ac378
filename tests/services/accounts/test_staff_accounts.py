"""Staff sign-in services: authentication and throttling, the password policy, link tokens, invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from badges.models import LoginAttempt, Role
from badges.services.accounts import staff_accounts, staff_sessions, users
from badges.services.accounts.account_mail import invitation_email, reset_email
from badges.services.accounts.staff_accounts import LinkRefused, SignInRefused
from badges.services.shared import throttling
from badges.services.shared.errors import InvalidInput, TooManyAttempts
from tests.factories import make_agency, make_issuer

SECRET = "secret de test"
PASSWORD = "correct horse battery"


@pytest.fixture
def member(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    user = staff_accounts.invite(
        session, data={"email": "Ines@Example.org", "name": "Inès", "role": "staff"}, issuer=issuer, now=now
    )
    staff_accounts.set_password(session, user=user, password=PASSWORD, confirm=PASSWORD, now=now)
    session.flush()
    return user


def sign(session, email, password, now, ip="192.0.2.1"):
    staff_accounts.begin_sign_in(session, email=email, password=password, ip=ip, now=now)
    return staff_accounts.check_credentials(session, email=email, password=password)


def test_authenticate_accepts_the_right_password_whatever_the_case_of_the_address(session, member, now):
    assert sign(session, " INES@example.org ", PASSWORD, now) is member


@pytest.mark.parametrize(
    ("email", "password"), [("ines@example.org", "faux"), ("inconnu@example.org", PASSWORD)]
)
def test_authenticate_refuses_with_one_message_and_counts_it(session, member, now, email, password):
    with pytest.raises(SignInRefused) as refused:
        sign(session, email, password, now)
    assert refused.value.message == staff_accounts.BAD_CREDENTIALS.french
    assert throttling.blocked(session, kind="login", email=email, ip="192.0.2.1", now=now) is False


def test_an_invited_account_without_password_cannot_sign_in(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    staff_accounts.invite(
        session, data={"email": "a@example.org", "name": "A", "role": "staff"}, issuer=issuer, now=now
    )
    with pytest.raises(SignInRefused):
        sign(session, "a@example.org", "nimporte quel mot de passe", now)


def test_the_window_slides(session, member, now):
    for minute in range(5):
        with pytest.raises(SignInRefused):
            sign(session, "ines@example.org", "faux", now + timedelta(minutes=minute))
    with pytest.raises(TooManyAttempts):
        sign(session, "ines@example.org", PASSWORD, now + timedelta(minutes=14))
    # The first failure left the window: one more try is allowed.
    assert sign(session, "ines@example.org", PASSWORD, now + timedelta(minutes=15, seconds=1)) is member


def test_old_attempts_are_purged(session, now):
    throttling.record(
        session, kind="login", email="a@example.org", ip="192.0.2.1", now=now - timedelta(days=2)
    )
    throttling.record(session, kind="login", email="b@example.org", ip="192.0.2.1", now=now)
    session.flush()
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def test_attempts_store_no_e_mail_in_clear(session, now):
    throttling.record(session, kind="login", email="Secret@Example.org", ip="192.0.2.1", now=now)
    session.flush()
    row = session.scalars(select(LoginAttempt)).one()
    assert "secret" not in row.email_hash and len(row.email_hash) == 64


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        (None, None, "password", "Choisissez un mot de passe."),
        ("court", "court", "password", "Le mot de passe doit avoir au moins 12 caractères."),
        ("x" * 201, "x" * 201, "password", "Le mot de passe dépasse 200 caractères."),
        (
            "ines@example.org",
            "ines@example.org",
            "password",
            "Le mot de passe ne peut pas être votre adresse e-mail.",
        ),
        (PASSWORD, PASSWORD + " ", "confirm", "Les deux mots de passe ne sont pas identiques."),
    ],
)
def test_password_policy(session, member, now, password, confirm, field, message):
    before = member.password_hash
    with pytest.raises(InvalidInput) as refused:
        staff_accounts.set_password(session, user=member, password=password, confirm=confirm, now=now)
    assert refused.value.fields == {field: message}
    assert member.password_hash == before


def test_a_link_token_round_trips_and_serves_once(session, member, now):
    token = staff_accounts.link_token(SECRET, user=member, purpose="reset", now=now)
    assert staff_accounts.user_for_link(session, SECRET, token=token, purpose="reset", now=now) is member
    new = "une autre phrase longue"
    staff_accounts.set_password(session, user=member, password=new, confirm=new, now=now)
    with pytest.raises(LinkRefused) as used:
        staff_accounts.user_for_link(session, SECRET, token=token, purpose="reset", now=now)
    assert used.value.message == staff_accounts.LINK_USED.french


@pytest.mark.parametrize(
    ("purpose", "age", "message"),
    [
        ("reset", timedelta(minutes=59), None),
        ("reset", timedelta(minutes=61), staff_accounts.LINK_EXPIRED.french),
        ("invitation", timedelta(days=6, hours=23), None),
        ("invitation", timedelta(days=7, minutes=1), staff_accounts.LINK_EXPIRED.french),
        ("invitation", -timedelta(hours=1), staff_accounts.LINK_EXPIRED.french),
    ],
)
def test_link_lifetimes(session, member, now, purpose, age, message):
    token = staff_accounts.link_token(SECRET, user=member, purpose=purpose, now=now)
    if message is None:
        assert staff_accounts.user_for_link(session, SECRET, token=token, purpose=purpose, now=now + age)
        return
    with pytest.raises(LinkRefused) as refused:
        staff_accounts.user_for_link(session, SECRET, token=token, purpose=purpose, now=now + age)
    assert refused.value.message == message


@pytest.mark.parametrize("change", ["other secret", "other purpose", "truncated", "garbage", "disabled"])
def test_tampered_links_are_refused(session, member, now, change):
    token = staff_accounts.link_token(SECRET, user=member, purpose="reset", now=now)
    secret, purpose = SECRET, "reset"
    if change == "other secret":
        secret = "autre"
    elif change == "other purpose":
        purpose = "invitation"
    elif change == "truncated":
        token = token[:-2]
    elif change == "garbage":
        token = "pas.un.jeton"
    else:
        member.is_active = False
    with pytest.raises(LinkRefused) as refused:
        staff_accounts.user_for_link(session, secret, token=token, purpose=purpose, now=now)
    assert refused.value.message == staff_accounts.LINK_INVALID.french


def test_a_signed_payload_of_the_wrong_shape_is_refused(session, now):
    token = staff_accounts.link_serializer(SECRET, "reset").dumps(["u", 1])
    with pytest.raises(LinkRefused):
        staff_accounts.user_for_link(session, SECRET, token=token, purpose="reset", now=now)


def test_a_new_password_ends_every_session_of_the_account(session, member, now):
    limits = staff_sessions.Limits(idle=timedelta(hours=1), lifetime=timedelta(hours=12))
    tokens = [staff_sessions.open_session(session, user=member, limits=limits, now=now) for _ in range(2)]
    assert all(staff_sessions.resolve(session, t, limits=limits, now=now) is member for t in tokens)
    new = "une autre phrase longue"
    staff_accounts.set_password(session, user=member, password=new, confirm=new, now=now)
    assert [staff_sessions.resolve(session, t, limits=limits, now=now) for t in tokens] == [None, None]


def test_disabling_an_account_ends_its_sessions_and_revokes_its_tokens(session, member, now):
    limits = staff_sessions.Limits(idle=timedelta(hours=1), lifetime=timedelta(hours=12))
    token = staff_sessions.open_session(session, user=member, limits=limits, now=now)
    api_token = users.create_token(session, user=member, label="test", now=now)
    session.flush()
    staff_accounts.disable(session, user=member, now=now)
    assert staff_sessions.resolve(session, token, limits=limits, now=now) is None
    assert users.user_for_token(session, api_token, now=now) is None
    assert all(t.revoked_at == now for t in member.tokens)


@pytest.mark.parametrize(
    ("role", "place", "field"),
    [("staff", None, "issuer"), ("counsellor", None, "agency"), ("coordinator", "issuer", "role")],
)
def test_an_invitation_needs_the_place_of_its_role(session, keyring, links, now, role, place, field):
    issuer = make_issuer(session, keyring, links, now) if place else None
    with pytest.raises(InvalidInput) as refused:
        staff_accounts.invite(
            session, data={"email": "x@example.org", "name": "X", "role": role}, issuer=issuer, now=now
        )
    assert set(refused.value.fields) == {field}


def test_a_counsellor_is_invited_to_an_agency(session, now):
    agency = make_agency(session, now)
    user = staff_accounts.invite(
        session,
        data={"email": "c@example.org", "name": "C", "role": "counsellor"},
        issuer=None,
        agency=agency,
        now=now,
    )
    assert user.agency is agency and user.role == Role.COUNSELLOR and user.password_hash is None
    again = staff_accounts.invite(
        session,
        data={"email": "c@example.org", "name": "C", "role": "counsellor"},
        issuer=None,
        agency=agency,
        now=now,
    )
    assert again is user


def test_invitation_fields_are_checked(session, now):
    with pytest.raises(InvalidInput) as refused:
        staff_accounts.invite(
            session, data={"email": "nope", "name": "", "role": "chef"}, issuer=None, now=now
        )
    assert set(refused.value.fields) == {"email", "name", "role"}


def test_account_states(member):
    assert staff_accounts.account_state(member) == "active"
    member.password_hash = None
    assert staff_accounts.account_state(member) == "pending"
    member.is_active = False
    assert staff_accounts.account_state(member) == "inactive"


def test_e_mails_are_french_with_a_text_and_an_escaped_html_part(member):
    member.name = "<Inès>"
    invitation = invitation_email(member, url="https://badges.example/staff/invitation/abc")
    assert invitation.to == "ines@example.org"
    assert "<Inès>" in invitation.text and "&lt;Inès&gt;" in invitation.html
    assert "pendant 7 jours" in invitation.text and member.issuer.name in invitation.text
    reset = reset_email(member, url="https://badges.example/staff/password/reset/abc")
    assert (
        "pendant 60 minutes" in reset.text and "https://badges.example/staff/password/reset/abc" in reset.html
    )


def test_the_stored_hash_is_argon2id(member):
    assert member.password_hash.startswith("$argon2id$")
    assert users.check_password(member, PASSWORD)
