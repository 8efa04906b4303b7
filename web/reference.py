"""The API's reference: its OpenAPI description as JSON, and a page that reads it
(Swagger UI, from the swagger-ui-py package, served from /static/vendor/)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from flask import Blueprint, jsonify, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from web.openapi import description

blueprint = Blueprint("reference", __name__)

# The files of Swagger UI the page loads; nothing else of the package is served.
SWAGGER_UI = Path(swagger_ui.__file__).resolve().parent / "static"
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")


@blueprint.get("/api/v1/openapi.json")
def openapi() -> ResponseReturnValue:
    """Answer the OpenAPI 3.1 description of the API."""
    return jsonify(description())


@blueprint.get("/api")
def api_page() -> ResponseReturnValue:
    """Show the API's reference, read from its OpenAPI description by Swagger UI."""
    return render_template("api.html")


@blueprint.get("/static/vendor/swagger-ui/<name>")
def swagger_file(name: str) -> ResponseReturnValue:
    """Serve Swagger UI's script and style sheet."""
    if name not in SWAGGER_FILES:
        raise NotFound()
    return send_from_directory(SWAGGER_UI, name, max_age=86400)
