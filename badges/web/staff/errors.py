"""Error pages of the staff screens, in the staff layout (navigation kept), always HTML."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound, RequestEntityTooLarge

from badges.services.shared import errors
from badges.web.i18n import say_error
from badges.web.staff import bp
from badges.web.staff.csrf import CsrfFailure


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("staff/error.html", status=status, title=title, message=message), status


@bp.errorhandler(CsrfFailure)
def csrf_failure(_exc: CsrfFailure) -> tuple[str, int]:
    return error_page(
        400,
        _("Formulaire refusé"),
        _(
            "Ce formulaire a expiré ou ne vient pas de ce site : rien n'a été enregistré. "
            "Revenez à la page précédente, rechargez-la, puis recommencez."
        ),
    )


@bp.errorhandler(Forbidden)
def forbidden(_exc: Forbidden) -> tuple[str, int]:
    return error_page(
        403, _("Accès refusé"), _("Cette page n'est pas ouverte à votre rôle. Revenez à l'accueil.")
    )


@bp.errorhandler(NotFound)
def not_found(_exc: NotFound) -> tuple[str, int]:
    return error_page(404, _("Page introuvable"), _("Cette page n'existe pas, ou plus."))


@bp.errorhandler(errors.NotFound)
def object_not_found(exc: errors.NotFound) -> tuple[str, int]:
    return error_page(404, _("Page introuvable"), say_error(exc))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    """A sending over the request limit cannot be read at all (not even its CSRF token): say what to do."""
    limit = int(current_app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024)
    message = _(
        "Les fichiers envoyés sont trop lourds (%(mb)s Mo au plus en tout) : rien n’a été enregistré. "
        "Revenez à la page précédente et choisissez un fichier plus léger.",
        mb=limit,
    )
    return error_page(413, _("Envoi trop volumineux"), message)
