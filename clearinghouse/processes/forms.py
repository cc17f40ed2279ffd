"""The process form without JSON: its flat fields to a record, and a record to its fields.

Participants are entered as a stakeholder group × region grid of counts, and a vote
as up to three chambers, each with a grid of seats.
"""

import re

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from .. import i18n, vocabulary
from ..formdata import checkbox_errors, repeated, whole_number

TEXTS = ("name", "convener", "stage", "aim", "modalities", "significance",
         "intended_outcomes", "delegated_to", "recourse")
TERMS = ("open", "remote", "fee", "fee_waiver")
LISTS = ("issues", "illustrative", "participation")  # checkboxes; every other field is sent once
EVENT_KEYS = ("title", "kind", "announced_on", "starts_at", "location")
DOCUMENT_KEYS = ("title", "url", "kind")
MAX_CHAMBERS = 3
BLANK_ROWS = 2


def cells(prefix: str):
    for group in vocabulary.STAKEHOLDER_GROUPS:
        for region in vocabulary.REGIONS:
            yield f"{prefix}-{group}-{region}", group, region


def record_from_form(form: MultiDict) -> tuple[dict, dict[str, list[str]]]:
    """The record the form describes, and errors in what cannot even be read."""
    errors = repeated(form, LISTS)
    record = {key: form.get(key, "").strip() for key in TEXTS}
    record["delegated_to"] = record["delegated_to"] or None
    record["issues"] = form.getlist("issues")
    record["illustrative"] = form.getlist("illustrative")
    record["participation"] = {term: term in form.getlist("participation") for term in TERMS}
    if unknown := set(form.getlist("participation")) - set(TERMS):
        errors["participation"] = [f"'{term}' is not a term of participation; use one of: "
                                   f"{', '.join(TERMS)}." for term in sorted(unknown)]
    record["languages"] = [code for code in re.split(r"[,\s]+", form.get("languages", "")) if code]
    record["events"] = [event(row) for row in rows(form, "events", (*EVENT_KEYS, "remote"))]
    errors.update(checkbox_errors(form, [key for key in form if key.endswith("-remote")]))
    record["documents"] = rows(form, "documents", DOCUMENT_KEYS)
    record["participants"] = [
        {"stakeholder_group": group, "region": region, "count": count}
        for group, region, count in grid(form, "participants", errors)
    ]
    record["decision_rule"] = decision_rule(form, errors)
    record["translations"] = i18n.translations_from_form(form, ("name", "aim"))
    return record, errors


def rows(form: MultiDict, prefix: str, keys: tuple[str, ...]) -> list[dict]:
    """Numbered rows (events-0-title, events-1-title …); rows left blank are skipped."""
    numbers = sorted({m.group(1) for key in form  # as text: int() of 4,301 digits fails
                      if (m := re.fullmatch(rf"{prefix}-([0-9]+)-\w+", key))},
                     key=lambda number: (len(number), number))
    found = [{key: form.get(f"{prefix}-{n}-{key}", "").strip() for key in keys} for n in numbers]
    return [row for row in found if row.get("title") or row.get("url")]


def row_count(values: MultiDict, prefix: str) -> int:
    """Rows to show: those filled in, and a few blank ones to add more without JavaScript."""
    filled = {m.group(1) for key in values if (m := re.fullmatch(rf"{prefix}-(\d+)-title", key))}
    return len(filled) + BLANK_ROWS


def event(row: dict) -> dict:
    starts = row["starts_at"]
    if starts and not re.search(r"(Z|[+-]\d\d:?\d\d)$", starts):
        starts += "+00:00"  # the form asks for UTC
    return {**row, "starts_at": starts, "announced_on": row["announced_on"] or None,
            "location": row["location"] or None, "remote": row["remote"] == "on"}


def grid(form: MultiDict, prefix: str, errors: dict) -> list[tuple[str, str, int]]:
    counts = []
    for name, group, region in cells(prefix):
        text = form.get(name, "").strip() or "0"
        count = whole_number(text)
        if count is None:
            errors.setdefault(prefix, []).append(gettext(
                "'%(text)s' for %(group)s in the %(region)s is not a whole number.",
                text=text[:40], group=gettext(vocabulary.STAKEHOLDER_GROUPS[group].label),
                region=gettext(vocabulary.REGIONS[region].label)))
            continue
        if count:
            counts.append((group, region, count))
    return counts


