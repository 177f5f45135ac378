"""OpenID4VCI 1.0 endpoints (pre-authorized code flow): metadata, offer, token, nonce, credential.

Errors are the protocol's own JSON objects (RFC 6749 §5.2, OpenID4VCI 1.0 §8.3.1), never the app's error
pages: a wallet reads `error`. A refusal rolls everything back; only the rate limit's count is kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from badges import db
from badges.db import get_session
from badges.models import Credential
from badges.services.credentials import oid4vci, qr, wallet
from badges.services.credentials import oid4vci_metadata as meta
from badges.services.credentials.oid4vci import ProtocolError
from badges.services.shared import json_input
from badges.services.shared.errors import InvalidInput, RuleError, TooLarge
from badges.web.context import client_ip, keyring, links, now, wallet_ttl
from badges.web.holder import owned_badge, private_page

bp = Blueprint("oid4vci", __name__)
# A credential request is a configuration id and one key proof (at most 8 KiB): a few kilobytes.
MAX_BODY = 64 * 1024


def _json(body: Any, status: int = 200, *, cors: bool = False) -> Response:
    response = jsonify(body)
    response.status_code = status
    # RFC 6749 §5.1 / OpenID4VCI §7.2: token, nonce and credential responses are never cached.
    response.headers["Cache-Control"] = "no-store"
    if cors:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _error(exc: ProtocolError) -> Response:
    response = _json({"error": exc.error, "error_description": exc.description}, exc.status)
    if exc.status == 401:
        # RFC 6750 §3: a refused Bearer token says why in WWW-Authenticate.
        response.headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    return response


def _too_many() -> Response:
    return _json({"error": "invalid_request", "error_description": "too many attempts, wait a while"}, 429)


def _blocked() -> bool:
    return wallet.blocked(get_session(), ip=client_ip(), now=now())


def _count_failure() -> None:
    """An unknown offer or code counts like an unknown LCW exchange: one wallet budget per address."""
    session = get_session()
    session.rollback()
    wallet.count_failure(session, ip=client_ip(), now=now())
    session.commit()


@bp.get(meta.ISSUER_METADATA_PATH)
def issuer_metadata() -> Response:
    return _json(meta.issuer_metadata(links()), cors=True)


@bp.get(meta.AS_METADATA_PATH)
def authorization_server_metadata() -> Response:
    return _json(meta.authorization_server_metadata(links()), cors=True)


@bp.get(meta.OFFER_PATH + "<ref>")
@db.writes
def offer(ref: str) -> Response:
    """The offer by reference; an unknown one counts against the address's rate limit (a write)."""
    if _blocked():
        return _too_many()
    found = oid4vci.offer_document(get_session(), ref=ref, links=links(), now=now())
    if found is None:
        _count_failure()
        return _json({"error": "invalid_request", "error_description": "unknown or expired offer"}, 404)
    return _json(found, cors=True)


@bp.post(meta.TOKEN_PATH)
def token() -> Response:
    if _blocked():
        return _too_many()
    session = get_session()
    try:
        if request.mimetype != "application/x-www-form-urlencoded":
            raise ProtocolError("invalid_request", "the token request is form-encoded (RFC 6749 §4.1.3)")
        grant = oid4vci.exchange_code(session, form={k: request.form[k] for k in request.form}, now=now())
    except ProtocolError as exc:
        if exc.error == "invalid_grant":
            _count_failure()
        else:
            session.rollback()
        return _error(exc)
    session.commit()
    return _json({"access_token": grant.access_token, "token_type": "Bearer", "expires_in": grant.expires_in})


@bp.post(meta.NONCE_PATH)
def nonce() -> Response:
    value = oid4vci.new_nonce(get_session(), now=now())
    get_session().commit()
    return _json({"c_nonce": value})


@bp.post(meta.CREDENTIAL_PATH)
def credential() -> Response:
    session = get_session()
    try:
        access = oid4vci.bearer_token(session, request.headers.get("Authorization"), now=now())
        body = _json_body()
        answer = oid4vci.issue_credential(
            session, token=access, body=body, keyring=keyring(), links=links(), now=now()
        )
    except ProtocolError as exc:
        session.rollback()
        return _error(exc)
    session.commit()
    return _json(answer)


def _json_body() -> Any:
    """The credential request's JSON (the app's reader: size, depth, duplicate names); None when there is
    none or it is unreadable, which the service refuses as invalid_credential_request."""
    if request.mimetype != "application/json":
        return None
    try:
        return json_input.read_json(request.get_data(cache=False), max_bytes=MAX_BODY)
    except (InvalidInput, TooLarge):
        return None


@bp.post("/mes-badges/<token>/<credential_id>/oid4vci")
@private_page
def holder_offer(token: str, credential_id: str) -> Response:
    """A fresh offer for the beneficiary's own badge, asked from their private page (JSON)."""
    return new_offer(get_session(), owned_badge(token, credential_id))


def new_offer(session: Session, credential: Credential) -> Response:
    """A single-use offer for this award (tx_code unless the form says code=non), committed, as JSON."""
    try:
        made = oid4vci.create_offer(
            session,
            credential=credential,
            links=links(),
            now=now(),
            ttl=wallet_ttl(),
            with_tx_code=request.form.get("code") != "non",
        )
    except RuleError:
        session.rollback()
        return offer_response(None)
    session.commit()
    return offer_response(made)


def offer_response(made: oid4vci.NewOffer | None) -> Response:
    """The offer as JSON, or 409 when the badge can no longer go to a wallet (revoked, expired, erased)."""
    if made is None:
        return _json({"error": "credential_request_denied", "error_description": "badge not valid"}, 409)
    return _json(offer_view(made))


def offer_view(made: oid4vci.NewOffer) -> dict[str, Any]:
    """The JSON of the route above; the pages show such an offer in wallet/_offer.html, after the LCW's
    (web.wallet.offer_view)."""
    return {
        "offer_uri": made.offer_uri,
        "deep_link": made.deep_link,
        "tx_code": made.tx_code,
        "expires_at": made.expires_at.isoformat(),
        "qr_svg": offer_qr(made),
    }


def offer_qr(made: oid4vci.NewOffer) -> str:
    return qr.svg_data_uri(made.deep_link, title=_("Code QR pour ajouter ce badge à votre portefeuille"))
