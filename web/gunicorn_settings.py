"""gunicorn settings for tracuu (gunicorn.conf.py or the 'python:' form), and its worker."""

import os
import ssl
from typing import Any

from gunicorn.http import errors as http_errors  # type: ignore[import-untyped]
from gunicorn.workers.sync import SyncWorker  # type: ignore[import-untyped]

from web import settings
from web.errors import MAX_URL_BYTES, raw_json_answer

# What gunicorn.conf.py takes from here (gunicorn reads a config module's names).
__all__ = ["accesslog", "bind", "errorlog", "limit_request_field_size", "limit_request_fields",
           "limit_request_line", "pre_fork", "preload_app", "timeout", "worker_class",
           "workers", "wsgi_app"]

wsgi_app = "web:create_app()"
bind = os.environ.get("TRACUU_BIND", settings.default("BIND"))
workers = int(os.environ.get("TRACUU_WORKERS", settings.default("WORKERS")))
timeout = int(os.environ.get("TRACUU_TIMEOUT", settings.default("TIMEOUT")))
accesslog = "-"
errorlog = "-"
# The app is created, and the index opened, before the workers are forked:
# they start with its arrays mapped. Each worker opens its own searcher files.
preload_app = True
os.environ.setdefault("TRACUU_PRELOAD", "1")


def pre_fork(server: Any, worker: Any) -> None:
    """Bring the master to the index's current generation before it forks a worker.

    The master answers no request, so it would otherwise keep the arrays of the
    generation it opened at start (and a build that a rebuild replaced) for
    every worker it forks later, after a HUP or a worker's death.
    """
    index = server.app.wsgi().extensions.get("tracuu.index")
    if index is None:
        return
    try:
        index.open()
    except Exception as error:  # no index yet, or a damaged one: workers answer 503
        server.log.warning("index not opened before forking a worker: %s", error)
# A 2,000-character Vietnamese query is up to 18 KB percent-encoded; gunicorn's
# bounded request lines stop at 8190 bytes, so it is told to read any length
# (0). The app answers a JSON 414 past web.errors.MAX_URL_BYTES, and the worker
# below stops reading a line a little longer than that.
limit_request_line = 0
# The method, the spaces and "HTTP/1.1" around the URL the app bounds.
_MAX_REQUEST_LINE = MAX_URL_BYTES + 64
# gunicorn's defaults, stated: its 431 for more or longer headers is answered
# in JSON by the worker below. (0 does not mean unlimited here: gunicorn 27
# turns a field size of 0 into 8190.)
limit_request_fields = 100
limit_request_field_size = 8190
worker_class = "web.gunicorn_settings.JsonErrorWorker"

# gunicorn's status for each request it cannot parse; any other parse error is a 400.
# getattr: some of these classes are newer than the oldest gunicorn we accept.
_PARSE_ERROR_STATUS = [
    (getattr(http_errors, name, ()), status) for name, status in (
        ("LimitRequestLine", 414), ("LimitRequestHeaders", 431),
        ("UnsupportedTransferCoding", 501), ("ExpectationFailed", 417),
        ("ForbiddenProxyRequest", 403), ("ConfigurationProblem", 500),
    )
]
# An invalid header the app tried to send is the app's fault, not the client's.
_APP_ERRORS = tuple(getattr(http_errors, name) for name in (
    "InvalidResponseHeader", "InvalidResponseHeaderName") if hasattr(http_errors, name))


def _status_of(error: BaseException) -> int:
    """Return the HTTP status that answers an error raised while serving a request."""
    if isinstance(error, _APP_ERRORS) or not isinstance(
            error, http_errors.ParseException | ssl.SSLError):
        return 500
    if isinstance(error, ssl.SSLError):
        return 403
    return next((status for kind, status in _PARSE_ERROR_STATUS if isinstance(error, kind)), 400)


class _LineBoundSocket:
    """A client socket that refuses a request line past _MAX_REQUEST_LINE bytes.

    Told to read any length, gunicorn copies its whole buffer at every read:
    a 10 MB line would hold a worker for seconds. Past the first CRLF the
    socket is the client's, untouched.
    """

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._line: bytes | None = b""

    def recv(self, *args: Any) -> bytes:
        data: bytes = self._sock.recv(*args)
        if self._line is not None:
            self._line += data
            # RFC 9112 2.2: one empty line may come before the request line.
            line = self._line[2:] if self._line.startswith(b"\r\n") else self._line
            if b"\r\n" in line or not data:
                self._line = None
            elif len(line) > _MAX_REQUEST_LINE:
                self._line = None  # once: gunicorn drains the socket before closing it
                raise http_errors.LimitRequestLine(len(line), _MAX_REQUEST_LINE)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class JsonErrorWorker(SyncWorker):
    """gunicorn's sync worker, answering what it cannot serve in the API's JSON error shape.

    gunicorn answers a request line or headers it refuses, and an app that
    fails outside Flask's handler, with its own HTML page, whatever the path.
    """

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        # gunicorn wraps a TLS socket itself, which needs the real one.
        super().handle(listener, client if self.cfg.is_ssl else _LineBoundSocket(client), addr)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status = _status_of(exc)
        if status >= 500:
            self.log.exception("Error handling request %s", getattr(req, "uri", ""))
        else:
            self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            client.sendall(raw_json_answer(status))
        except OSError:
            self.log.debug("Failed to send error message.")
