"""Readable, unique URL slugs derived from titles."""

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

MAX_LENGTH = 80
RESERVED = frozenset({"new", "edit", "check", "feed", "history"})


def slugify(title: str, fallback: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:MAX_LENGTH].rstrip("-") or fallback


def unique_slug(session: Session, column, title: str, fallback: str) -> str:
    """The slug of `title`, with -2, -3 … appended when it is taken or reserved."""
    base = slugify(title, fallback)[: MAX_LENGTH - 4].rstrip("-")
    taken = set(session.scalars(select(column).where(column.like(f"{base}%")))) | RESERVED
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
