"""Configuration layers and generated secrets."""

from __future__ import annotations

import stat

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
    from badges import create_app

    for name in ("BADGES_SECRET_KEY", "BADGES_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    app.instance_path = str(tmp_path)
    assert app.config["SECRET_KEY"] and app.config["KEY_PASSPHRASE"]
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
