"""Configuration defaults, and the few settings derived from the environment."""

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

MiB = 1024 * 1024


class Defaults:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}  # noqa: RUF012 — read, never mutated
    MAX_CONTENT_LENGTH = 1 * MiB
    MAX_FORM_MEMORY_SIZE = 1 * MiB
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: forms may take a while
    SQLITE_BUSY_TIMEOUT_MS = 5000
    SUBMISSION_RATE_LIMIT = "10 per minute; 200 per day"  # per address, on public writes
    LOGIN_RATE_LIMIT = "10 per minute; 50 per hour"  # per address, and per account tried
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on 429
    RATELIMIT_STORAGE_URI = "memory://"
    # The authority in feed entry ids (tag: URIs, RFC 4151): set it once to your domain and
    # never change it, or every feed reader sees every entry again.
    TAG_AUTHORITY = "clearinghouse.example"
    FEEDS_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # "updated" of a feed with no entries yet
    # "whoosh": an index folder under instance/; "postgres": PostgreSQL full-text search, for
    # several hosts sharing one database.
    SEARCH_BACKEND = "whoosh"
    PAGE_CACHE = True  # rendered public pages, keyed by the data version (caching.py)


def finalise(app: Flask) -> None:
    """Fill in what the environment left unset with the embedded defaults."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    if app.config.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def database_uri(app: Flask) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(app.instance_path) / 'clearinghouse.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance: Path) -> str:
    """A random key kept in the instance folder, made once by whichever process comes first."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f"secret_key.{os.getpid()}"
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: a racing worker reads the winner's key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
