"""Pages reached by a private link: the beneficiary's own badges, share links, and claim codes.

No password: the long token in the address is the key. So the pages are never cached, never indexed,
and send no Referer (the address must not leak to the sites they link to). A form posts to an address
holding the token, which another site cannot know: that is the CSRF protection of these forms.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from badges import db
from badges.db import get_session
from badges.models import Beneficiary, Credential
from badges.services.credentials import downloads, qr, sharing
from badges.services.holders import badge_view, holder_pages, private_link
from badges.services.programme import ressenti_listing
from badges.services.shared.errors import InvalidInput, NotFound, RuleError
from badges.services.shared.messages import N_, message
from badges.services.verification import checking
from badges.web.api import send_download
from badges.web.context import client_ip, keyring, links, now, today
from badges.web.errors import error_response
from badges.web.files import certificate_pdf
from badges.web.i18n import say_error, say_fields
from badges.web.public_blueprint import bp

LINK_BROKEN = message(
    "holder.link_broken",
    N_("Ce lien ne marche pas. Il a peut-être été changé. Demandez un nouveau lien au tiers-lieu."),
)
NO_LONGER_VALID = message(
    "holder.no_longer_valid", N_("Ce badge ne compte plus. On ne peut plus le partager ni le télécharger.")
)


F = TypeVar("F", bound=Callable[..., Any])


def private_page(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = current_app.make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return cast(F, wrapper)


def _person(token: str) -> Beneficiary:
    found = private_link.beneficiary_for(get_session(), token)
    if found is None:
        raise NotFound(LINK_BROKEN)
    return found


def owned_badge(token: str, credential_id: str) -> Credential:
    """The beneficiary's own badge behind a private link; NotFound (the link or the badge) otherwise."""
    return holder_pages.owned(get_session(), _person(token), credential_id)


def _still_valid(credential: Credential) -> Credential:
    """A revoked or expired badge is no longer shared nor handed out as a file (its page says why)."""
    if badge_view.status(credential, now()) != "valide":
        raise RuleError(NO_LONGER_VALID)
    return credential


@bp.get("/mes-badges/<token>")
@private_page
def my_badges(token: str) -> str:
    person = _person(token)
    page = holder_pages.home(get_session(), person, now())
    days = int(current_app.config.get("RESSENTI_OPEN_DAYS", 14))
    ateliers = ressenti_listing.open_ateliers(get_session(), person, today=today(), open_days=days)
    return render_template("holder/home.html", page=page, token=token, ateliers=ateliers)


def _badge_page(
    token: str, credential: Credential, *, errors: dict[str, str] | None = None, confirm_private: bool = False
) -> str:
    view = holder_pages.badge(get_session(), links(), credential, now())
    return render_template(
        "holder/badge.html",
        credential=view,
        token=token,
        errors=errors or {},
        done=request.args.get("fait"),
        confirm_private=confirm_private,
    )


@bp.get("/mes-badges/<token>/<credential_id>")
@private_page
def my_badge(token: str, credential_id: str) -> str:
    return _badge_page(token, owned_badge(token, credential_id))


@bp.post("/mes-badges/<token>/<credential_id>/visibilite")
@private_page
def set_visibility(token: str, credential_id: str) -> BaseResponse | tuple[str, int]:
    credential = owned_badge(token, credential_id)
    choice = request.form.get("visibilite")
    if choice == "private" and not sharing.is_private(get_session(), credential) and not _confirmed():
        # Its OB 2.0 image already given stops verifying once private: say so first, offer a share link.
        return _badge_page(token, credential, confirm_private=True), 200
    try:
        sharing.set_private(get_session(), credential=credential, value=choice, now=now())
    except InvalidInput as exc:
        get_session().rollback()
        return _badge_page(token, credential, errors=say_fields(exc)), 422
    get_session().commit()
    return _back(token, credential_id, "visibilite")


def _confirmed() -> bool:
    return request.form.get("confirme") == "oui"


def _back(token: str, credential_id: str, done: str) -> BaseResponse:
    target = url_for("public.my_badge", token=token, credential_id=credential_id, fait=done)
    return redirect(target + "#" + done, code=303)


