"""ASGI entry point for uvicorn workers: `uvicorn wxbackend.asgi:app`."""

from wxbackend.app import create_app

app = create_app()
