"""WSGI entry point: `gunicorn wsgi:app`."""

from badges import create_app

app = create_app()
