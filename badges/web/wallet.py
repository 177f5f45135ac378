"""Wallets: "Ajouter à mon portefeuille" on the private badge page, and the LCW's VC-API exchange (issue 15).

The exchange endpoints answer JSON only, for a wallet app (no cookies, no CSRF: the secret token in the
address is the key, as for the private pages). A refused step changes nothing and says why with a protocol
error code; guessing (unknown offers, bad proofs) is throttled per address like claim codes.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from badges import db
from badges.db import get_session
from badges.models import Credential
from badges.services.credentials import qr, wallet, wallet_exchange, wallet_offers
from badges.services.credentials.wallet_exchange import ExchangeError
from badges.services.holders import holder_pages
from badges.services.shared import json_input
from badges.services.shared.errors import InvalidInput, RuleError, TooLarge
from badges.services.shared.messages import N_, message
from badges.web.context import client_ip, keyring, links, now, wallet_ttl
from badges.web.holder import owned_badge, private_page
from badges.web.i18n import say, say_error
from badges.web.public_blueprint import bp

# What a wallet may post: a DID-Authentication presentation is a few kilobytes.
MAX_BODY = 64 * 1024
STATUS = {
    "unknown_exchange": 404,
    "exchange_expired": 410,
    "exchange_used": 410,
    "credential_unavailable": 410,
}
TOO_MANY = message("exchange.too_many", N_("Trop d'essais depuis cette adresse : réessayez dans 15 minutes."))
UNREADABLE = message("exchange.unreadable", N_("Le corps de la requête n'est pas un JSON lisible."))


def offer_view(credential: Credential, *, created_by: str) -> dict[str, Any]:
    """New offers for the award (the caller commits) and what its page shows: first the LCW's (QR code and
    links), then the OpenID4VCI one for other wallets (its deep link and transaction code)."""
    made = wallet_offers.new_offers(
        get_session(),
        credential=credential,
        links=links(),
        created_by=created_by,
        ttl=wallet_ttl(),
        now=now(),
    )
    return {
        "links": made.lcw,
        "expires_at": made.expires_at,
        "qr_image": qr.svg_data_uri(made.lcw.lcw, title="QR code : ajouter au portefeuille"),
        "oid4vci": made.oid4vci,
        "oid4vci_qr": qr.svg_data_uri(made.oid4vci.deep_link, title="QR code : autre portefeuille"),
    }


@bp.post("/mes-badges/<token>/<credential_id>/portefeuille")
@private_page
def my_wallet_offer(token: str, credential_id: str) -> str | tuple[str, int]:
    credential = owned_badge(token, credential_id)
    session = get_session()
    view = holder_pages.badge(session, links(), credential, now())
    try:
        offer = offer_view(credential, created_by=wallet_exchange.HOLDER)
    except RuleError as exc:
        session.rollback()
        return render_template(
            "holder/wallet_offer.html", credential=view, token=token, error=say_error(exc)
        ), 422
    session.commit()
    return render_template("holder/wallet_offer.html", credential=view, token=token, offer=offer, error=None)


def _refused(error: ExchangeError) -> tuple[BaseResponse, int]:
    session = get_session()
    session.rollback()
    wallet_exchange.count_refusal(session, error, ip=client_ip(), now=now())
    session.commit()
    body = {"error": error.code, "message": say(error.said)}
    return jsonify(body), STATUS.get(error.code, 400)


def _guard() -> tuple[BaseResponse, int] | None:
    if wallet.blocked(get_session(), ip=client_ip(), now=now()):
        return jsonify({"error": "too_many_requests", "message": say(TOO_MANY)}), 429
    return None


@bp.get("/wallet/exchanges/<token>")
@db.writes
def wallet_interaction(token: str) -> tuple[BaseResponse, int] | BaseResponse:
    """The interaction URL (VC-API, `?iuv=1`): the protocols this offer speaks. A refusal counts against
    the address (a write), so the GET takes the write lock up front like a POST."""
    if (refusal := _guard()) is not None:
        return refusal
    try:
        offer = wallet_exchange.open_offer(get_session(), token=token, now=now())
    except ExchangeError as exc:
        return _refused(exc)
    found = wallet_exchange.offer_links(
        links(),
        token=token,
        challenge=offer.challenge,
        issuer_id=links().issuer(offer.credential.issuer.slug),
    )
    return _no_store(jsonify({"protocols": {"vcapi": found.vcapi}}))


def _body() -> Any:
    try:
        return json_input.read_json(request.get_data(cache=False), max_bytes=MAX_BODY) if request.data else {}
    except (InvalidInput, TooLarge) as exc:
        raise ExchangeError("invalid_presentation", UNREADABLE) from exc


@bp.post("/wallet/exchanges/<token>/vcapi")
def wallet_vcapi(token: str) -> tuple[BaseResponse, int] | BaseResponse:
    """POST {} → the VerifiablePresentationRequest; POST {"verifiablePresentation"} → the credential."""
    if (refusal := _guard()) is not None:
        return refusal
    session = get_session()
    try:
        body = _body()
        if not isinstance(body, dict):
            raise ExchangeError("invalid_presentation", wallet_exchange.BAD_PRESENTATION)
        if "verifiablePresentation" not in body:
            offer = wallet_exchange.open_offer(session, token=token, now=now())
            request_ = wallet_exchange.presentation_request(offer, links=links(), token=token)
            return _no_store(jsonify({"verifiablePresentationRequest": request_}))
        bound = wallet_exchange.complete(
            session, token=token, presentation=body["verifiablePresentation"], keyring=keyring(),
            links=links(), now=now(),
        )  # fmt: skip
    except ExchangeError as exc:
        return _refused(exc)
    session.commit()
    return _no_store(jsonify({"verifiablePresentation": wallet_exchange.presentation_with(bound)}))


@bp.post("/wallet/exchanges/<token>/dcc")
def wallet_dcc(token: str) -> tuple[BaseResponse, int] | BaseResponse:
    """The legacy `dccrequest://` flow: the DID-Auth presentation itself in, the credential itself out."""
    if (refusal := _guard()) is not None:
        return refusal
    session = get_session()
    try:
        bound = wallet_exchange.complete(
            session,
            token=token,
            presentation=_body(),
            keyring=keyring(),
            links=links(),
            now=now(),
            legacy=True,
        )
    except ExchangeError as exc:
        return _refused(exc)
    session.commit()
    return _no_store(jsonify(wallet.bound_payload(bound)))


def _no_store(response: BaseResponse) -> BaseResponse:
    response.headers["Cache-Control"] = "no-store"
    return response
