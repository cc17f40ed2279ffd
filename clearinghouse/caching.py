"""Rendered public pages, cached by the data version, and ETags on public responses.

Every write transaction moves the data version (`database.move_data_version`), and the
version is read before anything else a request reads, so a cached page is never older
than the newest commit. The store is Redis when CLEARINGHOUSE_REDIS_URL is set, otherwise
a folder under instance/ that every worker on the host shares. Anything personal is
never stored: signed-in staff, API tokens, and pages holding a CSRF token (forms).
"""

from pathlib import Path

from cachelib import BaseCache, FileSystemCache, RedisCache
from flask import Flask, Request, Response, current_app, g, request, session
from flask_babel import get_timezone

from . import i18n
from .database import data_version

TIMEOUT = 24 * 3600  # old versions' pages are never asked for again; let them go
LARGEST = 2 * 1024 * 1024
PRIVATE = ("/receipts/", "/api/v1/receipts/")
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Encoding", "Vary", "Link",
                "ETag", "Last-Modified")


def init_app(app: Flask) -> None:
    """Call first: `keep_and_tag` then runs after every other after_request, compression
    included, so the bytes stored and tagged are the bytes sent."""
    app.before_request(serve_cached)
    app.after_request(keep_and_tag)


def store() -> BaseCache:
    """Made on first use, when the instance folder is settled."""
    if "page_cache" not in current_app.extensions:
        current_app.extensions["page_cache"] = store_for(current_app)
    return current_app.extensions["page_cache"]


def store_for(app: Flask) -> BaseCache:
    if url := app.config.get("REDIS_URL"):
        import redis

        return RedisCache(redis.Redis.from_url(url), key_prefix="clearinghouse:page:",
                          default_timeout=TIMEOUT)
    folder = app.config.get("PAGE_CACHE_DIR") or Path(app.instance_path) / "page-cache"
    return FileSystemCache(str(folder), threshold=5000, default_timeout=TIMEOUT)


def public(req: Request) -> bool:
    """A request anyone could have made, whose answer is the same for everyone: not a
    receipt, whose secret link shows one submitter their own submission."""
    return (req.method in ("GET", "HEAD") and "Authorization" not in req.headers
            and req.endpoint not in (None, "static") and current_app.config["PAGE_CACHE"]
            and not req.path.startswith(PRIVATE) and "user_id" not in session)


def key() -> str:
    """Pages vary by the URL, the compression asked for, and the reader's language and
    time zone."""
    encodings = request.headers.get("Accept-Encoding", "").replace(" ", "").lower()
    if encodings == "identity":  # what asking for nothing in particular also gets
        encodings = ""
    version, stamp = g.data_version
    return (f"{version}.{stamp}:{encodings}:{i18n.language()}:{get_timezone()}:"
            f"{request.full_path}")


def serve_cached() -> Response | None:
    if not public(request):
        return None
    g.data_version = data_version()
    found = store().get(key())
    if found is None:
        return None
    body, status, headers = found
    g.page_cache = "hit"
    return Response(body, status, headers)


def keep_and_tag(response: Response) -> Response:
    if "data_version" not in g:
        return response
    whole = response.status_code == 200 and not (response.direct_passthrough
                                                 or response.is_streamed)
    if whole and "ETag" not in response.headers:
        response.add_etag()  # of the bytes sent; stored with them, so never hashed again
    if g.get("page_cache") != "hit" and storable(response):
        headers = [(name, value) for name, value in response.headers if name in KEPT_HEADERS]
        store().set(key(), (response.get_data(), response.status_code, headers))
    response.headers["X-Cache"] = g.get("page_cache", "miss")
    if whole:
        response.headers.setdefault("Cache-Control", "no-cache")  # revalidate: a 304 is cheap
        response.make_conditional(request)
    return response


def storable(response: Response) -> bool:
    length = response.calculate_content_length()
    return (response.status_code == 200 and length is not None and length <= LARGEST
            and "Set-Cookie" not in response.headers and "csrf_token" not in g)
