"""gunicorn settings for badges (`gunicorn --config python:badges.gunicorn_conf`): a tokenless access log."""

from typing import Any

# Access log on standard output (`--access-logfile FILE` overrides it); its lines name route patterns
# (`GET /mes-badges/<token> HTTP/1.1`), never the private links' tokens (see badges/web/access_log.py).
# The logger class also gives gunicorn's error and access logs badges' format (JSON lines by default
# under gunicorn, BADGES_LOG_FORMAT) and the request id (badges/logs.py).
accesslog = "-"
logger_class = "badges.web.access_log.RouteLogger"


def post_worker_init(worker: Any) -> None:
    """Say when a worker has loaded the app (its secrets read, its database engine made)."""
    worker.log.info("Worker ready (pid: %s)", worker.pid)
