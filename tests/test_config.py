"""Configuration layers and generated secrets."""

from __future__ import annotations

import secrets
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from badges import config


def test_environment_overrides_defaults(monkeypatch):
    found = config.from_environment(
        {
            "BADGES_BASE_URL": "https://badges.example",
            "BADGES_SMTP_PORT": "2525",
            "BADGES_UNKNOWN": "x",
            "BADGES_SECRET_KEY": "",
        }
    )
    assert found == {"BASE_URL": "https://badges.example", "SMTP_PORT": 2525}


def test_instance_secret_is_generated_once_with_mode_0600(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    first = config.instance_secret(path)
    assert len(first) >= 48
    assert config.instance_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_app_generates_secret_key_and_passphrase_into_instance(tmp_path, monkeypatch):
    app = _app(tmp_path / "instance", monkeypatch)
    assert app.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text()
    assert app.config["KEY_PASSPHRASE"] == (tmp_path / "instance" / "key_passphrase").read_text()
    assert app.config["SECRET_KEY"] != app.config["KEY_PASSPHRASE"]


def test_proxy_headers_are_trusted_only_when_configured(tmp_path):
    from flask import request

    from badges import create_app

    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}", "PROXIES": proxies,
                          "SECRET_KEY": "x", "KEY_PASSPHRASE": "x"})  # fmt: skip
        app.add_url_rule("/_ip", "ip", lambda: request.remote_addr or "")
        forwarded = {"X-Forwarded-For": "203.0.113.7"}
        response = app.test_client().get("/_ip", headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        seen = response.get_data(as_text=True)
        assert seen == expected


def test_workers_creating_a_secret_at_once_all_read_the_same_complete_value(tmp_path, monkeypatch):
    """gunicorn workers start together: none may see the file before its secret is written in full."""
    path = tmp_path / "instance" / "secret_key"
    real = secrets.token_urlsafe

    def slow(nbytes: int) -> str:
        time.sleep(0.05)  # the window in which a competitor may find the file
        return real(nbytes)

    monkeypatch.setattr(secrets, "token_urlsafe", slow)
    start = threading.Barrier(16)

    def worker(_: int) -> str:
        start.wait()
        return config.instance_secret(path)

    with ThreadPoolExecutor(16) as pool:
        found = list(pool.map(worker, range(16)))
    assert len(set(found)) == 1 and len(found[0]) >= 48
    assert path.read_text() == found[0]
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _app(instance, monkeypatch, **environ):
    from badges import create_app

    for name in ("BADGES_SECRET_KEY", "BADGES_LINK_SECRET", "BADGES_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BADGES_INSTANCE_PATH", str(instance))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return create_app({"DATABASE_URL": f"sqlite:///{instance / 'x.sqlite3'}"})


def test_a_new_installation_gets_a_link_secret_of_its_own(tmp_path, monkeypatch):
    app = _app(tmp_path / "instance", monkeypatch)
    assert app.instance_path == str(tmp_path / "instance")
    link_secret = (tmp_path / "instance" / "link_secret").read_text()
    assert app.config["LINK_SECRET"] == link_secret and len(link_secret) >= 48
    assert app.config["LINK_SECRET"] != app.config["SECRET_KEY"]


def test_an_existing_installation_keeps_its_links_then_rotating_the_session_secret_spares_them(
    tmp_path, monkeypatch
):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("the-session-secret-links-were-made-with")
    upgraded = _app(instance, monkeypatch)
    assert upgraded.config["LINK_SECRET"] == "the-session-secret-links-were-made-with"
    assert (instance / "link_secret").read_text() == "the-session-secret-links-were-made-with"
    rotated = _app(instance, monkeypatch, BADGES_SECRET_KEY="a-new-session-secret")
    assert rotated.config["SECRET_KEY"] == "a-new-session-secret"
    assert rotated.config["LINK_SECRET"] == "the-session-secret-links-were-made-with"


def test_a_session_secret_given_in_the_environment_also_seeds_the_link_secret_once(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    assert _app(instance, monkeypatch, BADGES_SECRET_KEY="env-secret").config["LINK_SECRET"] == "env-secret"
    assert _app(instance, monkeypatch, BADGES_SECRET_KEY="rotated").config["LINK_SECRET"] == "env-secret"


def test_the_link_secret_from_the_environment_wins(tmp_path, monkeypatch):
    app = _app(tmp_path / "instance", monkeypatch, BADGES_LINK_SECRET="shared-by-every-host")
    assert app.config["LINK_SECRET"] == "shared-by-every-host"
    assert not (tmp_path / "instance" / "link_secret").exists()
