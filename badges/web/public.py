"""Public documents (JSON-LD for machines) and pages (HTML for people), by content negotiation."""

from __future__ import annotations

from flask import Response, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from badges import db
from badges.db import get_session
from badges.models import Credential
from badges.services.credentials import downloads, published, qr, sharing
from badges.services.credentials.published import Published
from badges.services.holders import public_pages
from badges.web import holder, holder_ressenti, questionnaire, verifier, wallet  # noqa: F401  (their routes register on the same blueprint)
from badges.web.api import send_download
from badges.web.context import keyring, links, now, wants_html
from badges.web.public_blueprint import bp


def document(found: Published | None) -> Response:
    if found is None:
        raise NotFound()
    response = Response(found.body, status=found.status, mimetype=found.media_type)
    # Public documents are read by verifiers running in browsers too.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response


@bp.get("/")
def home() -> str:
    return render_template("public/home.html")


@bp.get("/issuers/<slug>")
def issuer(slug: str) -> Response | str:
    if wants_html():
        return render_template(
            "public/issuer.html", issuer=public_pages.issuer_page(get_session(), links(), slug)
        )
    return document(published.issuer_controller(get_session(), links(), slug))


@bp.get("/issuers/<slug>/keys/<key_id>")
def issuer_key(slug: str, key_id: str) -> Response:
    return document(published.issuer_key(get_session(), links(), slug, key_id))


@bp.get("/issuers/<slug>/jwks.json")
def issuer_jwks(slug: str) -> Response:
    return document(published.issuer_jwks(get_session(), links(), slug))


@bp.get("/.well-known/jwks.json")
def all_jwks() -> Response:
    return document(published.all_jwks(get_session(), links()))


@bp.get("/status/<slug>/<number>")
def status_list(slug: str, number: str) -> Response:
    """Verifiers poll the list: short caching, validators for cheap conditional requests."""
    response = document(published.status_list(get_session(), links(), slug, number))
    return revalidated(response, max_age=300)


def revalidated(response: Response, *, max_age: int) -> Response:
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.cache_control.must_revalidate = True
    response.make_conditional(request)
    return response


@bp.get("/credentials/<credential_id>/download/<fmt>")
@db.writes
def download(credential_id: str, fmt: str) -> Response:
    session = get_session()
    credential = session.scalars(select(Credential).where(Credential.public_id == credential_id)).first()
    if credential is None or not sharing.publicly_visible(session, credential):
        raise NotFound()  # a private badge's files come from its holder's page or a share link
    file = downloads.render(session, keyring(), credential=credential, links=links(), fmt=fmt)
    session.commit()  # a signed form made on first request is stored
    return send_download(file)


@bp.get("/achievements/<badge_id>")
def achievement(badge_id: str) -> Response | str:
    if wants_html():
        return render_template(
            "public/achievement.html", badge=public_pages.achievement_page(get_session(), links(), badge_id)
        )
    return document(published.achievement(get_session(), links(), badge_id))


@bp.get("/achievements/<badge_id>/image.png")
def badge_image(badge_id: str) -> Response:
    return document(published.badge_image(get_session(), links(), badge_id))


@bp.get("/credentials/<credential_id>")
def credential(credential_id: str) -> Response | str:
    if wants_html():
        page = public_pages.credential_page(get_session(), links(), credential_id, now())
        return render_template("public/credential.html", credential=page)
    return document(published.credential(get_session(), links(), credential_id))


@bp.get("/credentials/<credential_id>/qr.svg")
def credential_qr(credential_id: str) -> Response:
    """A QR code of the badge's page, to show on a phone or to print (not for private badges)."""
    session = get_session()
    credential = session.scalars(select(Credential).where(Credential.public_id == credential_id)).first()
    if credential is None or not sharing.publicly_visible(session, credential):
        raise NotFound()
    url = links().credential_page(credential_id)
    response = Response(qr.svg(url, title=url), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/frameworks/<slug>")
def framework(slug: str) -> Response | str:
    page = public_pages.framework_page(get_session(), slug, links())
    if wants_html():
        return render_template("public/framework.html", framework=page)
    return jsonify(page)


@bp.get("/ob2/issuers/<slug>")
def ob2_issuer(slug: str) -> Response:
    return document(published.ob2_issuer(get_session(), links(), slug))


@bp.get("/ob2/issuers/<slug>/revocations")
def ob2_revocations(slug: str) -> Response:
    return revalidated(document(published.ob2_revocations(get_session(), links(), slug)), max_age=300)


@bp.get("/ob2/keys/<key_id>")
def ob2_key(key_id: str) -> Response:
    return document(published.ob2_key(get_session(), links(), key_id))


@bp.get("/ob2/badges/<badge_id>")
def ob2_badge(badge_id: str) -> Response | BaseResponse:
    if wants_html():
        return redirect(url_for("public.achievement", badge_id=badge_id))
    return document(published.ob2_badge(get_session(), links(), badge_id))


@bp.get("/ob2/assertions/<credential_id>")
def ob2_assertion(credential_id: str) -> Response | BaseResponse:
    if wants_html():
        return redirect(url_for("public.credential", credential_id=credential_id))
    return document(published.ob2_assertion(get_session(), links(), credential_id))


@bp.get("/endorsers/<slug>")
def endorser(slug: str) -> Response:
    """An endorser's id: the controller document of its keys, like an issuer's (issue 16)."""
    return document(published.endorser_controller(get_session(), links(), slug))


@bp.get("/endorsers/<slug>/keys/<key_id>")
def endorser_key(slug: str, key_id: str) -> Response:
    return document(published.endorser_key(get_session(), links(), slug, key_id))


@bp.get("/endorsers/<slug>/status")
def endorser_status(slug: str) -> Response:
    return revalidated(document(published.endorser_status(get_session(), links(), slug)), max_age=300)


@bp.get("/endorsements/<endorsement_id>")
def endorsement(endorsement_id: str) -> Response:
    return document(published.endorsement(get_session(), links(), endorsement_id))


@bp.get("/ob2/endorsers/<slug>")
def ob2_endorser(slug: str) -> Response:
    return document(published.ob2_endorser(get_session(), links(), slug))


@bp.get("/ob2/endorsements/<endorsement_id>")
def ob2_endorsement(endorsement_id: str) -> Response:
    return document(published.ob2_endorsement(get_session(), links(), endorsement_id))
