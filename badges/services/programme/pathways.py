"""Pathways of a tiers-lieu, partner agencies, enrolments, ateliers and attendance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import (
    Agency,
    Atelier,
    Attendance,
    BadgeClass,
    Beneficiary,
    Enrolment,
    Issuer,
    Pathway,
    Role,
    User,
)
from badges.services.accounts import network, users
from badges.services.programme import budgets, class_scope, frameworks
from badges.services.shared import lookup, profiles
from badges.services.shared.errors import Conflict, InvalidInput, NotFound
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import BAD_DEPARTMENT, DEPARTMENT_RE, Fields

BENEFICIARY_NOT_FOUND = message("beneficiary.not_found", N_("Bénéficiaire introuvable."))
ATELIER_NOT_FOUND = message("atelier.not_found", N_("Atelier introuvable."))
PATHWAY_NOT_FOUND = message("pathway.not_found", N_("Parcours introuvable."))
NOT_ENROLLED = message("pathway.not_enrolled", N_("Ce bénéficiaire n'est pas inscrit à ce parcours."))
ALREADY_ENROLLED = message("pathway.already_enrolled", N_("Ce bénéficiaire est déjà inscrit à ce parcours."))
UNKNOWN_AGENCY = message("pathway.unknown_agency", N_("Agence inconnue."))
UNKNOWN_COUNSELLOR = message("pathway.unknown_counsellor", N_("Conseiller inconnu."))
UNKNOWN_BADGES = message("pathway.unknown_badges", N_("Badges inconnus dans ce tiers-lieu."))
END_BEFORE_START = message("pathway.end_before_start", N_("La date de fin précède la date de début."))
AGENCY_FIRST = message("pathway.agency_first", N_("Choisissez d'abord l'agence de ce conseiller."))
OTHER_AGENCY = message("pathway.other_agency", N_("Ce conseiller appartient à une autre agence."))
OUTSIDE_PATHWAY = message(
    "atelier.outside_pathway", N_("La date de l'atelier est en dehors des dates du parcours.")
)
WORKED_COMPETENCIES = message(
    "atelier.competencies", N_("Indiquez de 1 à 30 compétences travaillées (ex. « pix-crcn:2.1 »).")
)
ATTENDANCE_SIZE = message("attendance.size", N_("Liste de 1 à %(max)s présences attendue."))
ATTENDANCE_PERSON = message("attendance.person", N_("Bénéficiaire inconnu ou non inscrit à ce parcours."))
ATTENDANCE_PRESENT = message("attendance.present", N_("« present » vaut true ou false."))
ATTENDANCE_TWICE = message("attendance.twice", N_("Ce bénéficiaire apparaît deux fois."))

TYPES = ("court", "long", "long_augmente")
CATEGORIES = ("apprentissage_par_le_faire", "professionnalisation", "hybride_creatif")
MAX_ATTENDANCE = 200


def create_agency(session: Session, *, by: User, data: dict[str, Any], now: datetime) -> Agency:
    network.require_coordination(by)
    fields = Fields(data)
    name = fields.text("name", max_len=200)
    department = fields.pattern("department", DEPARTMENT_RE, BAD_DEPARTMENT, required=False)
    fields.check()
    agency = Agency(name=name, department=department, created_at=now)
    session.add(agency)
    return agency


def agency_by_id(session: Session, public_id: object) -> Agency | None:
    if not isinstance(public_id, str):
        return None
    return session.scalars(select(Agency).where(Agency.public_id == public_id)).first()


def _references(session: Session, issuer: Issuer, data: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """Agency, counsellor and badge classes named by public id; unknown ones are field errors."""
    values: dict[str, Any] = {}
    if "agency" in data:
        values["agency"] = agency_by_id(session, data["agency"]) if data["agency"] is not None else None
        if data["agency"] is not None and values["agency"] is None:
            fields.errors["agency"] = UNKNOWN_AGENCY
    if "counsellor" in data:
        counsellor = None
        if data["counsellor"] is not None:
            counsellor = session.scalars(
                select(User).where(
                    User.public_id == str(data["counsellor"]), User.role == Role.COUNSELLOR.value
                )
            ).first()
            if counsellor is None:
                fields.errors["counsellor"] = UNKNOWN_COUNSELLOR
        values["counsellor"] = counsellor
    if "badge_classes" in data:
        ids = data["badge_classes"]
        found = []
        if isinstance(ids, list) and len(ids) <= 30 and all(isinstance(i, str) for i in ids):
            found = list(
                session.scalars(
                    # Its own classes, and those other tiers-lieux share: naming one in a pathway lets
                    # the pathway's grids award it by its rules (badge_classes.auto_awarded).
                    select(BadgeClass).where(
                        BadgeClass.public_id.in_(ids), class_scope.own_or_shared(issuer.id)
                    )
                )
            )
        if len(found) != len(set(ids if isinstance(ids, list) else [None])):
            fields.errors["badge_classes"] = UNKNOWN_BADGES
        values["badge_classes"] = found
    return values


def _pathway_values(
    session: Session, issuer: Issuer, data: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    fields = Fields(data)
    checks = {
        "title": lambda: fields.text("title", max_len=200),
        "type": lambda: fields.choice("type", TYPES),
        "category": lambda: fields.choice("category", CATEGORIES),
        "start_date": lambda: fields.date("start_date"),
        "end_date": lambda: fields.date("end_date", required=False),
    }
    values: dict[str, Any] = {name: check() for name, check in checks.items() if not partial or name in data}
    if not partial or "budget" in data:
        # None (left empty): the default for the pathway's type, set once the type is known.
        values["budget_euros"] = budgets.read_budget(fields, data)
    values.update(_references(session, issuer, data, fields))
    fields.check()
    return values


def _check_consistency(pathway: Pathway) -> None:
    """Dates in order; a counsellor only with the agency they belong to.

    Agencies are shared by the network, counsellors are not free-floating: the counsellor follows the
    pathway for their own agency, which is what their agency view (beneficiary_listing.agency_people) shows.
    """
    if pathway.end_date is not None and pathway.end_date < pathway.start_date:
        raise InvalidInput({"end_date": END_BEFORE_START})
    counsellor, agency = pathway.counsellor, pathway.agency
    if counsellor is not None and agency is None:
        raise InvalidInput({"counsellor": AGENCY_FIRST})
    if counsellor is not None and agency is not None and counsellor.agency_id != agency.id:
        raise InvalidInput({"counsellor": OTHER_AGENCY})


def create_pathway(session: Session, *, issuer: Issuer, data: dict[str, Any], now: datetime) -> Pathway:
    pathway = check_pathway(session, issuer=issuer, data=data)
    pathway.issuer, pathway.created_at = issuer, now
    session.add(pathway)
    return pathway


def check_pathway(session: Session, *, issuer: Issuer, data: dict[str, Any]) -> Pathway:
    """The pathway create_pathway makes, checked but linked to nothing and never added (an import checks
    every row of its file before a job stores any). `data` names no agency, counsellor or badge class:
    those would link the draft to stored rows."""
    pathway = Pathway(issuer_id=issuer.id, **_pathway_values(session, issuer, data, partial=False))
    if pathway.budget_euros is None:
        pathway.budget_euros = budgets.default_budget(pathway.type)
    _check_consistency(pathway)
    return pathway


def update_pathway(session: Session, *, pathway: Pathway, data: dict[str, Any]) -> Pathway:
    values = _pathway_values(session, pathway.issuer, data, partial=True)
    with session.no_autoflush:
        for name, value in values.items():
            setattr(pathway, name, value)
        if pathway.budget_euros is None:
            pathway.budget_euros = budgets.default_budget(pathway.type)
        _check_consistency(pathway)
    return pathway


def pathway_in_scope(session: Session, public_id: str, issuer_ids: list[int] | None) -> Pathway:
    """A pathway of one of these tiers-lieux (None: any); another's is not found, never forbidden."""
    return lookup.find_owned(
        session,
        Pathway,
        public_id,
        owner=Pathway.issuer_id,
        issuer_ids=issuer_ids,
        message=PATHWAY_NOT_FOUND,
    )


