"""WSGI entry point for gunicorn: `services.cache.wsgi:app`."""

from services.cache import create_app

app = create_app()
