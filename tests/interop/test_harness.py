"""The interop harness tells good from bad without the app: known-good inputs, then tampered ones."""

import base64
import copy
import functools
import hashlib
import json
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.interop import harness
from tests.interop.network import Network

pytestmark = pytest.mark.interop

# Public origins of the documents these tests publish; one static loopback server serves them all.
ISSUER_ORIGIN = "https://issuer.example.org"
VECTOR_ORIGIN = "https://example.edu"


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".json": "application/ld+json"}

    def guess_type(self, path):  # noqa: ANN001, ANN201 - the stdlib's signature
        # Documents published at extension-less URLs (/issuers/565049, /status/1) are JSON-LD.
        return super().guess_type(path) if Path(str(path)).suffix else "application/ld+json"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@dataclass
class Site:
    """A static web server on 127.0.0.1; ``publish`` puts a document at a public URL of a mapped origin."""

    root: Path
    network: Network

    def publish(self, url: str, document: Any) -> None:
        path = self.root / urlsplit(url).path.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    loopback = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Site(root, Network({ISSUER_ORIGIN: loopback, VECTOR_ORIGIN: loopback}))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


VECTOR_FILE = (
    Path(__file__).resolve().parents[1] / "data" / "test-vectors" / "obv3p0" / "eddsa-rdfc-2022-vector.json"
)


# ------------------------------------------------------------------------------------ OB 3.0 Data Integrity


@pytest.fixture(scope="module")
def vector() -> dict:
    return json.loads(VECTOR_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def signed_vector(vector: dict) -> dict:
    """The 1EdTech test-vector credential with its proof, as an array (docs/standards.md#S-data-integrity: the
    schema wants an array)."""
    credential = copy.deepcopy(vector["unsignedCredential"])
    credential["proof"] = [dict(vector["proofOptions"], proofValue=vector["proofValue"])]
    return credential


@pytest.fixture(scope="module")
def vector_published(vector: dict, site: Site) -> Site:
    """The vector issuer's controller document at the issuer URL, listing its `#z6Mk…` key
    (docs/standards.md#S-keys)."""
    key_id = vector["proofOptions"]["verificationMethod"]
    issuer_id = vector["unsignedCredential"]["issuer"]["id"]
    key = {
        "id": key_id,
        "type": "Multikey",
        "controller": issuer_id,
        "publicKeyMultibase": vector["publicKeyMultibase"],
    }
    site.publish(
        issuer_id,
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": issuer_id,
            "verificationMethod": [key],
            "assertionMethod": [key_id],
        },
    )
    return site


def test_a_fragment_method_id_reaches_the_server_without_its_fragment(
    node_tools, signed_vector, vector_published
):
    """Why this service's proofs name `/keys/<id>`: over HTTP the vector's `<issuer>#z6Mk…` fetches the
    controller document, and neither JS stack picks the key out of it (a fetch stub mapping the fragment URL
    to the key hid this)."""
    issuer_id = signed_vector["issuer"]["id"]
    dcc = harness.ob3_verifier_core(signed_vector, vector_published.network)
    assert not dcc.ok
    assert [e["name"] for e in dcc.report["errors"]] == ["invalid_signature"]
    digital_bazaar = harness.ob3_verify_di(signed_vector, vector_published.network)
    assert digital_bazaar.report["verified"] is False
    for result in (dcc, digital_bazaar):
        assert {"url": issuer_id, "status": 200} in [
            {"url": f["url"], "status": f["status"]} for f in result.report["fetched"]
        ], result.output


def test_validators_fetch_nothing_outside_the_mapped_origins(node_tools, signed_vector):
    result = harness.ob3_verify_di(signed_vector, Network())
    assert not result.ok
    assert result.report["refusedFetches"] == [signed_vector["issuer"]["id"]]
    assert result.report["fetched"] == []


# ------------------------------------------------------------- OB 3.0 did:key credentials and a status list