def atelier_in_scope(session: Session, public_id: str, issuer_ids: list[int] | None) -> Atelier:
    """An atelier of a pathway of one of these tiers-lieux (None: any)."""
    return lookup.find_owned(
        session,
        Atelier,
        public_id,
        owner=Pathway.issuer_id,
        join=[Pathway],
        issuer_ids=issuer_ids,
        message=ATELIER_NOT_FOUND,
    )


def enrol(session: Session, *, pathway: Pathway, beneficiary: Beneficiary, now: datetime) -> Enrolment:
    if beneficiary.issuer_id != pathway.issuer_id:
        raise NotFound(BENEFICIARY_NOT_FOUND)
    if is_enrolled(session, pathway, beneficiary):
        raise Conflict(ALREADY_ENROLLED)
    enrolment = Enrolment(pathway=pathway, beneficiary=beneficiary, enrolled_at=now)
    session.add(enrolment)
    return enrolment


def unenrol(session: Session, *, pathway: Pathway, beneficiary: Beneficiary) -> None:
    found = session.scalars(
        select(Enrolment).where(
            Enrolment.pathway_id == pathway.id, Enrolment.beneficiary_id == beneficiary.id
        )
    ).first()
    if found is None:
        raise NotFound(NOT_ENROLLED)
    session.delete(found)


