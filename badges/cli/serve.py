"""`badges serve`: upgrade the schema, then serve with gunicorn (or Flask's development server)."""

from __future__ import annotations

from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from badges import db, logs
from badges.cli.common import prepare

DEFAULT_PORT = 5000


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=None, type=int, help="Default: the port of a local BADGES_BASE_URL, or 5000.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="gunicorn workers.")
@click.option("--debug", is_flag=True, help="Development server with the reloader (never in production).")
def serve_command(host: str, port: int | None, workers: int, debug: bool) -> None:
    """Upgrade the schema, load the default frameworks, then serve (gunicorn; --debug: development server)."""
    port = port if port is not None else local_port(str(current_app.config["BASE_URL"]))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not debug:
        logs.init_app(app, served=True)  # the master's lines (the upgrade too) as the workers' ones
    prepare()
    mode = "serveur de développement" if debug else f"gunicorn, {workers} worker(s)"
    click.echo(f"badges sur http://{host}:{port}/ ({mode} ; base publique : {app.config['BASE_URL']})")
    if debug:
        from werkzeug.serving import run_simple

        app.debug = True
        run_simple(host, port, app, threaded=True, use_reloader=True, use_debugger=True)
        return
    from badges import create_app
    from badges.server import Server

    db.engine_of(app).dispose()  # the workers open their own connections: none may cross the fork
    Server(create_app, host=host, port=port, workers=workers).run()


def local_port(base_url: str) -> int:
    """Serve where the links point: the port of a base URL on this machine, else the default one."""
    parts = urlsplit(base_url)
    if parts.hostname in ("127.0.0.1", "localhost", "::1") and parts.port:
        return parts.port
    return DEFAULT_PORT
