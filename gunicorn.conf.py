"""gunicorn configuration, read by `gunicorn` run in this folder (see web/gunicorn_settings.py)."""

from web.gunicorn_settings import *  # noqa: F403 (every setting it lists in __all__)
