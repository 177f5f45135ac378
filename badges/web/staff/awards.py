"""Awards of the tiers-lieu: list with status, one award, revoke it (two steps), hand it over."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from badges import db
from badges.db import get_session
from badges.jobs import mail as mail_jobs
from badges.models import Credential, Role
from badges.services.credentials import downloads, revocation, wallet_exchange
from badges.services.holders import award_listing, delivery
from badges.services.shared import job_records
from badges.services.shared.errors import Conflict, InvalidInput, RuleError
from badges.web import job_status, wallet
from badges.web.api import send_download
from badges.web.context import keyring, links, mail_settings, now
from badges.web.files import certificate_pdf
from badges.web.i18n import say_all, say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, confirmed, invalid
from badges.web.staff.private_links import link_panel

REVOKE_PAGE = "staff/awards/revoke.html"


def _award(award_id: str) -> Credential:
    """An award of the signed-in member's tiers-lieu; any other is 404."""
    return award_listing.award_of(get_session(), issuer=own_issuer(), public_id=award_id)


@bp.get("/awards")
@role_required(Role.STAFF)
def awards() -> str:
    filters, problems = award_listing.parse_filters(request.args)
    found = award_listing.list_awards(get_session(), issuer=own_issuer(), filters=filters, now=now())
    return render_template(
        "staff/awards/list.html",
        page=found.page,
        badge_classes=found.badge_classes,
        filters=filters,
        errors=say_all(problems),
    )


@bp.get("/awards/<award_id>")
@db.writes
@role_required(Role.STAFF)
def award(award_id: str) -> str:
    credential = _award(award_id)
    detail = award_listing.award_detail(get_session(), links(), credential, now())
    person = credential.beneficiary
    private = link_panel(person) if person is not None else None
    sending = job_records.latest(get_session(), kind=mail_jobs.AWARD_EMAIL, credential_id=credential.id)
    get_session().commit()  # the private link is made on first view
    email = {"label": job_status.label(sending), "reason": job_status.reason(sending)}
    return render_template("staff/awards/detail.html", award=detail, private=private, email=email)


@bp.route("/awards/<award_id>/revoke", methods=["GET", "POST"])
@role_required(Role.STAFF)
def revoke(award_id: str) -> BaseResponse | str | tuple[str, int]:
    """Step 1: the reason. Step 2: a summary to confirm. Only then is the badge revoked, for good."""
    credential = _award(award_id)
    detail = award_listing.award_detail(get_session(), links(), credential, now())
    if credential.revoked_at is not None:
        flash(_("Ce badge est déjà révoqué."), "info")
        return redirect(url_for("staff.award", award_id=award_id), 303)
    if request.method == "GET":
        return render_template(REVOKE_PAGE, award=detail, reason="", errors={}, step="reason")
    reason = request.form.get("reason", "")
    try:
        reason = revocation.validate_reason(reason)
        if not confirmed():
            return render_template(REVOKE_PAGE, award=detail, reason=reason, errors={}, step="confirm")
        revocation.revoke(
            get_session(), keyring(), credential=credential, reason=reason, links=links(), now=now()
        )
    except InvalidInput as exc:
        return invalid(REVOKE_PAGE, say_fields(exc), award=detail, reason=reason, step="reason")
    except Conflict as exc:
        flash(say_error(exc), "error")
        return redirect(url_for("staff.award", award_id=award_id), 303)
    return commit_and_redirect(
        _("Le badge est révoqué. Sa page et ses fichiers le disent désormais."),
        "staff.award",
        award_id=award_id,
    )


@bp.get("/awards/<award_id>/download/<fmt>")
@db.writes
@role_required(Role.STAFF)
def award_download(award_id: str, fmt: str) -> Response:
    """Every file of the award, even when its holder made it private (staff hand it over)."""
    file = downloads.render(get_session(), keyring(), credential=_award(award_id), links=links(), fmt=fmt)
    get_session().commit()  # a signed form made on first request is stored
    return send_download(file)


def _not_handed_over(award_id: str) -> BaseResponse:
    flash(_("Ce badge est révoqué : il ne peut plus être remis."), "error")
    return redirect(url_for("staff.award", award_id=award_id), 303)


@bp.get("/awards/<award_id>/certificate.pdf")
@db.writes
@role_required(Role.STAFF)
def award_certificate(award_id: str) -> BaseResponse:
    """The printable certificate (services/holders/certificate.py); printing makes the claim code."""
    credential = _award(award_id)
    if credential.revoked_at is not None:
        return _not_handed_over(award_id)
    return certificate_pdf(credential, f"certificat-{award_id}.pdf", inline=True)


@bp.post("/awards/<award_id>/send")
@role_required(Role.STAFF)
def award_send(award_id: str) -> BaseResponse:
    """E-mail the badge to its beneficiary: a job (jobs/mail.py) the worker sends, retried while the mail
    server does not answer; the award page shows where it stands."""
    credential, back = _award(award_id), url_for("staff.award", award_id=award_id)
    if credential.revoked_at is not None:
        return _not_handed_over(award_id)
    try:
        person = delivery.check_sendable(credential)
    except InvalidInput as exc:
        flash(" ".join(say_fields(exc).values()), "error")
        return redirect(back, 303)
    if not mail_settings().host:
        # No mail server is set: nothing would leave, so say so and how to hand it over.
        flash(_("Aucun e-mail n'est parti : ce service n'a pas de serveur d'e-mail. Rien n'a été envoyé à "
                "%(email)s. Imprimez le certificat ou la carte d'accès, ou donnez le lien de sa page « Mes "
                "badges ».", email=person.email), "error")  # fmt: skip
        return redirect(back, 303)
    mail_jobs.queue_award_email(get_session(), credential)
    get_session().commit()  # the job leaves for the worker now: this page does not wait for the mail server
    flash(_("L'envoi du badge à %(email)s est en cours : son état s'affiche ci-dessous.", email=person.email),
          "success")  # fmt: skip
    return redirect(back, 303)


@bp.post("/awards/<award_id>/wallet")
@role_required(Role.STAFF)
def award_wallet(award_id: str) -> BaseResponse | str:
    """A wallet offer (issue 15) made with the person at the desk: its QR code, for their phone only."""
    credential = _award(award_id)
    try:
        offer = wallet.offer_view(credential, created_by=wallet_exchange.STAFF)
    except RuleError as exc:
        get_session().rollback()
        flash(say_error(exc), "error")
        return redirect(url_for("staff.award", award_id=award_id), 303)
    get_session().commit()
    detail = award_listing.award_detail(get_session(), links(), credential, now())
    return render_template("staff/awards/wallet.html", award=detail, offer=offer)
