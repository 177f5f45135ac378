"""A world for the API write tests: two tiers-lieux with objects of every kind, and a token per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from badges.models import (
    Agency,
    Attendance,
    BadgeClass,
    Beneficiary,
    Credential,
    Enrolment,
    Evaluation,
    Framework,
    Pathway,
    PersonalCriterion,
    Role,
    User,
)
from badges.services.accounts import users
from badges.services.programme import evaluation, pathways
from tests.factories import (
    coordination,
    enrol,
    grid,
    make_agency,
    make_atelier,
    make_badge_class,
    make_beneficiary,
    make_coordinator,
    make_issuer,
    make_pathway,
    make_rule_badge_class,
    make_staff,
)
from tests.web.programme_helpers import D06, D07, Api, count

# Every table a write may touch: a refused request changes none of them.
MODELS = (
    Agency,
    Attendance,
    BadgeClass,
    Beneficiary,
    Credential,
    Enrolment,
    Evaluation,
    Framework,
    Pathway,
    PersonalCriterion,
    User,
)
ROLES = ("anonymous", "counsellor", "coordinator", "staff", "owner")


def counts(session) -> dict[str, int]:
    return {model.__name__: count(session, model) for model in MODELS}


@dataclass
class World:
    clients: dict[str, Api]
    ids: dict[str, str]


def _owner_objects(session, keyring, links, now, issuer, staff: User) -> dict[str, Any]:
    """The owner's tiers-lieu: a badge awarded from a grid, a lowered result flagged, objectives set."""
    badge = make_rule_badge_class(session, issuer, now)
    spare = make_badge_class(session, issuer, now)  # awarded by hand only
    person = make_beneficiary(session, issuer, now)
    pathway = make_pathway(session, issuer, now)
    atelier = make_atelier(session, pathway, now)
    enrol(session, pathway, now, person)
    (award,) = grid(session, keyring, links, now, atelier, staff, [(person, D06, "N2"), (person, D07, "N1")])[
        1
    ].issued
    (flag,) = grid(session, keyring, links, now, atelier, staff, [(person, D06, "N1")])[1].flags
    objectives = {"criteria": [{"text": f"Objectif {n}", "rating": "N1"} for n in range(3)]}
    evaluation.set_criteria(session, pathway=pathway, beneficiary=person, data=objectives, now=now)
    return {
        "badge": badge.public_id,
        "spare_badge": spare.public_id,
        "person": person.public_id,
        "pathway": pathway.public_id,
        "atelier": atelier.public_id,
        "award": award.public_id,
        "flag": flag.public_id,
    }


def _own_objects(session, now, issuer) -> dict[str, Any]:
    """The other staff member's own tiers-lieu: what their bodies may rightly name."""
    badge = make_rule_badge_class(session, issuer, now)
    person = make_beneficiary(session, issuer, now, display_name="Karim")
    pathway = make_pathway(session, issuer, now)
    atelier = make_atelier(session, pathway, now)
    enrol(session, pathway, now, person)
    return {
        "my_badge": badge.public_id,
        "my_person": person.public_id,
        "my_pathway": pathway.public_id,
        "my_atelier": atelier.public_id,
    }


def _counsellor(session, now, agency: Agency) -> tuple[User, str]:
    user = pathways.create_counsellor(
        session, by=coordination(), agency=agency, data={"name": "Inès", "email": "ines@ft.example"}, now=now
    )
    assert user.role == Role.COUNSELLOR.value
    return user, users.create_token(session, user=user, label="test", now=now)


def make_world(session, keyring, links, now, client) -> World:
    owner_place = make_issuer(session, keyring, links, now, department="93")
    other_place = make_issuer(session, keyring, links, now)
    owner, owner_token = make_staff(session, owner_place, now)
    _, staff_token = make_staff(session, other_place, now)
    _, coordinator_token = make_coordinator(session, now)
    agency, elsewhere = make_agency(session, now), make_agency(session, now)
    counsellor, counsellor_token = _counsellor(session, now, agency)
    ids = {
        **_owner_objects(session, keyring, links, now, owner_place, owner),
        **_own_objects(session, now, other_place),
        "agency": agency.public_id,
        "other_agency": elsewhere.public_id,
        "counsellor": counsellor.public_id,
    }
    session.commit()
    tokens = {
        "anonymous": "",
        "counsellor": counsellor_token,
        "coordinator": coordinator_token,
        "staff": staff_token,
        "owner": owner_token,
    }
    return World({role: Api(client, token) for role, token in tokens.items()}, ids)


def fill(value: Any, ids: dict[str, str]) -> Any:
    """The body with `{name}` placeholders replaced by the world's ids, at every level."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value


def call(api: Api, method: str, url: str, body: Any) -> Any:
    """Send a JSON body (a str body is CSV, for the CSV import); an anonymous call sends no token."""
    kwargs: dict[str, Any] = {}
    if isinstance(body, str):
        kwargs = {"data": body.encode("utf-8"), "content_type": "text/csv"}
    elif body is not None:
        kwargs = {"json": body}
    if api.headers["Authorization"] == "Bearer ":
        return getattr(api.client, method.lower())("/api/v1" + url, **kwargs)
    return getattr(api, method.lower())(url, **kwargs)
