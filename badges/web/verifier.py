"""The public verification page for people (employers, counsellors): a form, then the answer.

No JavaScript needed: paste a link, a code or a text, or upload a file, and the server answers. Scanning
a QR code with the phone's camera is added by static/js/scan.js where the browser can do it. Bad input
re-shows the form with a French (or English) message; nothing is stored.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from badges import db
from badges.db import get_session
from badges.services import verification
from badges.services.credentials import sharing
from badges.services.shared.errors import TooManyAttempts
from badges.services.shared.input_limits import MAX_INPUT_BYTES, MAX_INPUT_MB, TOO_LARGE
from badges.services.shared.validation import EMAIL_RE
from badges.services.verification import checking
from badges.web.api.verify import verification_source
from badges.web.context import client_ip, links, now
from badges.web.i18n import say, say_error, translator
from badges.web.public_blueprint import bp


def _page(*, result: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
          status: int = 200, given: dict[str, str] | None = None) -> tuple[str, int]:  # fmt: skip
    return (
        render_template(
            "public/verifier.html",
            result=result,
            errors=errors or {},
            given=given or {},
            max_mb=MAX_INPUT_MB,
        ),
        status,
    )


@bp.get("/verifier")
def verifier() -> tuple[str, int]:
    """The form; with ?url= or ?code= (a certificate's QR code), the result straight away."""
    given = request.args.get("code") or request.args.get("url") or ""
    if not given.strip():
        return _page()
    return _result(given, email=None, given={"texte": given})


@bp.post("/verifier")
@db.reads
def verifier_result() -> tuple[str, int]:
    # A pasted text is held to the verifier's own limit (with its precise error), not to Flask's smaller
    # form-field default; the request as a whole stays bounded by MAX_CONTENT_LENGTH.
    request.max_form_memory_size = request.max_content_length
    try:
        form, upload = request.form, request.files.get("fichier")
    except RequestEntityTooLarge:
        return _page(errors={"fichier": _too_large()}, status=413)
    text, email = form.get("texte", ""), form.get("email", "").strip()
    given = {"texte": text[:4096], "email": email}
    errors = _errors(text, upload, email)
    if errors:
        return _page(errors=errors, given=given, status=422)
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            return _page(errors={"fichier": _too_large()}, given=given, status=413)
        report = verification.verify_bytes(data, source=verification_source(), now=now(), email=email or None)
        checking.add_revocation_date(get_session(), links(), report)
        return _page(result=checking.answer(report, translator()), given=given)
    return _result(text, email=email or None, given=given)


def _result(text: str, *, email: str | None, given: dict[str, str]) -> tuple[str, int]:
    """The verdict on a text; an address that tried too many unknown codes gets a form error (429)."""
    try:
        return _page(result=_check_text(text, email=email), given=given)
    except TooManyAttempts as exc:
        return _page(errors={"texte": say_error(exc)}, given=given, status=429)


def _too_large() -> str:
    """The one message for any badge over the limit (the service's TOO_LARGE, translated)."""
    return say(TOO_LARGE)


def _errors(text: str, upload: FileStorage | None, email: str) -> dict[str, str]:
    errors = {}
    has_file = upload is not None and bool(upload.filename)
    if not text.strip() and not has_file:
        errors["texte"] = _("Collez un lien, un code ou un texte, ou choisissez un fichier.")
    elif text.strip() and has_file:
        errors["texte"] = _("Donnez un seul badge : un texte ou un fichier, pas les deux.")
    elif len(text.encode("utf-8")) > MAX_INPUT_BYTES:
        errors["texte"] = _too_large()
    if email and not EMAIL_RE.match(email.lower()):
        errors["email"] = _("Cette adresse e-mail n'est pas valide. Exemple : nom@exemple.fr")
    return errors


def _check_text(text: str, *, email: str | None) -> dict[str, Any]:
    session = get_session()
    value, decided = checking.resolve_text(session, links(), text, ip=client_ip(), now=now())
    session.commit()  # an unknown claim code counts against this address
    if decided is None:
        decided = verification.verify_value(value, source=verification_source(), now=now(), email=email)
    checking.add_revocation_date(session, links(), decided)
    result = checking.answer(decided, translator())
    code = sharing.normalise_code(text) if checking.is_code(text) else None
    result["claim_code"] = code if code is not None and result["name"] else None
    return result