# Signs with the Digital Bazaar stack itself (a fresh did:key), so that the status-list path can be checked
# without the app: one credential per status index, and a BitstringStatusListCredential with some bits set.
SIGNER_JS = """
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {createList, createCredential} from '@digitalbazaar/vc-bitstring-status-list';
const {contextsDir, credentials, statusListUrl, revokedIndexes} = JSON.parse(readFileSync(0, 'utf8'));
const index = JSON.parse(readFileSync(contextsDir + '/index.json', 'utf8'));
const documentLoader = async (url) => ({contextUrl: null, documentUrl: url,
  document: JSON.parse(readFileSync(contextsDir + '/' + index[url].file, 'utf8'))});
const key = await Ed25519Multikey.generate();
key.controller = 'did:key:' + key.publicKeyMultibase;
key.id = key.controller + '#' + key.publicKeyMultibase;
const sign = (credential) => vc.issue({credential, documentLoader,
  suite: new DataIntegrityProof({signer: key.signer(), cryptosuite})});
const list = await createList({length: 131072});
for (const i of revokedIndexes) list.setStatus(i, true);
const statusList = await createCredential({id: statusListUrl, list, statusPurpose: 'revocation'});
Object.assign(statusList, {issuer: key.controller, validFrom: '2024-01-01T00:00:00Z'});
const signed = [];
for (const c of credentials) signed.push(await sign({...c, issuer: {...c.issuer, id: key.controller}}));
console.log(JSON.stringify({credentials: signed, statusList: await sign(statusList)}));
"""
STATUS_LIST_URL = f"{ISSUER_ORIGIN}/status/1"
REVOKED_INDEX, VALID_INDEX = 7, 42


def _ob3_credential(status_index: int) -> dict:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:2f7e5c1e-8a43-4c55-9a8e-{status_index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "set by the signer", "type": ["Profile"], "name": "Tiers-lieu"},
        "validFrom": "2024-05-01T10:00:00Z",
        "name": "Premiers pas",
        "credentialSubject": {
            "id": "urn:uuid:5d0c7a4e-1f2b-4b8e-9c3d-6e7f8a9b0c1d",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0c3e8f5a-7b1d-4e2f-8a6c-9d0e1f2a3b4c",
                "type": ["Achievement"],
                "name": "Premiers pas",
                "description": "Allumer un ordinateur.",
                "criteria": {"narrative": "Allumer un ordinateur et ouvrir une session."},
            },
        },
        "credentialStatus": {
            "id": f"{STATUS_LIST_URL}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": STATUS_LIST_URL,
        },
    }


@pytest.fixture(scope="module")
def did_key_signed(node_tools: Path, site: Site) -> dict:
    """{status index: signed credential (proof as an array)}; the signed status list goes on `site`."""
    request = {
        "contextsDir": str(harness.CONTEXTS_DIR),
        "credentials": [_ob3_credential(i) for i in (REVOKED_INDEX, VALID_INDEX)],
        "statusListUrl": STATUS_LIST_URL,
        "revokedIndexes": [REVOKED_INDEX, 9],
    }
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", SIGNER_JS],
        cwd=node_tools,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=harness.RUN_TIMEOUT,
        check=True,
    )
    signed = json.loads(proc.stdout)
    for credential in signed["credentials"]:
        # The schema wants an array: docs/standards.md#S-data-integrity
        credential["proof"] = [credential["proof"]]
    revoked, valid = signed["credentials"]
    site.publish(STATUS_LIST_URL, signed["statusList"])
    return {REVOKED_INDEX: revoked, VALID_INDEX: valid}


def test_verify_di_accepts_a_credential_whose_status_bit_is_clear(did_key_signed, site):
    result = harness.ob3_verify_di(did_key_signed[VALID_INDEX], site.network)
    assert result.ok, result.output
    assert [r["status"] for r in result.report["statusResults"]] == [False]
    assert [f["url"] for f in result.report["fetched"]] == [STATUS_LIST_URL]


