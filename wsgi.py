"""The WSGI entry point: gunicorn wsgi:app."""

from clearinghouse import create_app

app = create_app()
