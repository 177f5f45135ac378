"""Verification throughput per format on one core, next to the raw signature check measured in the same run.

Usage: python bench/verify.py [--credentials 200] [--seconds 2] [--database-url URL]

Each format verifies distinct credentials of this service through the service function
(`verification.verify_value` with a fresh LocalSource and reader per call, as a web request does),
cycling through them; the baseline is `cryptography` verifying the very same signatures. Target
(issue 3): at least 1,000 verifications per second for VC-JWT and OB 2.0 JWS. For Data Integrity, a
profile shows where the time goes; target (issue 17): an own badge verifies at >= 0.7x the VC-JWT rate
(its stored hash data is reused, the signature checked). The same badges are then measured without
stored hash data (as issued before migration 0006), canonicalised on every call.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from badges import create_app
from badges.db import get_session, upgrade_schema
from badges.services import verification
from badges.services.credentials import formats, issuance, issuers
from badges.services.credentials.links import Links
from badges.services.crypto import dataintegrity
from badges.services.crypto.keyring import Keyring
from badges.services.crypto.multibase import ed25519_from_multibase
from badges.services.programme import badge_classes, beneficiaries, framework_io
from badges.services.shared.rows import PooledRows
from badges.services.verification.sources import LocalSource


def issue(session: Any, keyring: Keyring, links: Links, count: int, now: datetime) -> list[Any]:
    framework_io.load_defaults(session)
    data = {
        "slug": "bench",
        "name": "Banc d'essai",
        "url": "https://bench.example",
        "email": "b@bench.example",
    }
    issuer = issuers.create_issuer(session, keyring, data=data, links=links, now=now)
    badge_data = {
        "name": "Échanger par e-mail",
        "description": "Je sais envoyer un e-mail.",
        "criteria_narrative": "Avoir envoyé un e-mail.",
        "level": "N2",
        "competencies": ["pix-crcn:2.1"],
    }
    badge = badge_classes.create_badge_class(session, issuer=issuer, data=badge_data, now=now)
    credentials = []
    for n in range(count):
        person_data = {"display_name": f"P{n}", "email": f"p{n}@example.org", "consent": True}
        person = beneficiaries.create_beneficiary(session, issuer=issuer, data=person_data, now=now)
        session.flush()
        credential = issuance.award(
            session, keyring, badge_class=badge, beneficiary=person, links=links, now=now
        )
        formats.ob3_jwt(session, keyring, credential=credential, links=links)
        formats.ob2_signed(session, keyring, credential=credential, links=links)
        credentials.append(credential)
    session.commit()
    return credentials


def rate(run: Callable[[int], None], items: int, seconds: float) -> float:
    """Operations per second, cycling through `items` distinct inputs for about `seconds`."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        run(done % items)
        done += 1
    return done / (time.perf_counter() - start)


