"""Public verification endpoint: a URL, a JSON credential or an uploaded file."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from badges import db
from badges.db import get_session
from badges.services import verification
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, message
from badges.services.verification import checking
from badges.services.verification.fetch import fetcher_from_config
from badges.services.verification.inputs import InputError, InputTooLarge, load_json
from badges.services.verification.sources import LocalSource
from badges.web.api import bp
from badges.web.api.inputs import OPEN, accepts, unknown_fields
from badges.web.context import links, now, value_of
from badges.web.i18n import translator

URL_MISSING = message("verify.url_missing", N_("Indiquez l'adresse du badge à vérifier."))
FILE_FIELD = message("verify.file_field", N_("Le fichier doit être envoyé dans le champ « file »."))
CREDENTIAL_FIELD = message(
    "verify.credential_field", N_("Le badge doit être envoyé dans le champ « credential ».")
)


def verification_source() -> LocalSource:
    """This service's documents from the database; any other URL through a fresh SafeFetcher (its time
    budget covers one verification)."""
    config = current_app.config
    return LocalSource(get_session, links(), remote=lambda: fetcher_from_config(config), reader=db.read_rows)


@bp.route("/verify", methods=["GET", "POST"])
@db.reads
@accepts(query=("url", "email"), own_reader=True)
def verify() -> tuple[Response, int]:
    """Public: verify a URL (?url=), a JSON body {"credential": ...} or an uploaded file (field `file`)."""
    # A JSON body has no form fields: its query alone, without parsing a form (issue 17, HTTP profile).
    email = value_of(request.args if request.is_json else request.values, "email") or None
    if request.method == "GET":
        url = value_of(request.args, "url") or ""
        if not url:
            raise InvalidInput({"url": URL_MISSING})
        report = verification.verify_value(url, source=verification_source(), now=now(), email=email)
    elif not request.is_json and request.files:
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput({"file": FILE_FIELD})
        report = verification.verify_bytes(
            upload.read(), source=verification_source(), now=now(), email=email
        )
    else:
        report = _verify_json_body()
    checking.add_revocation_date(get_session, links(), report)
    # Over the one limit: the same report and status whether the request or the badge in it was too big.
    return jsonify(report.to_dict(translator())), 413 if report.cause == "too_large" else 200


def _verify_json_body() -> verification.Report:
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = load_json(request.get_data(as_text=True))
    except InputError as exc:
        return verification.unreadable(
            exc.said, cause="too_large" if isinstance(exc, InputTooLarge) else "unreadable"
        )
    if not isinstance(data, dict) or "credential" not in data:
        raise InvalidInput({"credential": CREDENTIAL_FIELD})
    # The credential itself is the verifier's to judge (OPEN); the envelope around it is the API's.
    unknown = unknown_fields(data, {"credential": OPEN, "email": None}, "")
    if unknown:
        raise InvalidInput(unknown)
    email = data.get("email") if isinstance(data.get("email"), str) else None
    return verification.verify_value(data["credential"], source=verification_source(), now=now(), email=email)
