"""OpenID4VCI 1.0 documents: the credential issuer metadata (§12.2), the authorization server metadata
(RFC 8414) and the credential offer (§4.1.1), all under the service's BASE_URL."""

from __future__ import annotations

from typing import Any

from badges.services.credentials.links import Links
from badges.services.crypto.key_proof import PROOF_ALGORITHMS

# The paths the web layer serves; the documents name them as absolute URLs.
ISSUER_METADATA_PATH = "/.well-known/openid-credential-issuer"
AS_METADATA_PATH = "/.well-known/oauth-authorization-server"
TOKEN_PATH = "/oid4vci/token"
NONCE_PATH = "/oid4vci/nonce"
CREDENTIAL_PATH = "/oid4vci/credential"
OFFER_PATH = "/oid4vci/offers/"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer://"

LDP_VC_CONFIGURATION = "OpenBadgeCredential_ldp_vc"
JWT_VC_CONFIGURATION = "OpenBadgeCredential_jwt_vc_json"
# credential_configuration_id -> the bound credential's format (Appendix A.1.1 / A.1.2).
CONFIGURATIONS = {LDP_VC_CONFIGURATION: "ldp_vc", JWT_VC_CONFIGURATION: "jwt_vc_json"}
TX_CODE_LENGTH = 6

_VC_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
_DISPLAY = [
    {
        "name": "Badge numérique (Open Badges 3.0)",
        "locale": "fr",
        "description": "Un badge reçu dans un tiers-lieu.",
    },
    {
        "name": "Digital badge (Open Badges 3.0)",
        "locale": "en",
        "description": "A badge earned in a tiers-lieu.",
    },
]
_ISSUER_DISPLAY = [
    {"name": "Badges des tiers-lieux", "locale": "fr"},
    {"name": "Tiers-lieux badges", "locale": "en"},
]
_TX_CODE_DESCRIPTION = "Code à 6 chiffres imprimé sur votre attestation"


def endpoint(links: Links, path: str) -> str:
    return f"{links.base}{path}"


def issuer_metadata(links: Links) -> dict[str, Any]:
    """§12.2.4. The issuer is its own authorization server (no authorization_servers member, §12.2.4)."""
    return {
        "credential_issuer": links.base,
        "credential_endpoint": endpoint(links, CREDENTIAL_PATH),
        "nonce_endpoint": endpoint(links, NONCE_PATH),
        "display": _ISSUER_DISPLAY,
        "credential_configurations_supported": {
            LDP_VC_CONFIGURATION: _configuration(
                "ldp_vc", {"@context": _CONTEXTS, "type": _VC_TYPES}, ["eddsa-rdfc-2022"]
            ),
            JWT_VC_CONFIGURATION: _configuration("jwt_vc_json", {"type": _VC_TYPES}, ["RS256"]),
        },
    }


def _configuration(fmt: str, definition: dict[str, Any], signing: list[str]) -> dict[str, Any]:
    return {
        "format": fmt,
        "scope": "OpenBadgeCredential",
        "credential_definition": definition,
        "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
        "credential_signing_alg_values_supported": signing,
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
        # 1.0 final puts display under credential_metadata (§12.2.4); drafts up to 15, which most wallets
        # still read (Sphereon's client among them), put it on the configuration itself.
        "credential_metadata": {"display": _DISPLAY},
        "display": _DISPLAY,
    }


def authorization_server_metadata(links: Links) -> dict[str, Any]:
    """RFC 8414 §2, with the pre-authorized grant of OpenID4VCI 1.0 §12.3 and anonymous access."""
    return {
        "issuer": links.base,
        "token_endpoint": endpoint(links, TOKEN_PATH),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        # RFC 8414 requires the member; there is no authorization endpoint, so no response type.
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
    }


def offer_uri(links: Links, ref: str) -> str:
    return endpoint(links, OFFER_PATH + ref)


def offer_document(links: Links, *, code: str, with_tx_code: bool) -> dict[str, Any]:
    """§4.1.1: both configurations are offered; the wallet picks the format(s) it wants."""
    grant: dict[str, Any] = {"pre-authorized_code": code}
    if with_tx_code:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": TX_CODE_LENGTH,
            "description": _TX_CODE_DESCRIPTION,
        }
    return {
        "credential_issuer": links.base,
        "credential_configuration_ids": list(CONFIGURATIONS),
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }
