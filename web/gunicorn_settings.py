"""gunicorn settings for tracuu (loaded by gunicorn: gunicorn.conf.py or 'python:' form)."""

import os

wsgi_app = "web:create_app()"
bind = os.environ.get("TRACUU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRACUU_WORKERS", "2"))
accesslog = "-"
errorlog = "-"
# Workers open the index after the fork: one searcher per worker.
preload_app = False