def test_verify_di_rejects_a_changed_subject(did_key_signed, site):
    credential = copy.deepcopy(did_key_signed[VALID_INDEX])
    credential["credentialSubject"]["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    result = harness.ob3_verify_di(credential, site.network)
    assert not result.ok, result.output
    assert result.report["verified"] is False
    assert "Invalid signature" in result.report["error"]


def test_verify_di_reports_a_set_status_bit_as_revoked(did_key_signed, site):
    """@digitalbazaar/vc says verified: true for a revoked credential; the harness must not
    (docs/standards.md#S-js-verifiers)."""
    result = harness.ob3_verify_di(did_key_signed[REVOKED_INDEX], site.network)
    assert not result.ok, result.output
    assert result.report["verified"] is True
    assert result.report["revoked"] is True


def test_verifier_core_accepts_a_credential_whose_status_bit_is_clear(did_key_signed, site):
    result = harness.ob3_verifier_core(did_key_signed[VALID_INDEX], site.network)
    assert result.ok, result.output
    assert {"id": "revocation_status", "valid": True} in result.report["log"]
    assert result.report["schema_check"]["valid"] is True
    assert result.report["refusedFetches"] == []


def test_verifier_core_rejects_a_changed_subject(did_key_signed, site):
    credential = copy.deepcopy(did_key_signed[VALID_INDEX])
    credential["credentialSubject"]["achievement"]["name"] = "Teamwerk"
    result = harness.ob3_verifier_core(credential, site.network)
    assert not result.ok, result.output
    assert [e["name"] for e in result.report["errors"]] == ["invalid_signature"]


def test_verifier_core_reports_a_schema_failure(did_key_signed, site):
    """A single-object proof fails the OB 3.0 schema (docs/standards.md#S-data-integrity), though the
    signature is good."""
    credential = copy.deepcopy(did_key_signed[VALID_INDEX])
    credential["proof"] = credential["proof"][0]
    result = harness.ob3_verifier_core(credential, site.network)
    assert not result.ok, result.output
    assert result.report["schema_check"]["valid"] is False
    assert "/proof must be array" in result.report["schema_check"]["results"][0]["errors"]


def test_verifier_core_rejects_a_revoked_credential(did_key_signed, site):
    result = harness.ob3_verifier_core(did_key_signed[REVOKED_INDEX], site.network)
    assert not result.ok, result.output
    assert {"id": "revocation_status", "valid": False} in result.report["log"]


# ------------------------------------------------------------------------------------------- OB 3.0 VC-JWT

KID = f"{ISSUER_ORIGIN}/keys/rsa-1"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks(rsa_key, site: Site) -> Network:
    """The public key published as a JWKS at its `kid` URL; the verifier fetches it there."""
    public_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True)
    site.publish(KID, {"keys": [dict(public_jwk, kid=KID, alg="RS256", use="sig")]})
    return site.network


def _vc_jwt_payload() -> dict:
    """A small credential plus the registered claims of docs/standards.md#S-vc-jwt."""
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2f7e5c1e-8a43-4c55-9a8e-2b7a1f0c9d11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"{ISSUER_ORIGIN}/issuers/tl", "type": ["Profile"], "name": "Tiers-lieu"},
        "validFrom": "2024-05-01T10:00:00Z",
        "validUntil": "2029-05-01T10:00:00Z",
        "name": "Premiers pas",
        "credentialSubject": {
            "id": "urn:uuid:5d0c7a4e-1f2b-4b8e-9c3d-6e7f8a9b0c1d",
            "type": ["AchievementSubject"],
        },
    }
    return dict(
        credential,
        iss=credential["issuer"]["id"],
        jti=credential["id"],
        sub=credential["credentialSubject"]["id"],
        nbf=_epoch(credential["validFrom"]),
        exp=_epoch(credential["validUntil"]),
    )


def _epoch(date_time: str) -> int:
    return int(datetime.fromisoformat(date_time).timestamp())


def _sign(rsa_key, payload: dict, **extra_headers) -> str:
    return jwt.encode(
        payload, rsa_key, algorithm="RS256", headers={"kid": KID, "typ": "JWT", **extra_headers}
    )


def test_verify_jwt_accepts_a_pyjwt_token(node_tools, rsa_key, jwks):
    result = harness.ob3_verify_jwt(_sign(rsa_key, _vc_jwt_payload()), jwks)
    assert result.ok, result.output
    assert result.report["problems"] == []


def test_verify_jwt_rejects_a_tampered_payload(node_tools, rsa_key, jwks):
    header, _, signature = _sign(rsa_key, _vc_jwt_payload()).split(".")
    forged = dict(_vc_jwt_payload(), name="Expert")
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    result = harness.ob3_verify_jwt(f"{header}.{body}.{signature}", jwks)
    assert not result.ok, result.output
    assert result.report["error"] == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"


@pytest.mark.parametrize(
    ("headers", "problem"),
    [({"cty": "vc"}, "extra JOSE header cty"), ({"typ": "vc+jwt"}, 'typ must be "JWT", got vc+jwt')],
)
def test_verify_jwt_rejects_headers_ob3_forbids(node_tools, rsa_key, jwks, headers, problem):
    result = harness.ob3_verify_jwt(_sign(rsa_key, _vc_jwt_payload(), **headers), jwks)
    assert not result.ok, result.output
    assert problem in result.report["problems"]


