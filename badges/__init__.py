"""badges: Open Badges 2.0 / 3.0 issuing and verification for tiers-lieux inclusion pathways."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config layers, extensions, blueprints, error handlers, CLI."""
    from badges import cli, config, db, jobs, logs
    from badges.web import (
        access_log,
        api,
        errors,
        health,
        i18n,
        oid4vci,
        public,
        request_id,
        security_headers,
        sessions,
        staff,
    )

    # BADGES_INSTANCE_PATH: where config.py and the generated secrets live (default: ./instance).
    instance = os.environ.get("BADGES_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
        template_folder=str(PACKAGE_DIR / "templates"),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    config.load(app, test_config)
    logs.init_app(app)
    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    request_id.init_app(app)
    # Documents keep their field order and their accents (JSON-LD readers and people both read them).
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    access_log.init_app(app)
    db.init_app(app)
    jobs.init_app(app)
    i18n.init_app(app)
    sessions.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(oid4vci.bp)
    staff.init_app(app)
    errors.init_app(app)
    security_headers.init_app(app)
    cli.init_app(app)
    return app
