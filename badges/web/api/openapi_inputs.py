"""The request bodies of the OpenAPI description (badges/web/api/openapi.py), with the limits the services
enforce; the other values are checked by the services themselves (a body valid here may still be a 422).

Each body refuses unknown fields (`additionalProperties: false`), as `inputs.accepts` does.
"""

from __future__ import annotations

from badges.services.credentials import endorsements
from badges.services.credentials.issuance import MAX_EVIDENCE
from badges.services.programme import budgets, evaluation, pathway_badges, pathways
from badges.services.programme.badge_classes import MAX_CRITERIA
from badges.services.programme.framework_io import MAX_COMPETENCIES
from badges.services.shared import profiles
from badges.web.api.openapi_schemas import (
    BOOLEAN,
    INTEGER,
    LEVEL,
    NULLABLE_STRING,
    STRING,
    Schema,
    closed,
    text,
)

RULE_ITEM = closed(
    {
        "type": STRING,
        "level": LEVEL,
        "competencies": {"type": "array", "items": STRING},
        "at_least": INTEGER,
        "ateliers": INTEGER,
        "hours": {"type": "number"},
    }
)
BADGE_CLASS_INPUT = closed(
    {
        "name": text(200),
        "description": text(2000),
        "criteria_narrative": text(MAX_CRITERIA),
        "level": {"type": ["string", "null"]},
        "profile": {"type": ["string", "null"], "enum": [*profiles.PROFILES, None]},
        "validity_days": {"type": ["integer", "null"]},
        "palette": STRING,
        "tags": {"type": "array", "items": STRING},
        "competencies": {"type": "array", "items": STRING},
        "rule": {"type": "array", "items": RULE_ITEM},
        "image": {"type": ["string", "null"], "description": "data: URL (PNG or SVG)"},
        # A badge de parcours; the service checks its fields (unknown ones are a 422 too).
        "pathway_badge": {
            "type": ["object", "null"],
            "description": f"pathway, components (1 to {pathway_badges.MAX_COMPONENTS} public ids), "
            "at_least?, min_ateliers?, min_hours?",
        },
    }
)
BENEFICIARY_INPUT = closed(
    {
        "display_name": text(100),
        "email": {"type": ["string", "null"], "maxLength": 254},
        "phone": {"type": ["string", "null"], "pattern": r"^\+?[0-9 .-]{6,20}$"},
        "profile": {"type": ["string", "null"], "enum": [*profiles.PROFILES, None]},
        "show_name_in_badges": BOOLEAN,
        "needs_french_support": BOOLEAN,
        "consent": BOOLEAN,
    }
)
AWARD_INPUT = closed(
    {
        "badge_class": STRING,
        "beneficiary": STRING,
        "evidence": {
            "type": "array",
            "maxItems": MAX_EVIDENCE,
            "items": closed({"name": STRING, "narrative": STRING}),
        },
    },
    ("badge_class", "beneficiary"),
)
AGENCY_INPUT = closed({"name": text(200), "department": STRING}, ("name",))
COUNSELLOR_INPUT = closed({"email": text(254), "name": text(200)}, ("email", "name"))
PATHWAY_INPUT = closed(
    {
        "title": text(200),
        "type": {"type": "string", "enum": list(pathways.TYPES)},
        "category": {"type": ["string", "null"], "enum": [*pathways.CATEGORIES, None]},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": ["string", "null"], "format": "date"},
        "agency": NULLABLE_STRING,
        "counsellor": NULLABLE_STRING,
        "badge_classes": {"type": "array", "items": STRING},
        # Whole euros; absent or null: the programme's amount for the pathway's type.
        "budget": {"type": ["integer", "null"], "minimum": 0, "maximum": budgets.MAX_BUDGET},
    }
)
ATELIER_INPUT = closed(
    {
        "title": text(200),
        "held_on": {"type": "string", "format": "date"},
        "duration_minutes": {"type": ["integer", "null"], "minimum": 1},
        "competencies": {"type": "array", "items": STRING},
    }
)
ATTENDANCE_INPUT = closed(
    {
        "attendance": {
            "type": "array",
            "minItems": 1,
            "maxItems": pathways.MAX_ATTENDANCE,
            "items": closed({"beneficiary": STRING, "present": BOOLEAN}, ("beneficiary",)),
        }
    },
    ("attendance",),
)
MOMENT = {"type": "string", "enum": list(evaluation.MOMENTS)}
METHOD = {"type": "string", "enum": list(evaluation.METHODS)}
EVALUATION_INPUT = closed(
    {
        "beneficiary": STRING,
        "competency": STRING,
        "atelier": NULLABLE_STRING,
        "pathway": NULLABLE_STRING,
        "moment": MOMENT,
        "method": METHOD,
        "result": LEVEL,
        "note": text(2000),
        "evaluated_on": {"type": "string", "format": "date"},
    },
    ("beneficiary", "competency", "moment", "method", "result"),
)
GRID_INPUT = closed(
    {
        "moment": MOMENT,
        "method": METHOD,
        "results": {
            "type": "array",
            "maxItems": evaluation.MAX_GRID_CELLS,
            "items": closed(
                {"beneficiary": STRING, "competency": STRING, "result": LEVEL, "note": text(2000)},
                ("beneficiary", "competency", "result"),
            ),
        },
    },
    ("moment", "method", "results"),
)
CRITERIA_INPUT = closed(
    {
        "criteria": {
            "type": "array",
            "minItems": 3,
            "maxItems": 4,
            "items": closed({"text": text(300), "rating": LEVEL}, ("text", "rating")),
        }
    },
    ("criteria",),
)
RATINGS_INPUT = closed(
    {
        "moment": {"type": "string", "enum": ["pendant", "apres"]},
        "ratings": {"type": "array", "items": LEVEL},
    },
    ("moment", "ratings"),
)
COMPETENCY_INPUT = closed(
    {
        "code": STRING,
        "title": text(300),
        "area": text(200),
        "falc_description": text(1000),
        "level": {"type": ["string", "null"]},
        "criteria": {"type": "array", "maxItems": 10, "items": text(300)},
        "alignments": {
            "type": "array",
            "items": closed({"framework": STRING, "code": STRING, "role": STRING}),
        },
    },
    ("code", "title"),
)
FRAMEWORK_INPUT = closed(
    {
        "slug": STRING,
        "version": STRING,
        "name": text(200),
        "kind": STRING,
        "profile": {"type": ["string", "null"]},
        "description": text(2000),
        "source_url": {"type": ["string", "null"]},
        "competencies": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_COMPETENCIES,
            "items": COMPETENCY_INPUT,
        },
    },
    ("slug", "version", "name", "competencies"),
)
VERIFY_INPUT = closed({"credential": {"type": ["object", "string"]}, "email": STRING}, ("credential",))

