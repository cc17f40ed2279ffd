"""Readable, unique URL slugs derived from titles."""

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .exceptions import Conflict, InvalidInput

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


def choose(session: Session, column, given: str | None, title: str, fallback: str) -> str:
    """The slug a new record gets: the one given, unless reserved, or one made from its title."""
    if given in RESERVED:
        raise InvalidInput(f"slug: '{given}' is reserved.", {"slug": ["This slug is reserved."]})
    return given or unique_slug(session, column, title, fallback)


@contextmanager
def taken_is_conflict(noun: str, slug: str | None) -> Iterator[None]:
    """A slug taken by a concurrent writer, caught by the unique constraint, is a 409."""
    try:
        yield
    except IntegrityError:
        named = f" '{slug}'" if slug else " with that address; please try again"
        raise Conflict(f"There is already {noun}{named}.") from None