@bp.post("/mes-badges/<token>/<credential_id>/partages")
@private_page
def create_share(token: str, credential_id: str) -> str | tuple[str, int]:
    credential = _still_valid(owned_badge(token, credential_id))
    session = get_session()
    try:
        link, share_token = sharing.create_link(
            session, credential=credential, data=request.form.to_dict(), now=now()
        )
    except (InvalidInput, RuleError) as exc:
        session.rollback()
        fields = say_fields(exc) if isinstance(exc, InvalidInput) else {"partage": say_error(exc)}
        return _badge_page(token, credential, errors=fields), 422
    session.commit()
    url = sharing.share_url(links(), share_token)
    view = holder_pages.badge(session, links(), credential, now())
    return render_template(
        "holder/share_created.html",
        credential=view,
        token=token,
        share={"url": url, "label": link.label, "expires_at": link.expires_at},
        qr_image=qr.svg_data_uri(url, title=view["name"]),
    )


@bp.post("/mes-badges/<token>/<credential_id>/partages/<link_id>/arreter")
@private_page
def stop_share(token: str, credential_id: str, link_id: str) -> BaseResponse:
    credential = owned_badge(token, credential_id)
    sharing.revoke_link(get_session(), credential=credential, public_id=link_id, now=now())
    get_session().commit()
    return _back(token, credential_id, "partages")


@bp.get("/mes-badges/<token>/<credential_id>/telecharger/<fmt>")
@db.writes
@private_page
def my_download(token: str, credential_id: str, fmt: str) -> Response:
    return _download(owned_badge(token, credential_id), fmt)


@bp.get("/mes-badges/<token>/<credential_id>/certificat.pdf")
@db.writes
@private_page
def my_certificate(token: str, credential_id: str) -> Response:
    credential = _still_valid(owned_badge(token, credential_id))
    return certificate_pdf(credential, "certificat-badge.pdf", inline=True)


def _download(credential: Credential, fmt: str) -> Response:
    _still_valid(credential)
    session = get_session()
    file = downloads.render(session, keyring(), credential=credential, links=links(), fmt=fmt)
    session.commit()  # a signed form made on first request is stored
    return send_download(file)


def _shared(token: str) -> Credential | Response:
    credential, state = sharing.shared(get_session(), token, now=now())
    if credential is not None:
        return credential
    if state == "gone":
        return error_response(
            410, _("Ce lien de partage n'est plus valable. Demandez un nouveau lien."), "gone"
        )
    raise NotFound(checking.LINK_UNKNOWN)


@bp.get("/partage/<token>")
@private_page
def shared(token: str) -> Response | str:
    found = _shared(token)
    if isinstance(found, Response):
        return found
    if request.accept_mimetypes.best_match(["application/vc+ld+json", "application/json", "text/html"]) != (
        "text/html"
    ):
        # Other verifiers may fetch the link: they get the signed credential itself.
        return Response(found.ob3_credential or "", mimetype="application/vc+ld+json")
    verify = badge_view.verifier_url(links(), url=sharing.share_url(links(), token))
    view = holder_pages.shared_badge(get_session(), links(), found, now(), verify_url=verify)
    return render_template("holder/shared.html", credential=view, base=f"/partage/{token}", kind="share",
                           share_url=sharing.share_url(links(), token))  # fmt: skip


@bp.get("/partage/<token>/telecharger/<fmt>")
@db.writes
@private_page
def shared_download(token: str, fmt: str) -> Response:
    found = _shared(token)
    return found if isinstance(found, Response) else _download(found, fmt)


def _claimed(code: str) -> Credential:
    credential = sharing.guarded_claim_code(get_session(), code, ip=client_ip(), now=now())
    get_session().commit()  # an unknown code counts against this address
    if credential is None or credential.erased_at is not None:
        raise NotFound(checking.UNKNOWN_CODE)
    return credential


@bp.get("/code/<code>")
@db.writes
@private_page
def claimed(code: str) -> str:
    credential = _claimed(code)
    verify = badge_view.verifier_url(links(), code=code)
    view = holder_pages.shared_badge(get_session(), links(), credential, now(), verify_url=verify)
    return render_template("holder/shared.html", credential=view, base=f"/code/{code}", kind="code")


@bp.get("/code/<code>/telecharger/<fmt>")
@db.writes
@private_page
def claimed_download(code: str, fmt: str) -> Response:
    return _download(_claimed(code), fmt)