INPUTS: dict[str, Schema] = {
    "BadgeClassInput": BADGE_CLASS_INPUT,
    "BeneficiaryInput": BENEFICIARY_INPUT,
    "AwardInput": AWARD_INPUT,
    "AgencyInput": AGENCY_INPUT,
    "CounsellorInput": COUNSELLOR_INPUT,
    "PathwayInput": PATHWAY_INPUT,
    "AtelierInput": ATELIER_INPUT,
    "AttendanceInput": ATTENDANCE_INPUT,
    "EvaluationInput": EVALUATION_INPUT,
    "GridInput": GRID_INPUT,
    "CriteriaInput": CRITERIA_INPUT,
    "RatingsInput": RATINGS_INPUT,
    "FrameworkInput": FRAMEWORK_INPUT,
    "VerifyInput": VERIFY_INPUT,
    "RevokeInput": closed({"reason": text(300)}, ("reason",)),
    "EndorsementInput": closed(
        {
            "target": {"type": "string", "enum": list(endorsements.TARGETS)},
            "id": text(100),
            "comment": text(endorsements.COMMENT_MAX),
        },
        ("target", "id", "comment"),
    ),
    "EnrolmentInput": closed({"beneficiary": STRING}, ("beneficiary",)),
    "ResolveInput": closed({"note": text(500)}),
    "CSV": {"type": "string", "description": "text/csv, UTF-8 or Windows-1252"},
}
