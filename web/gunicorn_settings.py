"""gunicorn settings for tracuu (loaded by gunicorn: gunicorn.conf.py or 'python:' form)."""

import os

wsgi_app = "web:create_app()"
bind = os.environ.get("TRACUU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRACUU_WORKERS", "2"))
accesslog = "-"
errorlog = "-"
# The app is created, and the index's postings read, before the workers are
# forked: they share the arrays. Each worker opens its own searcher files.
preload_app = True
os.environ.setdefault("TRACUU_PRELOAD", "1")
