"""The public URL scheme: every id put in a document or a credential is built here, and only here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Links:
    """URLs under the service's BASE_URL. The web routes serve exactly these paths."""

    base: str

    def issuer(self, slug: str) -> str:
        """OB 3.0 issuer id and controller document of its keys (docs/standards.md#S-keys)."""
        return f"{self.base}/issuers/{slug}"

    def ed25519_method(self, slug: str, key_id: str) -> str:
        """The verification method of a Data Integrity proof: a URL without a fragment, since a fragment never
        reaches a server; it serves the Multikey itself, listed by the issuer's controller document
        (docs/standards.md#S-keys)."""
        return f"{self.issuer(slug)}/keys/{key_id}"

    def legacy_ed25519_method(self, slug: str, key_id: str) -> str:
        """The method id of badges signed before the change above: `#key-` inside the controller document."""
        return f"{self.issuer(slug)}#key-{key_id}"

    def rsa_kid(self, slug: str, key_id: str) -> str:
        """A VC-JWT `kid` is a URI that dereferences to the JWK (docs/standards.md#S-vc-jwt)."""
        return f"{self.issuer(slug)}/keys/{key_id}"

    def jwks(self, slug: str) -> str:
        return f"{self.issuer(slug)}/jwks.json"

    def status_list(self, slug: str, number: int) -> str:
        return f"{self.base}/status/{slug}/{number}"

    def achievement(self, badge_class_id: str) -> str:
        return f"{self.base}/achievements/{badge_class_id}"

    def badge_image(self, badge_class_id: str) -> str:
        return f"{self.base}/achievements/{badge_class_id}/image.png"

    def credential_page(self, credential_id: str) -> str:
        return f"{self.base}/credentials/{credential_id}"

    def framework(self, slug: str) -> str:
        return f"{self.base}/frameworks/{slug}"

    def competency(self, framework_slug: str, code: str) -> str:
        return f"{self.framework(framework_slug)}#{code}"

    def ob2_issuer(self, slug: str) -> str:
        return f"{self.base}/ob2/issuers/{slug}"

    def ob2_key(self, key_id: str) -> str:
        return f"{self.base}/ob2/keys/{key_id}"

    def ob2_revocations(self, slug: str) -> str:
        return f"{self.ob2_issuer(slug)}/revocations"

    def ob2_badge(self, badge_class_id: str) -> str:
        return f"{self.base}/ob2/badges/{badge_class_id}"

    def ob2_assertion(self, credential_id: str) -> str:
        return f"{self.base}/ob2/assertions/{credential_id}"

    def endorser(self, slug: str) -> str:
        """An endorser's id and the controller document of its keys, like an issuer's (issue 16)."""
        return f"{self.base}/endorsers/{slug}"

    def endorser_key(self, slug: str, key_id: str) -> str:
        return f"{self.endorser(slug)}/keys/{key_id}"

    def endorser_status(self, slug: str) -> str:
        return f"{self.endorser(slug)}/status"

    def endorsement(self, endorsement_id: str) -> str:
        """The EndorsementCredential's id, where it is served as signed."""
        return f"{self.base}/endorsements/{endorsement_id}"

    def ob2_endorser(self, slug: str) -> str:
        return f"{self.base}/ob2/endorsers/{slug}"

    def ob2_endorsement(self, endorsement_id: str) -> str:
        return f"{self.base}/ob2/endorsements/{endorsement_id}"

    def is_local(self, url: str) -> bool:
        return url == self.base or url.startswith(self.base + "/")

    def local_path(self, url: str) -> str:
        """The path of a local URL, without query or fragment."""
        path = url[len(self.base) :] or "/"
        return path.split("#", 1)[0].split("?", 1)[0]


def credential_urn(credential_id: str) -> str:
    """OB 3.0 credentials are identified by a urn:uuid, independent of where they are hosted."""
    return f"urn:uuid:{credential_id}"