def is_enrolled(session: Session, pathway: Pathway, beneficiary: Beneficiary) -> bool:
    return (
        session.scalar(
            select(Enrolment.id).where(
                Enrolment.pathway_id == pathway.id, Enrolment.beneficiary_id == beneficiary.id
            )
        )
        is not None
    )


def enrolled(session: Session, pathway: Pathway) -> dict[str, Beneficiary]:
    """The pathway's beneficiaries by public id."""
    people = session.scalars(
        select(Beneficiary).join(Enrolment).where(Enrolment.pathway_id == pathway.id).order_by(Beneficiary.id)
    )
    return {b.public_id: b for b in people}


def _atelier_values(
    session: Session, pathway: Pathway, data: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    fields = Fields(data)
    checks = {
        "title": lambda: fields.text("title", max_len=200),
        "held_on": lambda: fields.date("held_on"),
        "duration_minutes": lambda: fields.integer(
            "duration_minutes", minimum=15, maximum=600, required=True
        ),
    }
    values: dict[str, Any] = {name: check() for name, check in checks.items() if not partial or name in data}
    # Atelier titles go into the evidence of badges: no internal profile label there.
    if (
        isinstance(values.get("title"), str)
        and "title" not in fields.errors
        and profiles.find_label(values["title"])
    ):
        fields.errors["title"] = profiles.MESSAGE
    held_on = values.get("held_on")
    if held_on is not None and (
        held_on < pathway.start_date or (pathway.end_date is not None and held_on > pathway.end_date)
    ):
        fields.errors["held_on"] = OUTSIDE_PATHWAY
    if not partial or "competencies" in data:
        refs = data.get("competencies")
        if not isinstance(refs, list) or not refs or len(refs) > 30:
            fields.errors["competencies"] = WORKED_COMPETENCIES
    fields.check()
    if not partial or "competencies" in data:
        values["competencies"] = frameworks.competencies_by_ref(session, data["competencies"])
    return values


def check_atelier(session: Session, *, pathway: Pathway, data: dict[str, Any]) -> None:
    """Raise what create_atelier would raise for this data, adding nothing (see check_pathway)."""
    _atelier_values(session, pathway, data, partial=False)


def create_atelier(session: Session, *, pathway: Pathway, data: dict[str, Any], now: datetime) -> Atelier:
    atelier = Atelier(
        pathway=pathway, created_at=now, **_atelier_values(session, pathway, data, partial=False)
    )
    session.add(atelier)
    return atelier


def update_atelier(session: Session, *, atelier: Atelier, data: dict[str, Any]) -> Atelier:
    for name, value in _atelier_values(session, atelier.pathway, data, partial=True).items():
        setattr(atelier, name, value)
    return atelier


def check_attendance_size(entries: object) -> None:
    """An attendance list: one entry at least, MAX_ATTENDANCE at most."""
    if not isinstance(entries, list) or not entries or len(entries) > MAX_ATTENDANCE:
        raise InvalidInput({"attendance": ATTENDANCE_SIZE(max=MAX_ATTENDANCE)})


def record_attendance(session: Session, *, atelier: Atelier, data: dict[str, Any]) -> list[Beneficiary]:
    """Set who came: {"attendance": [{"beneficiary": id, "present": true}, ...]}, checked as a whole."""
    entries = data.get("attendance")
    check_attendance_size(entries)
    assert isinstance(entries, list)
    people = enrolled(session, atelier.pathway)
    errors: dict[str, Message] = {}
    wanted: dict[str, bool] = {}
    for position, entry in enumerate(entries):
        who = entry.get("beneficiary") if isinstance(entry, dict) else None
        present = entry.get("present", True) if isinstance(entry, dict) else None
        if not isinstance(who, str) or who not in people:
            errors[f"attendance[{position}]"] = ATTENDANCE_PERSON
        elif not isinstance(present, bool):
            errors[f"attendance[{position}]"] = ATTENDANCE_PRESENT
        elif who in wanted:
            errors[f"attendance[{position}]"] = ATTENDANCE_TWICE
        else:
            wanted[who] = present
    if errors:
        raise InvalidInput(errors)
    current = {a.beneficiary_id: a for a in atelier.attendances}
    for who, present in wanted.items():
        person = people[who]
        if person.id in current:
            current[person.id].present = present
        else:
            atelier.attendances.append(Attendance(beneficiary=person, present=present))
    return [people[who] for who in wanted]


def create_counsellor(
    session: Session, *, by: User, agency: Agency, data: dict[str, Any], now: datetime
) -> User:
    """A partner agency's counsellor, made by the coordination (no password until they accept)."""
    network.require_coordination(by)
    fields = Fields(data)
    email = fields.email("email")
    name = fields.text("name", max_len=200)
    fields.check()
    user = users.create_user(
        session, email=email or "", name=name, role=Role.COUNSELLOR, issuer=None, password=None, now=now
    )
    user.agency = agency
    return user