def decision_rule(form: MultiDict, errors: dict) -> dict | None:
    errors.update(select_errors(form))
    kind = form.get("rule-kind", "")
    if not kind:
        return None
    if kind == "unilateral":
        decider = {key: form.get(f"rule-decider-{key}") for key in ("stakeholder_group", "region")}
        return {"kind": kind, "decider": {k: v for k, v in decider.items() if v}}
    if kind != "vote":
        return {"kind": kind}
    chambers = []
    for n in range(MAX_CHAMBERS):
        seats = [{"stakeholder_group": group, "region": region, "count": count}
                 for group, region, count in grid(form, f"chambers-{n}", errors)]
        name = form.get(f"chambers-{n}-name", "").strip()
        if name or seats:
            chambers.append({"name": name, "pass": form.get(f"chambers-{n}-pass", "majority"),
                             "seats": seats})
    return {"kind": kind, "chambers": chambers}


def select_errors(form: MultiDict) -> dict[str, list[str]]:
    """The rule's selects hold a term of theirs or nothing, even where the rule's kind leaves
    them unread: a value no option has is a mistake, not a choice."""
    selects = {"rule-decider-stakeholder_group": vocabulary.STAKEHOLDER_GROUPS,
               "rule-decider-region": vocabulary.REGIONS,
               **{f"chambers-{n}-pass": vocabulary.PASS_RULES for n in range(MAX_CHAMBERS)}}
    return {name: [f"'{form[name]}' is not one of the choices: {', '.join(terms)}."]
            for name, terms in selects.items() if form.get(name) and form[name] not in terms}


def form_values(record: dict) -> MultiDict:
    """The form's fields for a record: what an edit form starts from."""
    values = MultiDict({key: record.get(key) or "" for key in TEXTS})
    values.setlist("issues", record["issues"])
    values.setlist("illustrative", record["illustrative"])
    values.setlist("participation", [t for t in TERMS if record["participation"][t]])
    values["languages"] = ", ".join(record["languages"])
    values.update(i18n.translations_for_form(record.get("translations", {})))
    for n, row in enumerate(record["events"]):
        announced = row["announced_on"]
        values.update({f"events-{n}-title": row["title"], f"events-{n}-kind": row["kind"],
                       f"events-{n}-announced_on": announced.isoformat() if announced else "",
                       f"events-{n}-starts_at": row["starts_at"].strftime("%Y-%m-%dT%H:%M"),
                       f"events-{n}-location": row["location"] or "",
                       f"events-{n}-remote": "on" if row["remote"] else ""})
    for n, row in enumerate(record["documents"]):
        values.update({f"documents-{n}-{key}": row[key] for key in DOCUMENT_KEYS})
    add_grid(values, "participants", record["participants"])
    add_rule(values, record["decision_rule"])
    return values


def add_grid(values: MultiDict, prefix: str, rows: list[dict]) -> None:
    for row in rows:
        name = f"{prefix}-{row['stakeholder_group']}-{row['region']}"
        values[name] = str(int(values.get(name, 0)) + row["count"])


def add_rule(values: MultiDict, rule: dict | None) -> None:
    if rule is None:
        return
    values["rule-kind"] = rule["kind"]
    for key, bloc in rule.get("decider", {}).items():
        values[f"rule-decider-{key}"] = bloc
    for n, chamber in enumerate(rule.get("chambers", [])[:MAX_CHAMBERS]):
        values[f"chambers-{n}-name"] = chamber["name"]
        values[f"chambers-{n}-pass"] = chamber["pass"]
        add_grid(values, f"chambers-{n}", chamber["seats"])


def changes(form: MultiDict, record: dict) -> tuple[dict, dict]:
    """Only what the person changed: a field whose form is as it was is left out, so
    participants kept by country and weighted seats survive an edit of something else."""
    posted, errors = record_from_form(form)
    before, _ = record_from_form(form_values(record))
    return {key: value for key, value in posted.items() if before.get(key) != value}, errors


def weighted(record: dict) -> bool:
    """A rule the form cannot show exactly: weights, or more chambers than it has."""
    chambers = (record.get("decision_rule") or {}).get("chambers", [])
    return len(chambers) > MAX_CHAMBERS or any(
        seat["weight"] != 1 for chamber in chambers for seat in chamber["seats"])
