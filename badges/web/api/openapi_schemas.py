"""The JSON schemas of the OpenAPI description (badges/web/api/openapi.py): bodies the API reads, with the
limits its services enforce, and the objects and errors it answers.

Request bodies refuse unknown fields (`additionalProperties: false`), as `inputs.accepts` does; the
values themselves are checked by the services, so a body valid here may still be answered 404 or 422.
"""

from __future__ import annotations

from typing import Any

from badges.services.credentials.issuance import MAX_EVIDENCE
from badges.services.programme import evaluation, pathways
from badges.services.programme.badge_classes import MAX_CRITERIA
from badges.services.programme.framework_io import MAX_COMPETENCIES
from badges.services.shared import profiles
from badges.services.shared.validation import LEVELS

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
NULLABLE_STRING: Schema = {"type": ["string", "null"]}
DATE_TIME: Schema = {"type": "string", "format": "date-time"}
BOOLEAN: Schema = {"type": "boolean"}
INTEGER: Schema = {"type": "integer"}
LEVEL: Schema = {"type": "string", "enum": list(LEVELS)}


def text(max_length: int) -> Schema:
    return {"type": "string", "maxLength": max_length}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def closed(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    """A request body: only these fields (the API refuses any other with a 422)."""
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def answer(properties: dict[str, Schema]) -> Schema:
    """An object the API answers: every field listed is always present."""
    return {"type": "object", "properties": properties, "required": list(properties)}


def page_of(item: str) -> Schema:
    return answer(
        {"items": {"type": "array", "items": ref(item)}, "page": INTEGER, "per_page": INTEGER, "total": INTEGER}
    )


ERROR = answer(
    {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": STRING,
                "message": STRING,
                "message_code": STRING,
                "fields": {"type": "object", "additionalProperties": STRING},
                "field_codes": {"type": "object", "additionalProperties": STRING},
                "rows": {"type": "array", "items": {"type": "object"}},
            },
        }
    }
)

AWARD = answer(
    {
        "id": STRING,
        "credential_id": STRING,
        "badge_class": STRING,
        "beneficiary": NULLABLE_STRING,
        "issued_at": DATE_TIME,
        "valid_until": {"type": ["string", "null"], "format": "date-time"},
        "revoked": BOOLEAN,
        "revocation_reason": NULLABLE_STRING,
        "links": {"type": "object", "required": ["page", "ob3_credential", "ob2_assertion", "downloads"]},
    }
)
BADGE_CLASS = answer(
    {
        "id": STRING,
        "name": STRING,
        "description": STRING,
        "criteria_narrative": NULLABLE_STRING,
        "criteria_composed": BOOLEAN,
        "level": {"type": ["string", "null"]},
        "profile": NULLABLE_STRING,
        "tags": {"type": "array", "items": STRING},
        "validity_days": {"type": ["integer", "null"]},
        "competencies": {"type": "array", "items": STRING},
        "rule": {"type": "array", "items": {"type": "object"}},
        "image_uploaded": BOOLEAN,
        "revision": INTEGER,
        "revisions": {"type": "array", "items": {"type": "object"}},
        "achievement": STRING,
        "ob2_badge_class": STRING,
        "image": STRING,
    }
)
BENEFICIARY = answer(
    {
        "id": STRING,
        "subject_id": STRING,
        "display_name": STRING,
        "email": NULLABLE_STRING,
        "phone": NULLABLE_STRING,
        "profile": NULLABLE_STRING,
        "show_name_in_badges": BOOLEAN,
        "needs_french_support": BOOLEAN,
        "consent": BOOLEAN,
        "consent_at": {"type": ["string", "null"], "format": "date-time"},
    }
)
AGENCY = answer({"id": STRING, "name": STRING, "department": NULLABLE_STRING})
COUNSELLOR = answer({"id": STRING, "name": STRING, "email": STRING, "agency": NULLABLE_STRING})
PATHWAY = answer(
    {
        "id": STRING,
        "title": STRING,
        "type": STRING,
        "category": NULLABLE_STRING,
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": ["string", "null"], "format": "date"},
        "agency": {"oneOf": [ref("Agency"), {"type": "null"}]},
        "counsellor": {"oneOf": [ref("Counsellor"), {"type": "null"}]},
        "badge_classes": {"type": "array", "items": STRING},
        "beneficiaries": INTEGER,
        "ateliers": INTEGER,
    }
)
ATELIER = answer(
    {
        "id": STRING,
        "pathway": STRING,
        "title": STRING,
        "held_on": {"type": "string", "format": "date"},
        "duration_minutes": {"type": ["integer", "null"]},
        "competencies": {"type": "array", "items": STRING},
        "attendance": {"type": "array", "items": {"type": "object", "required": ["beneficiary", "present"]}},
    }
)
EVALUATION = answer(
    {
        "id": STRING,
        "beneficiary": STRING,
        "competency": STRING,
        "pathway": NULLABLE_STRING,
        "atelier": NULLABLE_STRING,
        "moment": STRING,
        "method": STRING,
        "result": STRING,
        "evaluator": NULLABLE_STRING,
        "note": NULLABLE_STRING,
        "evaluated_at": DATE_TIME,
    }
)
OUTCOME = {
    "issued": {"type": "array", "items": ref("Award")},
    "pending": {"type": "array", "items": {"type": "object", "required": ["id", "badge_class", "beneficiary"]}},
    "flags": {"type": "array", "items": STRING},
    "not_issued": {"type": "array", "items": {"type": "object", "required": ["badge_class", "beneficiary"]}},
}
PENDING = answer(
    {
        "id": STRING,
        "badge_class": STRING,
        "badge_name": STRING,
        "beneficiary": STRING,
        "display_name": STRING,
        "since": DATE_TIME,
        "waiting_for": STRING,
    }
)
FLAG = answer(
    {
        "id": STRING,
        "award": STRING,
        "badge_name": STRING,
        "beneficiary": NULLABLE_STRING,
        "competency": STRING,
        "previous_result": STRING,
        "new_result": STRING,
        "message": STRING,
        "created_at": DATE_TIME,
        "resolved": BOOLEAN,
        "resolution_note": NULLABLE_STRING,
    }
)
FRAMEWORK_HEAD = {"slug": STRING, "version": STRING, "name": STRING, "kind": STRING, "profile": NULLABLE_STRING}
FRAMEWORK = answer({**FRAMEWORK_HEAD, "competencies": INTEGER, "page": STRING})
FRAMEWORK_DOCUMENT = {
    "type": "object",
    "required": [*FRAMEWORK_HEAD, "competencies"],
    "properties": {**FRAMEWORK_HEAD, "competencies": {"type": "array", "items": {"type": "object"}}},
}
CRITERIA = answer({"criteria": {"type": "array", "items": {"type": "object", "required": ["position", "text"]}}})
REPORT = {
    "type": "object",
    "required": ["valid", "outcome", "cause", "checks"],
    "properties": {
        "valid": BOOLEAN,
        "outcome": STRING,
        "cause": NULLABLE_STRING,
        "checks": {"type": "array", "items": {"type": "object", "required": ["name", "passed", "message"]}},
    },
}
KEY_FIGURES = answer({"period": {"type": "object"}, "totals": {"type": "object"}, "by": {"type": "object"}})
DELIVERY = answer(
    {
        "claim_code": STRING,
        "certificate": STRING,
        "verification_url": STRING,
        "private": BOOLEAN,
        "can_email": BOOLEAN,
        "private_page": NULLABLE_STRING,
        "access_card": NULLABLE_STRING,
    }
)

