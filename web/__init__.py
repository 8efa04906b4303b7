"""The tracuu web front end: search page, document pages and the JSON API."""

from web.app import create_app

__all__ = ["create_app"]
