"""The `badges` command: demo data, issuers, awards, keys, each command committing its own work."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select

from badges.models import Credential, Framework, Issuer, SigningKey
from badges.services.credentials import revocation
from badges.services.programme import framework_io, frameworks
from tests.web.staff.conftest import post

NEW_PASSWORD = "une phrase de passe pour la démo"


def test_demo_is_idempotent_and_prints_what_is_needed_to_award(runner, session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    info = json.loads(second.stdout)
    assert info["api_token"].startswith("bdg_")
    assert {"Awa", "Karim"} <= set(info["beneficiaries"])
    assert session.scalar(select(func.count(Issuer.id))) == 1


def test_award_from_the_command_line(runner, session):
    info = json.loads(runner.invoke(args=["demo"]).stdout)
    issued_by_the_demo = session.scalar(select(func.count(Credential.id)))
    result = runner.invoke(args=info["award_with_cli"].split()[1:])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["page"].startswith("http://127.0.0.1:")
    session.rollback()  # a fresh snapshot after the command's commit
    assert session.scalar(select(func.count(Credential.id))) == issued_by_the_demo + 1
    again = runner.invoke(args=info["award_with_cli"].split()[1:])
    assert again.exit_code != 0 and "déjà" in again.output


def test_demo_prints_the_award_command_as_it_runs_here(runner):
    """The venv is not on the PATH: the printed command names the script beside this interpreter."""
    info = json.loads(runner.invoke(args=["demo"]).stdout)
    program = info["award_with_cli"].split()[0]
    assert program != "badges" and program.endswith("bin/badges")
    assert Path(program).resolve() == (Path(sys.executable).parent / "badges").resolve()
    assert os.access(program, os.X_OK)


def test_demo_prints_a_sign_in_link_for_its_staff_member(runner, client, links):
    info = json.loads(runner.invoke(args=["demo"]).stdout)
    assert info["staff_email"] == "mediatrice@fabrique-demo.example"
    link = info["staff_sign_in"]
    assert link.startswith(links.base + "/staff/invitation/")
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and "mediatrice@fabrique-demo.example" in page.get_data(as_text=True)
    chosen = post(client, urlsplit(link).path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert chosen.status_code == 303 and chosen.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    # Once the password is chosen, the link is spent and the demo points to the sign-in page.
    again = json.loads(runner.invoke(args=["demo"]).stdout)
    assert again["staff_sign_in"] == links.base + "/staff/login"
    assert client.get(urlsplit(link).path).status_code == 400


def test_issuer_creation_reports_every_invalid_field(runner, session):
    result = runner.invoke(
        args=["issuers", "create", "--slug", "Bad Slug", "--name", "X", "--url", "ftp://x", "--email", "nope"]
    )
    assert result.exit_code != 0
    for field in ("slug", "url", "email"):
        assert field in result.output
    assert session.scalar(select(func.count(Issuer.id))) == 0


def test_issuer_creation_generates_both_keys(runner, session, app):
    result = runner.invoke(
        args=[
            "issuers",
            "create",
            "--slug",
            "la-mine",
            "--name",
            "La Mine",
            "--url",
            "https://lamine.example",
            "--email",
            "contact@lamine.example",
        ]
    )
    assert result.exit_code == 0, result.output
    algorithms = sorted(session.scalars(select(SigningKey.algorithm)))
    assert algorithms == ["Ed25519", "RSA"]
    listed = runner.invoke(args=["keys", "list", "--issuer", "la-mine"])
    assert listed.output.count("active") == 2


def test_key_rotation_retires_the_keys_in_force(runner, session):
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["keys", "rotate", "--issuer", "fabrique-demo", "--yes"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["keys", "list", "--issuer", "fabrique-demo"]).output
    assert listed.count("active") == 2 and listed.count("retirée") == 2


def test_token_for_unknown_user_fails_cleanly(runner):
    result = runner.invoke(args=["users", "token", "--email", "nobody@example.org"])
    assert result.exit_code != 0 and "introuvable" in result.output


def test_revoke_and_compromise_from_the_command_line(runner, session):
    info = json.loads(runner.invoke(args=["demo"]).stdout)
    award = json.loads(runner.invoke(args=info["award_with_cli"].split()[1:]).stdout)
    revoked = runner.invoke(
        args=[
            "awards",
            "revoke",
            "--issuer",
            "fabrique-demo",
            "--award",
            award["id"],
            "--reason",
            "Erreur de saisie",
        ]
    )
    assert revoked.exit_code == 0, revoked.output
    assert "révoqué" in runner.invoke(args=["awards", "list", "--issuer", "fabrique-demo"]).output
    key_id = session.scalars(select(SigningKey.public_id).where(SigningKey.algorithm == "RSA")).first()
    compromised = runner.invoke(
        args=[
            "keys",
            "compromise",
            "--issuer",
            "fabrique-demo",
            "--key",
            key_id,
            "--since",
            "2026-01-01",
            "--yes",
        ]
    )
    assert compromised.exit_code == 0, compromised.output
    assert "Nouvelle clé RSA" in compromised.output
    assert "compromise" in runner.invoke(args=["keys", "list", "--issuer", "fabrique-demo"]).output


def test_revoke_does_not_find_an_erased_award(runner, session, keyring, links, now, award):
    """As on the staff's screens and the API (award_listing.award_of): an erased award is not found."""
    revocation.erase(session, keyring, credential=award, links=links, now=now)
    session.commit()
    args = ["awards", "revoke", "--issuer", award.issuer.slug, "--award", award.public_id, "--reason", "x"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "Error: Badge introuvable." in result.output, result.output


def test_a_service_error_ends_any_command_of_a_group_as_a_click_error(runner):
    """The group turns a service error into a message and exit code 1, wherever the command raised it
    (here before any command's own handling: an unknown tiers-lieu)."""
    for args in (
        ["awards", "revoke", "--issuer", "nulle-part", "--award", "x", "--reason", "x"],
        ["awards", "list", "--issuer", "nulle-part"],
        ["users", "create", "--email", "a@example.org", "--name", "A", "--issuer", "nulle-part"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and "Error: Tiers-lieu introuvable." in result.output, result.output
        assert isinstance(result.exception, SystemExit)


def test_db_upgrade_loads_the_reference_frameworks_once_and_brings_new_versions(
    runner, session, tmp_path, monkeypatch
):
    """`badges db upgrade` (the production path) leaves a service whose ateliers can name Pix competences."""
    shipped = len(framework_io.DEFAULT_FILES)
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        session.rollback()  # a fresh snapshot after the command's commit
        assert session.scalar(select(func.count(Framework.id))) == shipped
    assert frameworks.find(session, "pix-crcn", "2025") is None
    bundled = tmp_path / "frameworks"
    shutil.copytree(framework_io.DATA_DIR, bundled)
    pix = json.loads((bundled / "pix-crcn.json").read_text(encoding="utf-8"))
    pix["version"] = "2025"
    (bundled / "pix-crcn.json").write_text(json.dumps(pix), encoding="utf-8")
    monkeypatch.setattr(framework_io, "DATA_DIR", bundled)
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "pix-crcn 2025" in result.output
    session.rollback()
    assert session.scalar(select(func.count(Framework.id))) == shipped + 1
    assert frameworks.find(session, "pix-crcn", "2025") is not None


def test_serve_listens_where_a_local_base_url_points():
    from badges.cli.serve import local_port

    assert local_port("http://127.0.0.1:8123") == 8123
    assert local_port("http://localhost:8124/") == 8124
    assert local_port("http://127.0.0.1") == 5000
    assert local_port("https://badges.example.org:8443") == 5000  # behind a proxy: not ours to guess
