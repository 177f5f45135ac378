"""Access rules of the staff screens: every view declares who may open it; the rest is refused.

Rules, checked before any view runs (deny by default):
- a view with no declared rule answers 403 (and the access-matrix test fails on it);
- anonymous visitors of a non-public view are sent to the sign-in page (302), nothing else is said;
- a signed-in account whose role is not allowed gets 403: screens are no secret, only data is;
- inside an allowed screen, another tiers-lieu's object is 404 (services scope every lookup), so its
  existence never leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from flask import current_app, redirect, request, url_for
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from badges.models import Issuer, Role
from badges.web.staff import bp
from badges.web.staff.identity import current_user, signed_in

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "staff_roles"
PUBLIC = frozenset({"*"})
EVERY_ROLE = frozenset(r.value for r in Role)


def role_required(*roles: Role) -> Callable[[F], F]:
    """Only these roles open the view (the check itself runs before the view, in `check_access`)."""

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, frozenset(r.value for r in roles))
        return view

    return mark


def login_required(view: F) -> F:
    """Any signed-in account, whatever its role."""
    setattr(view, ATTRIBUTE, EVERY_ROLE)
    return view


def public_route(view: F) -> F:
    """Opened without signing in: sign-in, reset and invitation pages."""
    setattr(view, ATTRIBUTE, PUBLIC)
    return view


def allowed_roles(endpoint: str) -> frozenset[str] | None:
    """The roles a view declared; None when it declared nothing (refused)."""
    view = current_app.view_functions.get(endpoint)
    found = getattr(view, ATTRIBUTE, None)
    return found if isinstance(found, frozenset) else None


def _unsafe_path(target: str) -> bool:
    """A path a browser could read as another site, or that cannot go in a Location header."""
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return True  # CR/LF would split the header; browsers drop tabs and newlines from URLs
    parts = urlsplit(target)
    return bool(parts.scheme or parts.netloc) or "\\" in target or target.startswith("//")


def safe_next(target: str | None) -> str | None:
    """Only a path of the staff application (never another site: open redirect), else None (home).

    Checked as sent and once percent-decoded, so an encoded `//`, `\\` or CR/LF is refused too.
    """
    if not target or not target.startswith("/staff/"):
        return None
    if _unsafe_path(target) or _unsafe_path(unquote(target)):
        return None
    return target


def _page_to_return_to() -> str | None:
    """Where to come back after signing in: the page asked for, or the page of a form posted after the
    session ended (when that address is a page too: the grid then opens with what was typed)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    rule = request.url_rule
    return request.path if rule is not None and "GET" in (rule.methods or ()) else None


def check_access() -> Response | None:
    roles = allowed_roles(request.endpoint or "")
    if roles is None:
        raise Forbidden()
    if roles is PUBLIC:
        return None
    user = current_user()
    if user is None:
        return redirect(url_for("staff.login", next=safe_next(_page_to_return_to())))
    if user.role not in roles:
        raise Forbidden()
    return None


def own_issuer() -> Issuer:
    """The tiers-lieu of the signed-in staff member (the view's rule guarantees the role)."""
    issuer = signed_in().issuer
    if issuer is None:
        raise Forbidden()
    return issuer


@bp.after_request
def private_headers(response: Response) -> Response:
    """Staff pages show personal data, often on shared tablets: never cached, never framed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