def test_verify_jwt_rejects_claims_that_disagree_with_the_credential(node_tools, rsa_key, jwks):
    payload = dict(_vc_jwt_payload(), exp=_vc_jwt_payload()["exp"] + 1)
    result = harness.ob3_verify_jwt(_sign(rsa_key, payload), jwks)
    assert not result.ok, result.output
    assert result.report["problems"] == ["exp != validUntil"]


# -------------------------------------------------------------------------------------- OB 2.0 (hosted)

RECIPIENT = "learner@example.org"
SALT = "deadsea"


@pytest.fixture(scope="module")
def ob2_site(site: Site) -> str:
    """A static OB 2.0 issuer, BadgeClass and hosted Assertion under https://issuer.example.org/ob2."""
    base = f"{ISSUER_ORIGIN}/ob2"
    (site.root / "ob2").mkdir(exist_ok=True)
    _write_ob2_badge(site.root / "ob2", base)
    return base


def _write_ob2_badge(folder: Path, base: str) -> None:
    context = "https://w3id.org/openbadges/v2"
    Image.new("RGB", (64, 64), (0, 110, 160)).save(folder / "badge.png")
    documents = {
        "issuer.json": {
            "@context": context,
            "type": "Issuer",
            "id": f"{base}/issuer.json",
            "name": "Tiers-lieu de test",
            "url": f"{base}/",
            "email": "contact@example.org",
        },
        "badgeclass.json": {
            "@context": context,
            "type": "BadgeClass",
            "id": f"{base}/badgeclass.json",
            "name": "Premiers pas",
            "description": "Allumer un ordinateur et ouvrir une session.",
            "image": f"{base}/badge.png",
            "criteria": {"narrative": "Réaliser les deux gestes."},
            "issuer": f"{base}/issuer.json",
        },
        "assertion.json": {
            "@context": context,
            "type": "Assertion",
            "id": f"{base}/assertion.json",
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": SALT,
                "identity": "sha256$" + hashlib.sha256((RECIPIENT + SALT).encode()).hexdigest(),
            },
            "badge": f"{base}/badgeclass.json",
            "verification": {"type": "hosted"},
            "issuedOn": datetime(2024, 5, 1, 10, 0, tzinfo=UTC).isoformat(),
        },
    }
    for name, document in documents.items():
        (folder / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def test_ob2_validator_accepts_a_hosted_assertion(ob2_venv, ob2_site, site):
    result = harness.ob2_validate(f"{ob2_site}/assertion.json", site.network, recipient_email=RECIPIENT)
    assert result.ok, result.output
    assert result.report["errorCount"] == 0
    assert result.report["blocked"] == []


def test_ob2_validator_rejects_the_wrong_recipient(ob2_venv, ob2_site, site):
    result = harness.ob2_validate(
        f"{ob2_site}/assertion.json", site.network, recipient_email="someone.else@example.org"
    )
    assert not result.ok, result.output
    assert "VERIFY_RECIPIENT_IDENTIFIER" in [m["name"] for m in result.report["messages"]]


def test_ob2_validator_reads_a_baked_png(ob2_venv, ob2_site, site, tmp_path):
    """Baking per OB 2.0: one iTXt chunk `openbadges`, empty language tag and translated keyword
    (docs/standards.md#S-baking)."""
    info = PngInfo()
    text = (site.root / "ob2" / "assertion.json").read_text(encoding="utf-8")
    info.add_itxt("openbadges", text, lang="", tkey="")
    with Image.open(site.root / "ob2" / "badge.png") as image:
        image.save(tmp_path / "baked.png", pnginfo=info)
    result = harness.ob2_validate(tmp_path / "baked.png", site.network, recipient_email=RECIPIENT)
    assert result.ok, result.output


def test_ob2_validator_takes_assertion_text(ob2_venv, ob2_site, site):
    """For a hosted assertion the validator re-fetches its id: the hosted copy is the one checked."""
    text = (site.root / "ob2" / "assertion.json").read_text(encoding="utf-8")
    assert harness.ob2_validate(text, site.network, recipient_email=RECIPIENT).ok
    assert not harness.ob2_validate(text, site.network, recipient_email="someone.else@example.org").ok
