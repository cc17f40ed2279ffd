"""Controlled vocabularies: stakeholder groups, regions, categories, stages,
levels, WSIS Action Lines and countries, loaded and checked once from data/."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_FLAGS = ("ldc", "lldc", "sids", "developing")


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class ActionLine:
    code: str
    title: str
    facilitators: tuple[str, ...]
    parent: str | None


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    region: str
    ldc: bool
    lldc: bool
    sids: bool
    developing: bool


def load_json(name: str) -> dict | list:
    """Read data/<name> as UTF-8 JSON."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _require(source: str, entry: Mapping, keys: Collection[str]) -> None:
    missing = [key for key in keys if key not in entry]
    if missing:
        raise ValueError(f"{source}: entry {dict(entry)!r} lacks {', '.join(missing)}")


def parse_terms(source: str, entries: list[Mapping]) -> dict[str, Term]:
    """Turn a list of {id, label, description} into Terms, keeping their order."""
    terms: dict[str, Term] = {}
    for entry in entries:
        _require(source, entry, ("id", "label", "description"))
        if entry["id"] in terms:
            raise ValueError(f"{source}: {entry['id']!r} appears twice")
        terms[entry["id"]] = Term(entry["id"], entry["label"], entry["description"])
    return terms


def _load_terms(name: str, key: str = "terms") -> dict[str, Term]:
    return parse_terms(f"{name} ({key})", load_json(name)[key])


def parse_action_lines(source: str, entries: list[Mapping]) -> dict[str, ActionLine]:
    """Turn action-line entries into ActionLines; every parent must be listed."""
    lines: dict[str, ActionLine] = {}
    for entry in entries:
        _require(source, entry, ("code", "title", "facilitators"))
        line = ActionLine(
            entry["code"], entry["title"], tuple(entry["facilitators"]), entry.get("parent")
        )
        if line.code in lines:
            raise ValueError(f"{source}: {line.code!r} appears twice")
        lines[line.code] = line
    for line in lines.values():
        if line.parent is not None and line.parent not in lines:
            raise ValueError(f"{source}: {line.code}: parent {line.parent!r} does not exist")
    return lines


def check_countries(
    source: str,
    entries: Mapping[str, Mapping],
    regions: Collection[str],
    expected_codes: Collection[str],
) -> None:
    """Fail unless entries cover exactly expected_codes, each with a known region and flags."""
    missing = sorted(set(expected_codes) - set(entries))
    if missing:
        raise ValueError(f"{source}: no entry for ISO 3166-1 code(s) {', '.join(missing)}")
    extra = sorted(set(entries) - set(expected_codes))
    if extra:
        raise ValueError(f"{source}: {', '.join(extra)} is not an ISO 3166-1 alpha-2 code")
    for code, entry in entries.items():
        if entry.get("region") not in regions:
            raise ValueError(f"{source}: {code}: unknown region {entry.get('region')!r}")
        for flag in _FLAGS:
            if not isinstance(entry.get(flag), bool):
                raise ValueError(f"{source}: {code}: {flag!r} must be true or false")


def _country_name(code: str) -> str:
    record = pycountry.countries.get(alpha_2=code)
    return getattr(record, "common_name", None) or record.name


def _load_countries(regions: Collection[str]) -> dict[str, Country]:
    entries = load_json("countries.json")["countries"]
    expected = {record.alpha_2 for record in pycountry.countries}
    check_countries("countries.json", entries, regions, expected)
    return {
        code: Country(code, _country_name(code), entry["region"], *(entry[f] for f in _FLAGS))
        for code, entry in entries.items()
    }


STAKEHOLDER_GROUPS: dict[str, Term] = _load_terms("stakeholder_groups.json")
REGIONS: dict[str, Term] = _load_terms("regions.json")
CATEGORIES: dict[str, Term] = _load_terms("categories.json")
STAGES: dict[str, Term] = _load_terms("stages.json")
PRIORITIES: dict[str, Term] = _load_terms("levels.json", "priority")
CONTROVERSY: dict[str, Term] = _load_terms("levels.json", "controversy")
EVENT_KINDS: dict[str, Term] = _load_terms("process_terms.json", "event_kinds")
DOCUMENT_KINDS: dict[str, Term] = _load_terms("process_terms.json", "document_kinds")
DECISION_RULES: dict[str, Term] = _load_terms("process_terms.json", "decision_rules")
PASS_RULES: dict[str, Term] = _load_terms("process_terms.json", "pass_rules")
PRINCIPLES: dict[str, Term] = _load_terms("process_terms.json", "principles")
VERDICTS: dict[str, Term] = _load_terms("process_terms.json", "verdicts")
ILLUSTRATIVE_PARTS: dict[str, Term] = _load_terms("process_terms.json", "illustrative_parts")
QUESTION_KINDS: dict[str, Term] = _load_terms("feedback_terms.json", "question_kinds")
SCALE: dict[str, Term] = _load_terms("feedback_terms.json", "scale")
MODERATION: dict[str, Term] = _load_terms("feedback_terms.json", "moderation")
SUBMISSION_STATUSES: dict[str, Term] = _load_terms("feedback_terms.json", "submission_statuses")
CONSULTATION_STATES: dict[str, Term] = _load_terms("feedback_terms.json", "consultation_states")
ACTION_LINES: dict[str, ActionLine] = parse_action_lines(
    "action_lines.json", load_json("action_lines.json")["action_lines"]
)
COUNTRIES: dict[str, Country] = _load_countries(REGIONS)


def region_of(country_code: str) -> str:
    """The region id of an ISO 3166-1 alpha-2 code, in either case; KeyError if unknown."""
    country = COUNTRIES.get(country_code.upper())
    if country is None:
        raise KeyError(f"{country_code!r} is not an ISO 3166-1 alpha-2 code")
    return country.region


def action_line_family(code: str) -> tuple[str, ...]:
    """The line itself followed by its sub-lines, e.g. C7 and its eight e-lines."""
    if code not in ACTION_LINES:
        raise KeyError(f"{code!r} is not a WSIS Action Line")
    children = tuple(c for c, line in ACTION_LINES.items() if line.parent == code)
    return (code, *children)
