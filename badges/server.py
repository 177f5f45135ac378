"""The production server `badges serve` runs: gunicorn, in process, with badges/gunicorn_conf.py's settings.

The same server as the README's `gunicorn --config python:badges.gunicorn_conf wsgi:app`: the master
process forks the workers and each worker builds its own app (its own database engine, its own keyring),
so nothing opened before the fork is shared between processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

from badges import gunicorn_conf


class Server(BaseApplication):
    """gunicorn's master, configured from badges.gunicorn_conf plus the command's bind and workers."""

    def __init__(self, app_factory: Callable[[], Any], *, host: str, port: int, workers: int) -> None:
        self.app_factory = app_factory
        self.options = {"bind": [bind_address(host, port)], "workers": workers}
        super().__init__(prog="badges serve")

    def load_config(self) -> None:
        shipped = {name: value for name, value in vars(gunicorn_conf).items() if name in self.cfg.settings}
        for name, value in {**shipped, **self.options}.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        """Called in each worker after the fork: the app is built there, never in the master."""
        return self.app_factory()


def bind_address(host: str, port: int) -> str:
    """gunicorn's bind syntax: an IPv6 address goes in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
