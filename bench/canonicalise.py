"""RDFC-1.0 canonicalisation per credential shape: plain PyLD next to the project's path, measured in one run.

Usage: python bench/canonicalise.py [--credentials 50] [--seconds 1]

The shapes are those the service signs or verifies: the OB 3.0 credential, its proof configuration, the
Bitstring Status List credential, the EndorsementCredential and their proof configurations (issued here,
distinct ones cycled through), and the official 1EdTech vector. The baseline is `pyld.jsonld.normalize`
with the bundled static loader; the project's path is `badges.services.crypto.rdfc.canonicalize`; both
are timed in CPU time, interleaved. Target (issue 17): at least 3x faster on every shape, byte-identical
output (checked here on every input before timing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pyld import jsonld
from sqlalchemy import select

from badges import create_app
from badges.db import get_session, upgrade_schema
from badges.models import BadgeClass, Role, StatusList
from badges.services.accounts import users
from badges.services.credentials import endorsements, status_lists
from badges.services.credentials.links import Links
from badges.services.crypto import rdfc
from badges.services.crypto.keyring import Keyring
from badges.services.openbadges.contexts import document_loader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify import issue  # noqa: E402  (bench/verify.py: the same credentials)

VECTOR = Path(__file__).resolve().parents[1] / "tests/data/test-vectors/obv3p0/eddsa-rdfc-2022-vector.json"


def plain_pyld(doc: dict[str, Any]) -> str:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
    result: str = jsonld.normalize(doc, options)
    return result


def split(signed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What eddsa-rdfc-2022 canonicalises: the document without proof, the proof config with @context."""
    document = {k: v for k, v in signed.items() if k != "proof"}
    proof = signed["proof"][0] if isinstance(signed["proof"], list) else signed["proof"]
    return document, {k: v for k, v in proof.items() if k != "proofValue"} | {
        "@context": document["@context"]
    }


def endorsements_of(
    session: Any, keyring: Keyring, links: Links, badge: BadgeClass, count: int, start: datetime
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Distinct EndorsementCredentials of one badge class by the coordination: each one withdrawn before the
    next is signed, a minute later."""
    user = users.create_user(session, email="coordination@bench.example", name="Coordination",
                             role=Role.COORDINATOR, issuer=None, password=None, now=start)  # fmt: skip
    settings = endorsements.EndorserSettings(network_name="Coordination du réseau", email=user.email)
    signed = []
    for n in range(count):
        at = start + timedelta(minutes=n)
        data = {"target": "badge_class", "id": badge.public_id, "comment": f"Recommandé ({n})."}
        row = endorsements.endorse(session, keyring, actor=user, data=data, settings=settings, links=links,
                                   now=at)  # fmt: skip
        signed.append(split(json.loads(row.ob3_credential)))
        endorsements.withdraw(session, keyring, actor=user, public_id=row.public_id, links=links, now=at)
    session.commit()
    return signed


def shapes(count: int) -> dict[str, list[dict[str, Any]]]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-canon-"))
    config = {"DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "KEYS_DIR": str(tmp / "keys")}
    app = create_app({**config, "KEY_PASSPHRASE": "bench", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade_schema(app)
        session, links = get_session(), Links(app.config["BASE_URL"])
        start = datetime.now(UTC)
        credentials = issue(session, Keyring(tmp / "keys", b"bench"), links, count, start)
        issued = [split(json.loads(c.ob3_credential)) for c in credentials]
        status_list = session.scalars(select(StatusList)).one()
        lists = []
        for n in range(count):  # distinct signed lists: re-signed at distinct times
            at = start + timedelta(seconds=n)
            status_lists.sign_list(session, Keyring(tmp / "keys", b"bench"), status_list=status_list,
                                   links=links, now=at)  # fmt: skip
            lists.append(split(json.loads(status_list.signed_credential)))
        badge = credentials[0].badge_class
        endorsed = endorsements_of(session, Keyring(tmp / "keys", b"bench"), links, badge, count, start)
    vector = json.loads(VECTOR.read_text(encoding="utf-8"))
    credential = vector["unsignedCredential"]
    return {
        "ob3-credential": [document for document, _ in issued],
        "ob3-proof-config": [proof for _, proof in issued],
        "status-list": [document for document, _ in lists],
        "status-list-proof": [proof for _, proof in lists],
        "endorsement": [document for document, _ in endorsed],
        "endorsement-proof": [proof for _, proof in endorsed],
        "1edtech-vector": [credential],
        "1edtech-proof": [{"@context": credential["@context"], **vector["proofOptions"]}],
    }


def rates(
    runs: tuple[Callable[[dict[str, Any]], str], ...], docs: list[dict[str, Any]], seconds: float
) -> list[float]:
    """Calls per second of CPU time for each run, interleaved document by document: load from other
    processes on the machine then weighs on every run alike."""
    spent, done = [0.0] * len(runs), 0
    while sum(spent) < seconds * len(runs):
        doc = docs[done % len(docs)]
        for n, run in enumerate(runs):
            start = time.process_time()
            run(doc)
            spent[n] += time.process_time() - start
        done += 1
    return [done / total for total in spent]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    by_shape = shapes(args.credentials)
    print(f"{args.credentials} distinct credentials and lists, {args.seconds:.1f} s per figure, one core")
    print(
        f"  {'shape':20s} {'pyld /s':>10s} {'project /s':>11s} {'pyld ms':>8s} {'proj ms':>8s} {'ratio':>6s}"
    )
    for name, docs in by_shape.items():
        for doc in docs:
            if rdfc.canonicalize(doc) != plain_pyld(doc):
                raise SystemExit(f"{name}: the project's canonical N-Quads differ from PyLD's")
        plain, ours = rates((plain_pyld, rdfc.canonicalize), docs, args.seconds)
        figures = f"{plain:10.0f} {ours:11.0f} {1000 / plain:8.3f} {1000 / ours:8.3f} {ours / plain:6.2f}"
        print(f"  {name:20s} {figures}")
    print(f"  context memo: {rdfc.MEMO.sizes()[0]} processed contexts kept")


if __name__ == "__main__":
    main()
