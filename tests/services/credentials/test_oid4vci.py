"""OpenID4VCI's credential service under concurrency: one credential per format and access token."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from badges.models import BoundCredential, Oid4vciAccessToken
from badges.services.credentials import oid4vci
from tests.apps import race_two_writers
from tests.oid4vci_wallet import Holder

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def issue(session, *, token_id: int, nonce: str, keyring, links, now, holder: Holder):
    token = session.get(Oid4vciAccessToken, token_id)
    proof = holder.proof(aud=links.base, nonce=nonce, iat=int(now.timestamp()))
    body = {"credential_configuration_id": "OpenBadgeCredential_ldp_vc", "proofs": {"jwt": [proof]}}
    return oid4vci.issue_credential(session, token=token, body=body, keyring=keyring, links=links, now=now)


def test_two_requests_racing_with_one_token_for_one_format_store_one_credential(
    app, session, keyring, links, now, award
):
    """The second one waits for the first's commit, then is refused with the protocol's error."""
    made = oid4vci.create_offer(
        session, credential=award, links=links, now=now, ttl=timedelta(days=1), with_tx_code=False
    )
    ref = made.offer_uri.rsplit("/", 1)[1]
    code = oid4vci.offer_document(session, ref=ref, links=links, now=now)["grants"][PRE_AUTH]
    form = {"grant_type": PRE_AUTH, "pre-authorized_code": code["pre-authorized_code"]}
    oid4vci.exchange_code(session, form=form, now=now)
    nonces = [oid4vci.new_nonce(session, now=now) for _ in range(2)]
    session.commit()
    token_id = session.scalars(select(Oid4vciAccessToken.id)).one()
    holder = Holder()

    def asking(nonce: str):
        return lambda db: issue(db, token_id=token_id, nonce=nonce, keyring=keyring, links=links, now=now,
                                holder=holder)  # fmt: skip

    second = race_two_writers(app, asking(nonces[0]), asking(nonces[1]), refused=oid4vci.ProtocolError)
    assert isinstance(second, oid4vci.ProtocolError) and second.error == "credential_request_denied"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(BoundCredential)) == 1
