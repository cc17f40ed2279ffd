"""Findings as phrases: an English message and the values it names, kept apart until it
is read, so that a finding is stored once and shown in any language. Pure: no Flask.

A message has {name} placeholders and is marked with N_ for the catalogue. A value is a
count (int), text shown as written (str), a day, a Term, Share, Days or Number, another
Phrase, or a tuple of values joined with "and".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction


def N_(message: str) -> str:
    """Mark `message` for the translation catalogue; it is translated when it is read."""
    return message


@dataclass(frozen=True)
class Term:
    """A stakeholder group or region, shown by its label."""

    id: str
    label: str

    @classmethod
    def of(cls, labels: Mapping[str, str], key: str) -> Term:
        return cls(key, labels.get(key, key))


@dataclass(frozen=True)
class Share:
    value: Fraction


@dataclass(frozen=True)
class Days:
    count: int


@dataclass(frozen=True)
class Number:
    """Seats or votes, which may be fractional."""

    value: Fraction


class Phrase:
    """`message` with its values; str() is the English."""

    __slots__ = ("message", "values")

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values

    def __str__(self) -> str:
        return self.message.format(**{name: english(v) for name, v in self.values.items()})

    def __repr__(self) -> str:
        return f"Phrase({str(self)!r})"

    def as_dict(self) -> dict[str, object]:
        """The phrase as JSON: see `encode`."""
        return {"message": self.message,
                "values": {name: encode(value) for name, value in self.values.items()}}


def english(value: object) -> str:
    match value:
        case Term(label=label):
            return label
        case Share(value=share):
            return percent(share)
        case Days(count=count):
            return f"{count} day" if count == 1 else f"{count} days"
        case Number(value=amount):
            return number(amount)
        case date():
            return value.isoformat()
        case tuple():
            return join_words([english(item) for item in value])
    return str(value)


def encode(value: object) -> object:
    """JSON for a value: a count or text as itself, a list for a tuple, a phrase as
    {"message", "values"}, and the rest as a one-key object: {"term": id},
    {"share": fraction as a float}, {"days": n}, {"number": n}, {"date": ISO day}."""
    match value:
        case Phrase():
            return value.as_dict()
        case Term(id=key):
            return {"term": key}
        case Share(value=share):
            return {"share": round(float(share), 6)}
        case Days(count=count):
            return {"days": count}
        case Number(value=amount):
            return {"number": int(amount) if amount.denominator == 1 else float(amount)}
        case date():
            return {"date": value.isoformat()}
        case tuple():
            return [encode(item) for item in value]
    return value


def join_words(words: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B, and C': as Babel joins a list in English."""
    if len(words) < 3:
        return " and ".join(words)
    return f"{', '.join(words[:-1])}, and {words[-1]}"


def number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.4g}"


def percent(share: Fraction) -> str:
    value = share * 100
    return f"{value.numerator}%" if value.denominator == 1 else f"{float(value):.1f}%"
