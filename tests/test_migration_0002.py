"""Migration 0002 on a database holding 0001 data: classes become revision 1, credentials point to it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from badges.db import alembic_config

NOW = "2026-01-15 10:00:00+00:00"
ROWS = [
    "INSERT INTO issuer (id, public_id, slug, name, url, email, description, created_at) VALUES "
    "(1, 'i-1', 'lieu', 'Lieu', 'https://lieu.example', 'a@lieu.example', '', :now)",
    "INSERT INTO framework (id, slug, version, name, kind, description) VALUES "
    "(1, 'pix-crcn', '2019', 'Pix / CRCN', 'reference', '')",
    "INSERT INTO competency (id, framework_id, code, title, area, falc_description, position) VALUES "
    "(1, 1, '2.1', 'Interagir', 'Communication', '', 0)",
    "INSERT INTO badge_class (id, public_id, issuer_id, name, description, criteria_narrative, level, tags, "
    "image_png, profile, created_at, updated_at) VALUES (1, 'b-1', 1, 'E-mail', 'Je sais.', 'Avoir fait.', "
    "'N2', '[\"e-mail\"]', :png, 'exclu', :now, :now)",
    "INSERT INTO badge_class_competency (badge_class_id, competency_id) VALUES (1, 1)",
    "INSERT INTO signing_key (id, public_id, issuer_id, algorithm, public_pem, created_at) VALUES "
    "(1, 'k-1', 1, 'Ed25519', 'pem', :now), (2, 'k-2', 1, 'RSA', 'pem', :now)",
    "INSERT INTO status_list (id, issuer_id, number, purpose, size) VALUES (1, 1, 1, 'revocation', 131072)",
    "INSERT INTO beneficiary (id, public_id, issuer_id, subject_id, display_name, show_name_in_badges, "
    "created_at) VALUES (1, 'p-1', 1, 'urn:uuid:p-1', 'Awa', false, :now)",
    "INSERT INTO credential (id, public_id, issuer_id, badge_class_id, beneficiary_id, issued_at, "
    "ed25519_key_id, rsa_key_id, ob2_assertion, status_list_id, status_index) VALUES "
    "(1, 'c-1', 1, 1, 1, :now, 1, 2, '{}', 1, 7)",
]


@pytest.fixture
def scratch_url(tmp_path) -> Iterator[str]:
    """An empty database: SQLite in a temp dir, or a scratch PostgreSQL database next to the test one."""
    url = os.environ.get("BADGES_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    scratch = make_url(url).set(database=f"{make_url(url).database or 'test'}_migration{worker}")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    yield scratch.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
    admin.dispose()


def test_existing_classes_and_credentials_survive_the_upgrade(scratch_url):
    command.upgrade(alembic_config(scratch_url), "0001")
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"now": NOW, "png": b"\x89PNG"})
    command.upgrade(alembic_config(scratch_url), "head")
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT * FROM badge_revision")).mappings().one()
        credential = conn.execute(text("SELECT revision_id FROM credential")).scalar_one()
        badge = conn.execute(text("SELECT rule, image_uploaded, criteria_composed FROM badge_class")).one()
        french = conn.execute(text("SELECT needs_french_support FROM beneficiary")).scalar_one()
    engine.dispose()
    assert (revision["public_id"], revision["number"], revision["name"], revision["level"]) == (
        "b-1",
        1,
        "E-mail",
        "N2",
    )
    alignments = revision["alignments"]
    if isinstance(alignments, str):  # SQLite hands JSON back as text through text()
        alignments = json.loads(alignments)
    assert alignments == [
        {"name": "Interagir", "framework": "Pix / CRCN", "slug": "pix-crcn", "code": "2.1", "description": ""}
    ]
    assert credential == revision["id"]
    assert badge[1] in (False, 0) and badge[2] in (False, 0) and french in (False, 0)
    command.downgrade(alembic_config(scratch_url), "0001")
