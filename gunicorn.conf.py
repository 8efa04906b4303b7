"""gunicorn configuration, read by `gunicorn` run in this folder (see web/gunicorn_settings.py)."""

from web.gunicorn_settings import accesslog, bind, errorlog, preload_app, workers, wsgi_app

__all__ = ["accesslog", "bind", "errorlog", "preload_app", "workers", "wsgi_app"]
