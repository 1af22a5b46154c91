"""WSGI entry point for gunicorn: `services.app.wsgi:app`, configured from the environment."""

from services.app import create_app

app = create_app()