def raw_baselines(session: Any, credentials: list[Any]) -> dict[str, Callable[[int], None]]:
    """The same signatures checked with `cryptography` alone (RSA PKCS#1 v1.5 SHA-256, Ed25519)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from badges.models import SigningKey

    rsa_pem = session.get(SigningKey, credentials[0].rsa_key_id).public_pem
    rsa = serialization.load_pem_public_key(rsa_pem.encode())
    ed_key = session.get(SigningKey, credentials[0].ed25519_key_id)
    ed = Ed25519PublicKey.from_public_bytes(ed25519_from_multibase(ed_key.public_multibase))

    def split(token: str) -> tuple[bytes, bytes]:
        head, body, sig = token.split(".")
        return f"{head}.{body}".encode(), _unb64(sig)

    jwt_parts = [split(c.ob3_jwt) for c in credentials]
    jws_parts = [split(c.ob2_signed) for c in credentials]
    di_parts = []
    for c in credentials:
        doc = json.loads(c.ob3_credential)
        proof = doc.pop("proof")[0]
        config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": doc["@context"]}
        di_parts.append((dataintegrity.hash_data(doc, config), _b58(proof["proofValue"])))
    return {
        "vc-jwt": lambda i: rsa.verify(jwt_parts[i][1], jwt_parts[i][0], padding.PKCS1v15(), hashes.SHA256()),
        "ob2-jws": lambda i: rsa.verify(
            jws_parts[i][1], jws_parts[i][0], padding.PKCS1v15(), hashes.SHA256()
        ),
        "ob3-data-integrity": lambda i: ed.verify(di_parts[i][1], di_parts[i][0]),
    }


def _unb64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b58(proof_value: str) -> bytes:
    from badges.services.crypto.multibase import b58decode

    return b58decode(proof_value[1:])


def service_runs(session: Any, links: Links, credentials: list[Any], now: datetime) -> dict[str, Any]:
    inputs = {
        "vc-jwt": [c.ob3_jwt for c in credentials],
        "ob2-jws": [c.ob2_signed for c in credentials],
        "ob3-data-integrity": [json.loads(c.ob3_credential) for c in credentials],
        "ob2-hosted": [json.loads(c.ob2_assertion) for c in credentials],
    }

    engine = session.get_bind()

    def runner(values: list[Any]) -> Callable[[int], None]:
        def run(i: int) -> None:
            # As api/verify.py: the register read by the request's pooled reader, the session ended after.
            rows = PooledRows(engine)
            try:
                source = LocalSource(session, links, reader=lambda: rows)
                report = verification.verify_value(values[i], source=source, now=now)
            finally:
                rows.close()
                session.rollback()
            if not report.valid:
                raise SystemExit(f"verification failed: {report.to_dict()}")

        return run

    return {name: runner(values) for name, values in inputs.items()}


def profile_data_integrity(run: Callable[[int], None], items: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(min(items, 50)):
        run(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "verify_value")  # type: ignore[attr-defined]
    rows: dict[str, Callable[[tuple[str, int, str]], bool]] = {
        "RDFC-1.0 canonicalisation (rdfc)": lambda k: k[2] == "canonicalize" and k[0].endswith("rdfc.py"),
        "Ed25519 signature check": lambda k: k[0] == "~" and "verify" in k[2] and "ed25519" in k[2].lower(),
        "status list (fetch + its own proof)": lambda k: k[2] == "check_status",
        "key resolution (controller doc)": lambda k: k[2] == "resolve_ed25519",
        "database statements (reader, session)": lambda k: (
            (k[2] == "_run" and k[0].endswith("shared/rows.py"))
            or (k[2] == "execute" and k[0].endswith("orm/session.py"))
        ),
        "register lookup (own badge?)": lambda k: k[2] == "issued_credential",
    }
    print("  where Data Integrity verification time goes (cProfile cumulative, share of verify_value):")
    for label, match in rows.items():
        spent = sum(v[3] for k, v in stats.stats.items() if match(k))  # type: ignore[attr-defined]
        print(f"    {label:38s} {100 * spent / total:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    tmp = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    config = {"DATABASE_URL": database_url, "KEYS_DIR": str(tmp / "keys"), "KEY_PASSPHRASE": "bench"}
    app = create_app({**config, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade_schema(app)
        session, links, now = get_session(), Links(app.config["BASE_URL"]), datetime.now(UTC)
        keyring = Keyring(tmp / "keys", b"bench")
        credentials = issue(session, keyring, links, args.credentials, now)
        raw = raw_baselines(session, credentials)
        runs = service_runs(session, links, credentials, now)
        print(f"{len(credentials)} distinct credentials, {args.seconds:.1f} s per figure, one core, "
              f"{app.config['DATABASE_URL'].split(':')[0]}")  # fmt: skip
        print(f"  {'format':20s} {'service /s':>12s} {'raw verify /s':>14s} {'service/raw':>12s}")
        rates = {}
        for name, run in runs.items():
            rates[name] = service = rate(run, len(credentials), args.seconds)
            base = raw.get(name)
            raw_rate = rate(base, len(credentials), args.seconds) if base else None
            ratio = f"{service / raw_rate:11.4f}" if raw_rate else "          -"
            raw_text = f"{raw_rate:14.0f}" if raw_rate else "             -"
            print(f"  {name:20s} {service:12.0f} {raw_text} {ratio}")
        profile_data_integrity(runs["ob3-data-integrity"], len(credentials))
        # Credentials issued before migration 0006 have no stored hash data: they are canonicalised again.
        for credential in credentials:
            credential.ob3_hash_data = credential.ob3_hash_source = None
        session.commit()
        rates["di-canonicalised"] = rate(runs["ob3-data-integrity"], len(credentials), args.seconds)
        print(f"  di-canonicalised (no stored hash data, pre-0006) {rates['di-canonicalised']:8.0f} /s")
        for name in ("ob3-data-integrity", "di-canonicalised"):
            print(f"  {name} / vc-jwt (target, own badges: >= 0.7): {rates[name] / rates['vc-jwt']:.2f}")


if __name__ == "__main__":
    main()