# Request bodies, with the limits the services check (the other values are checked by them too).
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
    {"moment": {"type": "string", "enum": ["pendant", "apres"]}, "ratings": {"type": "array", "items": LEVEL}},
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
        "alignments": {"type": "array", "items": closed({"framework": STRING, "code": STRING, "role": STRING})},
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
        "competencies": {"type": "array", "minItems": 1, "maxItems": MAX_COMPETENCIES, "items": COMPETENCY_INPUT},
    },
    ("slug", "version", "name", "competencies"),
)
VERIFY_INPUT = closed({"credential": {"type": ["object", "string"]}, "email": STRING}, ("credential",))

SCHEMAS: dict[str, Schema] = {
    "Error": ERROR,
    "Award": AWARD,
    "BadgeClass": BADGE_CLASS,
    "Beneficiary": BENEFICIARY,
    "Agency": AGENCY,
    "Counsellor": COUNSELLOR,
    "Pathway": PATHWAY,
    "Atelier": ATELIER,
    "Evaluation": EVALUATION,
    "PendingAward": PENDING,
    "Flag": FLAG,
    "Framework": FRAMEWORK,
    "FrameworkDocument": FRAMEWORK_DOCUMENT,
    "Criteria": CRITERIA,
    "Report": REPORT,
    "KeyFigures": KEY_FIGURES,
    "Delivery": DELIVERY,
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
}

OUTCOMES = {
    "ConsentOutcome": answer({"beneficiary": ref("Beneficiary"), **OUTCOME}),
    "AttendanceOutcome": answer({"atelier": ref("Atelier"), **OUTCOME}),
    "EvaluationOutcome": answer({"evaluation": ref("Evaluation"), **OUTCOME}),
    "GridOutcome": answer({"evaluations": {"type": "array", "items": ref("Evaluation")}, **OUTCOME}),
}
SCHEMAS.update(
    {
        **OUTCOMES,
        "Sent": answer({"sent": BOOLEAN, "to": NULLABLE_STRING}),
        "PrivateLink": answer({"beneficiary": STRING, "url": STRING}),
        "FrameworkWithVersions": {
            **FRAMEWORK_DOCUMENT,
            "required": [*FRAMEWORK_DOCUMENT["required"], "versions"],
            "properties": {**FRAMEWORK_DOCUMENT["properties"], "versions": {"type": "array"}},
        },
        "OpenAPI": {"type": "object", "required": ["openapi", "info", "paths"]},
        "RevokeInput": closed({"reason": text(300)}, ("reason",)),
        "EnrolmentInput": closed({"beneficiary": STRING}, ("beneficiary",)),
        "ResolveInput": closed({"note": text(500)}),
        "CSV": {"type": "string", "description": "text/csv, UTF-8 or Windows-1252"},
    }
)
