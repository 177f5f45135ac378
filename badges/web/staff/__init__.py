"""Staff web application under /staff: one blueprint; CSRF, session and access checks run before views."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("staff", __name__, url_prefix="/staff")


def init_app(app: Flask) -> None:
    """Cookie settings for signed-in staff, then the blueprint with every screen."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # A cookie sent over plain HTTP could be read on the way: https deployments never do that.
    if str(app.config["BASE_URL"]).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config.setdefault("STAFF_IDLE_MINUTES", 60)
    app.config.setdefault("STAFF_SESSION_HOURS", 12)
    app.register_blueprint(bp)


# Checks before every view, in this order: the form's CSRF token, who is signed in, may they open it.
from badges.web.staff import access, csrf, errors, identity, nav  # noqa: E402,F401

bp.before_request(csrf.protect)
bp.before_request(identity.load_user)
bp.before_request(access.check_access)

# The screens register their routes on `bp` when imported.
from badges.web.staff import (  # noqa: E402,F401
    account,
    actors,
    agencies,
    ateliers,
    auth,
    awards,
    badge_classes,
    beneficiaries,
    bulk,
    endorsements,
    figures,
    frameworks,
    grid,
    home,
    imports,
    issuer,
    labels,
    manual_awards,
    network,
    objectives,
    outcomes,
    pathways,
    private_links,
    programme_files,
    ressenti,
    restitution,
    reviews,
    shared_classes,
    team,
    wallet_offers,
)
