"""Light on the wire: responses compressed, static files named by their content and kept by
browsers for a year (a changed file gets a new name, so nobody sees a stale one)."""

import hashlib
from contextlib import closing
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, request
from flask_compress import Compress

YEAR = 365 * 24 * 60 * 60
# Everything this site sends that is text; images it has none (charts are inline SVG).
COMPRESSED = (
    "text/html", "text/css", "text/plain", "text/csv", "text/calendar", "image/svg+xml",
    "application/json", "application/problem+json", "application/xml",
    "application/atom+xml", "application/rss+xml",
)


@lru_cache(maxsize=256)
def _digest(path: Path, modified_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def fingerprint(filename: str) -> str | None:
    """A short hash of the static file's content, or None if there is no such file."""
    path = Path(current_app.static_folder, filename)
    try:
        modified = path.stat().st_mtime_ns
    except (OSError, ValueError):
        return None
    return _digest(path, modified)


def add_fingerprint(endpoint: str, values: dict) -> None:
    """url_for('static', filename=...) gains ?v=<hash of the content>."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = fingerprint(values["filename"])
        if digest:
            values["v"] = digest


def finish_static(response: Response) -> Response:
    """A static file asked for by its current fingerprint never changes: keep it a year.

    The file is read whole and closed here, so compressing it cannot leave it open (the
    stylesheet is the only static file, and small)."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get("v") and request.args.get("v") == fingerprint(filename):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    if response.direct_passthrough:
        with closing(response.response):
            body = b"".join(response.response)
        response.direct_passthrough = False
        response.set_data(body)
    return response


def init_app(app: Flask) -> None:
    """Call before anything but caching adds an after_request: compressing is then the last
    change made to a response (caching's runs after it, to store what is sent)."""
    app.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED))
    Compress(app)
    app.url_defaults(add_fingerprint)
    app.after_request(finish_static)
