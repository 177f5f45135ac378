"""The JSON schemas of the OpenAPI description (badges/web/api/openapi.py): the objects and errors the API
answers, and the helpers the request bodies (openapi_inputs.py) are written with."""

from __future__ import annotations

from typing import Any

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
        {
            "items": {"type": "array", "items": ref(item)},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
        }
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
        "shared": BOOLEAN,
        "revision": INTEGER,
        "revisions": {"type": "array", "items": {"type": "object"}},
        "achievement": STRING,
        "ob2_badge_class": STRING,
        "image": STRING,
    }
)
SHARED_BADGE_CLASS = answer(
    {
        "id": STRING,
        "name": STRING,
        "description": STRING,
        "level": STRING,
        "creator": answer({"id": STRING, "name": STRING}),
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
    "pending": {
        "type": "array",
        "items": {"type": "object", "required": ["id", "badge_class", "beneficiary"]},
    },
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
FRAMEWORK_HEAD = {
    "slug": STRING,
    "version": STRING,
    "name": STRING,
    "kind": STRING,
    "profile": NULLABLE_STRING,
}
FRAMEWORK = answer({**FRAMEWORK_HEAD, "competencies": INTEGER, "page": STRING})
FRAMEWORK_DOCUMENT: Schema = {
    "type": "object",
    "required": [*FRAMEWORK_HEAD, "competencies"],
    "properties": {**FRAMEWORK_HEAD, "competencies": {"type": "array", "items": {"type": "object"}}},
}
CRITERIA = answer(
    {"criteria": {"type": "array", "items": {"type": "object", "required": ["position", "text"]}}}
)
REPORT = {
    "type": "object",
    "required": ["valid", "outcome", "cause", "checks"],
    "properties": {
        "valid": BOOLEAN,
        "outcome": STRING,
        "cause": NULLABLE_STRING,
        "checks": {"type": "array", "items": {"type": "object", "required": ["name", "passed", "message"]}},
        # Each endorsement with its own checks; never part of `valid` (a forged one is only not counted).
        "endorsements": {
            "type": "array",
            "items": {"type": "object", "required": ["name", "endorser", "counted", "message", "checks"]},
        },
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

ANSWERS: dict[str, Schema] = {
    "Error": ERROR,
    "Award": AWARD,
    "BadgeClass": BADGE_CLASS,
    "SharedBadgeClass": SHARED_BADGE_CLASS,
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
}

OUTCOMES = {
    "ConsentOutcome": answer({"beneficiary": ref("Beneficiary"), **OUTCOME}),
    "AttendanceOutcome": answer({"atelier": ref("Atelier"), **OUTCOME}),
    "EvaluationOutcome": answer({"evaluation": ref("Evaluation"), **OUTCOME}),
    "GridOutcome": answer({"evaluations": {"type": "array", "items": ref("Evaluation")}, **OUTCOME}),
    # Past BADGES_INLINE_AWARDS_MAX badges due, a bulk job signs them: its id and progress URL.
    "GridDeferred": answer(
        {
            "evaluations": {"type": "array", "items": ref("Evaluation")},
            **OUTCOME,
            "job": answer({"id": INTEGER, "progress": STRING}),
        }
    ),
    "BulkJob": answer(
        {
            "id": INTEGER,
            "state": {"type": "string", "enum": ["queued", "running", "retrying", "done", "failed"]},
            "done": INTEGER,
            "total": INTEGER,
            "issued": {"type": "array", "items": STRING},
        }
    ),
}
ANSWERS.update(
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
        # An endorsement by the network's coordination or a partner agency (issue 16).
        "Endorsement": answer(
            {
                "id": STRING,
                "endorser": answer({"id": STRING, "name": STRING}),
                "target": answer(
                    {"type": {"type": "string", "enum": ["issuer", "badge_revision"]}, "id": NULLABLE_STRING}
                ),
                "comment": STRING,
                "created_at": DATE_TIME,
                "withdrawn": BOOLEAN,
                "links": answer({"ob3_credential": STRING, "ob2_endorsement": STRING}),
            }
        ),
    }
)
