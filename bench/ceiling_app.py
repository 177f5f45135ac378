"""The ceiling for HTTP verification (issue 17): a minimal Flask app doing what any verification must do.

`POST /verify` with `{"kid": <signing_key.id>, "message": <base64url>, "signature": <base64url>}`: one
primary-key select (the key's public multibase), one Ed25519 verify, a JSON answer. No more: what the
service spends beyond this is the cost of parsing, checking and reporting. bench/http_verify.py serves it
with the same gunicorn settings as the service, on the same database (`BENCH_DATABASE_URL`).
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

from badges.services.crypto.multibase import ed25519_from_multibase

app = Flask(__name__)
engine = create_engine(os.environ["BENCH_DATABASE_URL"])
SELECT_KEY = text("SELECT public_multibase FROM signing_key WHERE id = :id")
# The stricter ceiling's reads, as the service's reader makes them: on the DB-API connection, in autocommit
# (SQLite's connections already are; a server database's are made so).
autocommit = (
    engine
    if engine.dialect.name == "sqlite"
    else create_engine(os.environ["BENCH_DATABASE_URL"], isolation_level="AUTOCOMMIT")
)
# The same statement in the driver's own parameter style (qmark for sqlite3, format for psycopg).
SELECT_KEY_SQL = "SELECT public_multibase FROM signing_key WHERE id = " + (
    "?" if engine.dialect.paramstyle == "qmark" else "%s"
)


def _unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@app.post("/verify")
def verify() -> Any:
    data = request.get_json()
    with engine.connect() as connection:
        multibase = connection.execute(SELECT_KEY, {"id": int(data["kid"])}).scalar_one()
    return _checked(data, multibase)


@app.post("/verify-dbapi")
def verify_dbapi() -> Any:
    """The same, the key read on the pool's DB-API connection (a cursor, no SQLAlchemy Connection)."""
    data = request.get_json()
    raw = autocommit.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(SELECT_KEY_SQL, (int(data["kid"]),))
        (multibase,) = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    return _checked(data, multibase)


def _checked(data: dict[str, str], multibase: str) -> Any:
    key = Ed25519PublicKey.from_public_bytes(ed25519_from_multibase(multibase))
    try:
        key.verify(_unb64(data["signature"]), _unb64(data["message"]))
    except InvalidSignature:
        return jsonify({"valid": False})
    return jsonify({"valid": True})
