"""Form handling shared by the staff screens: read fields, show errors (422), commit and redirect (303)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from badges.db import get_session


def values(*names: str) -> dict[str, str]:
    """The named fields, trimmed (passwords are read apart: their spaces count)."""
    return {name: request.form.get(name, "").strip() for name in names}


def invalid(template: str, errors: dict[str, str], **context: Any) -> tuple[str, int]:
    """The same form again, with what was typed and a message per field; nothing was written."""
    get_session().rollback()
    return render_template(template, errors=errors, **context), 422


def commit_and_redirect(message: str, endpoint: str, **url_values: Any) -> Response:
    """Commit the request's unit of work, say what happened on the next page (Post/Redirect/Get)."""
    get_session().commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **url_values), 303)


def confirmed() -> bool:
    """The second step of a two-step action was submitted (its confirmation page sends confirm=yes)."""
    return request.form.get("confirm") == "yes"
