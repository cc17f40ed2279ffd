"""The bridge from a process record to the principles engine, and stored assessments.

A record is a process in the shape ProcessInput loads, so a stored process and a
posted draft are assessed by the same code.
"""

from datetime import date, datetime
from functools import partial

from babel.support import Translations
from flask_babel import get_translations
from sqlalchemy.orm import Session

from .. import activity, i18n, vocabulary
from ..auth.permissions import Actor
from ..extensions import db
from ..types import utcnow
from . import principles
from .models import Assessment, Process
from .power import DecisionRule

PROFILE = principles.Profile.from_dict(vocabulary.load_json("principles/default.json"))
LABELS = {key: term.label for key, term in
          {**vocabulary.STAKEHOLDER_GROUPS, **vocabulary.REGIONS}.items()}
DOCUMENTED = ("aim", "modalities", "significance")
RECORDS = {"minutes", "outcome"}


def facts_of(record: dict) -> principles.ProcessFacts:
    kinds = {document["kind"] for document in record["documents"]}
    documented = {field: bool(record[field]) or field in kinds for field in DOCUMENTED}
    participation = record["participation"]
    rule = record["decision_rule"]
    return principles.ProcessFacts(
        aim_documented=documented["aim"],
        modalities_documented=documented["modalities"],
        significance_documented=documented["significance"],
        records_published=bool(kinds & RECORDS),
        open_participation=participation["open"],
        remote_participation=participation["remote"],
        fee=participation["fee"],
        fee_waiver=participation["fee_waiver"],
        recourse_published=bool(record["recourse"]),
        answers_published=False,  # until consultations exist, no answers can be published
        participants=tuple(participant(row) for row in record["participants"]),
        events=tuple(principles.Event(e["title"], e["kind"], e["announced_on"], e["starts_at"])
                     for e in record["events"]),
        decision_rule=DecisionRule.from_dict(rule) if rule else None,
    )


def participant(row: dict) -> principles.Participant:
    country = row["country"]
    developing = vocabulary.COUNTRIES[country].developing if country else None
    return principles.Participant(row["stakeholder_group"], row["region"], developing,
                                  row["count"])


def assess(record: dict, assessed_at: datetime) -> dict:
    """The assessment of a record, in the API's shape."""
    result = principles.assess(
        facts_of(record), PROFILE, groups=list(vocabulary.STAKEHOLDER_GROUPS),
        regions=list(vocabulary.REGIONS), labels=LABELS,
    )
    return {**result.as_dict(), "assessed_at": assessed_at.isoformat()}


def latest(process_id: int) -> Assessment | None:
    query = (db.select(Assessment).where(Assessment.process_id == process_id)
             .order_by(Assessment.id.desc()).limit(1))
    return db.session.scalar(query)


def verdicts(result: dict) -> dict:
    return {"overall": result["overall"],
            **{name: p["verdict"] for name, p in result["principles"].items()}}


def store(session: Session, process: Process, record: dict, actor: Actor,
          subject: activity.Subject) -> Assessment:
    """Assess the process as it now stands; a changed verdict is an event in the log."""
    previous = latest(process.id)
    assessed_at = utcnow()
    result = assess(record, assessed_at)
    row = Assessment(process_id=process.id, assessed_at=assessed_at, profile=result["profile"],
                     overall=result["overall"], result=result)
    session.add(row)
    process.verdict = result["overall"]
    if previous is not None and verdicts(previous.result) != verdicts(result):
        activity.record(session, actor, "verdict_changed", subject, verdicts(previous.result),
                        verdicts(result))
    return row


def findings(result: dict) -> list[str]:
    """A principle's findings in the reader's language; in English for an assessment
    stored before findings were kept as phrases too."""
    if "phrases" not in result:
        return result["findings"]
    reading = partial(read, get_translations(), i18n.language())
    return [reading(phrase) for phrase in result["phrases"]]


def read(words: Translations, locale: str, value) -> str:
    """A phrase or one of its values, as `phrases.encode` stored it, in `locale` through
    the catalogue `words`."""
    match value:
        case {"message": message, "values": values}:
            return words.ugettext(message).format(
                **{name: read(words, locale, v) for name, v in values.items()})
        case {"term": key}:
            return words.ugettext(LABELS[key])
        case {"share": share}:
            return i18n.percent(share, decimals=1, locale=locale)
        case {"days": count}:
            return words.ungettext("%(num)s day", "%(num)s days", count) % {"num": count}
        case {"number": amount}:
            return i18n.number(amount, locale)
        case {"date": day}:
            return i18n.format_day(date.fromisoformat(day), locale)
        case list():
            return i18n.words((read(words, locale, item) for item in value), locale)
        case int():
            return i18n.number(value, locale)
        case str():  # a record's own words, isolated from the sentence's direction
            return f"\u2068{value}\u2069"
    return str(value)
