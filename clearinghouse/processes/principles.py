"""The four principles of SPEC section 4 as pure checks: process facts and a principles
profile in; verdicts, scores and findings that cite the data out. No Flask, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from .phrases import N_, Days, Phrase, Share, Term, join_words
from .power import (
    DIMENSIONS,
    FAILS,
    MEETS,
    PARTIAL,
    UNKNOWN,
    DecisionRule,
    PrincipleResult,
    Seat,
    assess_control,
    exact_number,
    whole_number,
)

PRINCIPLES = ("stakeholders", "transparency", "global", "no_unilateral_control")
NOTICE_KINDS = ("meeting", "deadline")  # the events that need timely notice


@dataclass(frozen=True)
class Participant:
    """`count` participants of one stakeholder group and region."""

    stakeholder_group: str
    region: str
    developing: bool | None = None  # None: recorded by region only, country unknown
    count: int = 1

    def __post_init__(self) -> None:
        whole_number(self.count, "count")


@dataclass(frozen=True)
class Event:
    """A meeting, deadline or other dated event; notice is `starts_at − announced_on`."""

    title: str
    kind: str
    announced_on: date | None = None
    starts_at: datetime | None = None

    @property
    def notice_days(self) -> int | None:
        """Whole days between the announcement and the start, None if either is unknown."""
        if self.announced_on is None or self.starts_at is None:
            return None
        return (_day(self.starts_at) - _day(self.announced_on)).days


def _day(moment: date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


@dataclass(frozen=True)
class ProcessFacts:
    """Everything the principles look at, read from a process record by the service.
    `*_documented` is true for text or a document of that kind; `records_published` for
    minutes or outcome documents."""

    aim_documented: bool = False
    modalities_documented: bool = False
    significance_documented: bool = False
    records_published: bool = False
    open_participation: bool = False
    remote_participation: bool = False
    fee: bool = False
    fee_waiver: bool = False
    recourse_published: bool = False
    answers_published: bool = False
    participants: tuple[Participant, ...] = ()
    events: tuple[Event, ...] = ()
    decision_rule: DecisionRule | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "participants", tuple(self.participants))
        object.__setattr__(self, "events", tuple(self.events))


@dataclass(frozen=True)
class Profile:
    """The thresholds a process is held to; the defaults are SPEC's."""

    name: str = "default"
    description: str = ""
    min_per_group: int = 1
    dominance_share: Fraction = Fraction(1, 2)
    min_notice_days: int = 30
    min_region_share: Fraction = Fraction(1, 10)

    def __post_init__(self) -> None:
        # A float share would make "exactly a tenth" compare unequal to 1/10.
        for attr in ("dominance_share", "min_region_share"):
            object.__setattr__(self, attr, exact_number(getattr(self, attr), attr))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Profile:
        """Read and validate a profile (data/principles/*.json); a ValueError names the key."""
        if not isinstance(data, Mapping):
            raise ValueError("profile: expected an object")
        _only_keys(data, {"name", "description", "notes", *_SECTIONS}, "")
        name, description = data.get("name"), data.get("description", "")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name: {name!r} is not a non-empty text")
        if not isinstance(description, str):
            raise ValueError(f"description: {description!r} is not text")
        v = {key: value for section in _SECTIONS for key, value in _section(data, section)}
        return cls(
            name, description,
            whole_number(v["stakeholders.min_per_group"], "stakeholders.min_per_group", 1),
            _share(v["stakeholders.dominance_share"], "stakeholders.dominance_share"),
            whole_number(v["transparency.min_notice_days"], "transparency.min_notice_days"),
            _share(v["global.min_region_share"], "global.min_region_share"))


_SECTIONS = {"stakeholders": ("min_per_group", "dominance_share"),
             "transparency": ("min_notice_days",), "global": ("min_region_share",)}


def _only_keys(data: Mapping[str, object], allowed: Iterable[str], prefix: str) -> None:
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise ValueError(f"{prefix}{unknown[0]}: unknown key")


def _section(data: Mapping[str, object], name: str) -> list[tuple[str, object]]:
    """The thresholds of one section, as (dotted key, value) pairs."""
    section = data.get(name)
    if not isinstance(section, Mapping):
        raise ValueError(f"{name}: expected an object with {join_words(_SECTIONS[name])}")
    _only_keys(section, {"notes", *_SECTIONS[name]}, f"{name}.")
    missing = [key for key in _SECTIONS[name] if key not in section]
    if missing:
        raise ValueError(f"{name}.{missing[0]}: missing")
    return [(f"{name}.{key}", section[key]) for key in _SECTIONS[name]]


def _share(value: object, key: str) -> Fraction:
    share = exact_number(value, key)
    if share > 1:
        raise ValueError(f"{key}: {value!r} is not a share between 0 and 1")
    return share


@dataclass(frozen=True)
class Assessment:
    """The verdicts of one process under one profile, keyed as PRINCIPLES."""

    profile: str
    overall: str
    principles: Mapping[str, PrincipleResult] = field(hash=False)

    def as_dict(self) -> dict[str, object]:
        """SPEC section 4's JSON shape, less `assessed_at`, which the caller adds."""
        return {"overall": self.overall, "profile": self.profile,
                "principles": {key: result.as_dict() for key, result in self.principles.items()}}


def assess(facts: ProcessFacts, profile: Profile, *, groups: Sequence[str],
           regions: Sequence[str], labels: Mapping[str, str] | None = None) -> Assessment:
    """Assess `facts` against `profile`; `labels` maps vocabulary ids to readable names."""
    vocabulary = {"stakeholder_group": tuple(groups), "region": tuple(regions)}
    _check_vocabulary(facts, vocabulary)
    labels = labels or {}
    seats = tuple(Seat(p.stakeholder_group, p.region, p.count) for p in facts.participants)
    results = {
        "stakeholders": check_stakeholders(facts.participants, profile, groups, labels),
        "transparency": check_transparency(facts, profile),
        "global": check_global(facts.participants, profile, regions, labels),
        "no_unilateral_control": assess_control(facts.decision_rule, seats, vocabulary, labels),
    }
    return Assessment(profile.name, overall(r.verdict for r in results.values()), results)


def overall(verdicts: Iterable[str]) -> str:
    verdicts = list(verdicts)
    if FAILS in verdicts:
        return FAILS
    if all(v == MEETS for v in verdicts):
        return MEETS
    return UNKNOWN if all(v == UNKNOWN for v in verdicts) else PARTIAL


def _check_vocabulary(facts: ProcessFacts, vocabulary: Mapping[str, Sequence[str]]) -> None:
    """A ValueError if a participant, a seat or the decider names an unknown bloc."""
    rule = facts.decision_rule or DecisionRule("vote")
    rows = [*facts.participants, *(seat for chamber in rule.chambers for seat in chamber.seats)]
    for dimension in DIMENSIONS:
        if not vocabulary[dimension]:
            raise ValueError(f"{dimension}: the vocabulary is empty")
        named = {getattr(row, dimension) for row in rows} | {rule.decider.get(dimension)}
        unknown = sorted(named - {None, *vocabulary[dimension]})
        if unknown:
            raise ValueError(f"{dimension}: {unknown[0]!r} is not in the vocabulary")


def check_stakeholders(participants: Sequence[Participant], profile: Profile,
                       groups: Sequence[str], labels: Mapping[str, str]) -> PrincipleResult:
    """P1: participation from every stakeholder group, with no group dominating."""
    counts = _tally(participants, "stakeholder_group", groups)
    total = sum(counts.values())
    if total == 0:
        return PrincipleResult(UNKNOWN, 0.0, (Phrase(N_(
            "No participants are recorded, so participation by stakeholder group cannot be "
            "judged.")),))
    least = profile.min_per_group
    short = [g for g in groups if counts[g] < least]
    enough = len(groups) - len(short)
    verdict = MEETS if not short else PARTIAL if 2 * enough >= len(groups) else FAILS
    findings = [Phrase(N_("Participants by stakeholder group ({total} in all): {counts}."),
                       total=total, counts=_breakdown(counts, labels))]
    if short:
        findings.append(Phrase(
            N_("Too few participants from {groups}: the profile asks for at least {least} "
               "from every stakeholder group."),
            # Translators: a stakeholder group and its number of participants.
            groups=tuple(Phrase(N_("{group} ({count})"), group=Term.of(labels, g),
                                count=counts[g]) for g in short),
            least=least))
    findings += [Phrase(N_("The {group} group has {count} of {total} participants ({share}), "
                           "more than the {limit} at which one group dominates."),
                        group=Term.of(labels, g), count=counts[g], total=total,
                        share=Share(Fraction(counts[g], total)),
                        limit=Share(profile.dominance_share))
                 for g in groups if Fraction(counts[g], total) > profile.dominance_share]
    score = sum(min(Fraction(counts[g], least), Fraction(1)) for g in groups) / len(groups)
    return PrincipleResult(verdict, round(float(score), 4), tuple(findings))


def check_global(participants: Sequence[Participant], profile: Profile,
                 regions: Sequence[str], labels: Mapping[str, str]) -> PrincipleResult:
    """P3: substantial representation across regions."""
    counts = _tally(participants, "region", regions)
    total = sum(counts.values())
    if total == 0:
        return PrincipleResult(UNKNOWN, 0.0, (Phrase(N_(
            "No participants are recorded, so representation across regions cannot be "
            "judged.")),))
    least = profile.min_region_share
    shares = {r: Fraction(counts[r], total) for r in regions}
    present = [r for r in regions if counts[r]]
    below = [r for r in present if shares[r] < least]
    absent = [r for r in regions if not counts[r]]
    verdict = MEETS if not (below or absent) else PARTIAL if len(present) >= 3 else FAILS
    findings = [Phrase(N_("Participants by region ({total} in all): {counts}."),
                       total=total, counts=_breakdown(counts, labels))]
    findings += [Phrase(N_("{region} has {count} of {total} participants ({share}); the "
                           "profile asks for at least {least} from every region."),
                        region=Term.of(labels, r), count=counts[r], total=total,
                        share=Share(shares[r]), least=Share(least)) for r in below]
    if absent:
        findings.append(Phrase(N_("No participants come from {regions}."),
                               regions=tuple(Term.of(labels, r) for r in absent)))
    if verdict == FAILS:
        findings.append(Phrase(N_("Only {present} of {total} regions take part: a forum of "
                                  "limited geographical reach."),
                               present=len(present), total=len(regions)))
    findings.append(_developing_share(participants, total))
    reach = [min(shares[r] / least, Fraction(1)) if least else Fraction(bool(counts[r]))
             for r in regions]
    return PrincipleResult(verdict, round(float(sum(reach) / len(regions)), 4), tuple(findings))


def _developing_share(participants: Sequence[Participant], total: int) -> Phrase:
    known = sum(p.count for p in participants if p.developing is not None)
    if known == 0:
        return Phrase(N_("No participant's country is recorded, so the share from developing "
                         "countries is unknown."))
    developing = sum(p.count for p in participants if p.developing)
    share = Share(Fraction(developing, known))
    if known == total:
        return Phrase(N_("{count} of {known} participants ({share}) come from developing "
                         "countries."), count=developing, known=known, share=share)
    return Phrase(N_("{count} of {known} participants ({share}) whose country is recorded "
                     "come from developing countries; {unknown} are recorded by region only."),
                  count=developing, known=known, share=share, unknown=total - known)


# Each P2 check: what it is called when met, and the finding when it is not.
_CHECKS = {
    # Translators: the names of the transparency checks are listed after "are met:".
    "modalities": (N_("modalities"), N_("The modalities (how the process works and how to "
                                        "take part) are not documented.")),
    "aim": (N_("aim"), N_("The aim or purpose of the process is not documented.")),
    "significance": (N_("significance"), N_("The significance of the process is not "
                                            "documented.")),
    "notice": (N_("timely notice"), ""),  # the notice findings say which events fall short
    "records": (N_("published records"), N_("No minutes or outcome documents are published.")),
    "participation": (N_("open or remote participation"), N_("Participation is neither open "
                                                             "nor remote.")),
    "fee": (N_("no fee barrier"), N_("Taking part costs a fee and no waiver is offered.")),
    "recourse": (N_("a recourse route"), N_("No recourse or complaints route is published.")),
    "answers": (N_("answers to feedback"), N_("No answers to public feedback are published.")),
}


def check_transparency(facts: ProcessFacts, profile: Profile) -> PrincipleResult:
    """P2: the checklist of SPEC section 4; the first four items are essential."""
    notice_met, notice_findings = _notice(facts.events, profile.min_notice_days)
    checks = {
        "modalities": facts.modalities_documented, "aim": facts.aim_documented,
        "significance": facts.significance_documented, "notice": notice_met,
        "records": facts.records_published,
        "participation": facts.open_participation or facts.remote_participation,
        "fee": not facts.fee or facts.fee_waiver, "recourse": facts.recourse_published,
        "answers": facts.answers_published,
    }
    met = [key for key, ok in checks.items() if ok]
    essential, rest = list(checks.values())[:4], list(checks.values())[4:]
    if not (checks["aim"] and checks["modalities"]):
        verdict = FAILS
    else:
        verdict = MEETS if all(essential) and 2 * sum(rest) > len(rest) else PARTIAL
    if met:
        findings = [Phrase(N_("{count} of {total} transparency checks are met: {checks}."),
                           count=len(met), total=len(checks),
                           checks=tuple(Phrase(_CHECKS[key][0]) for key in met))]
    else:
        findings = [Phrase(N_("None of the {total} transparency checks is met."),
                           total=len(checks))]
    findings += [Phrase(_CHECKS[key][1]) for key, ok in checks.items()
                 if not ok and _CHECKS[key][1]]
    score = round(len(met) / len(checks), 4)
    return PrincipleResult(verdict, score, tuple(findings + notice_findings))


def _notice(events: Sequence[Event], least: int) -> tuple[bool, list[Phrase]]:
    """Whether every meeting and deadline had `least` days' notice, and why."""
    timed = [event for event in events if event.kind in NOTICE_KINDS]
    if not timed:
        return True, [Phrase(N_("No meetings or consultation deadlines are recorded, so no "
                                "notice falls short."))]
    findings = [finding for event in timed if (finding := _short_notice(event, least))]
    if findings:
        return False, findings
    shortest = min(event.notice_days or 0 for event in timed)
    return True, [Phrase(N_("Every meeting and deadline ({count}) was announced at least "
                            "{least} ahead; the shortest notice was {shortest}."),
                         count=len(timed), least=Days(least), shortest=Days(shortest))]


# By the kind of event and what is wrong with its notice.
_SHORT_NOTICE = {
    ("meeting", "unannounced"): N_('The meeting "{title}" has no recorded announcement date, '
                                   "so its notice is unknown."),
    ("meeting", "unstarted"): N_('The meeting "{title}" has no recorded start, so its notice '
                                 "is unknown."),
    ("meeting", "short"): N_('The meeting "{title}" was announced {days} ahead (on '
                             "{announced}, for {starts}); the profile asks for at least "
                             "{least}."),
    ("meeting", "late"): N_('The meeting "{title}" was announced {days} after it began (on '
                            "{announced}, for {starts}); the profile asks for at least "
                            "{least} ahead."),
    ("deadline", "unannounced"): N_('The deadline "{title}" has no recorded announcement '
                                    "date, so its notice is unknown."),
    ("deadline", "unstarted"): N_('The deadline "{title}" has no recorded date, so its notice '
                                  "is unknown."),
    ("deadline", "short"): N_('The deadline "{title}" was announced {days} ahead (on '
                              "{announced}, for {starts}); the profile asks for at least "
                              "{least}."),
    ("deadline", "late"): N_('The deadline "{title}" was announced {days} after it had passed '
                             "(on {announced}, for {starts}); the profile asks for at least "
                             "{least} ahead."),
}


def _short_notice(event: Event, least: int) -> Phrase | None:
    days = event.notice_days
    if days is None:
        missing = "unannounced" if event.announced_on is None else "unstarted"
        return Phrase(_SHORT_NOTICE[event.kind, missing], title=event.title)
    if days >= least:
        return None
    return Phrase(_SHORT_NOTICE[event.kind, "short" if days >= 0 else "late"],
                  title=event.title, days=Days(abs(days)), announced=event.announced_on,
                  starts=_day(event.starts_at or event.announced_on), least=Days(least))


def _tally(participants: Sequence[Participant], dimension: str,
           blocs: Sequence[str]) -> dict[str, int]:
    counts = dict.fromkeys(blocs, 0)
    for participant in participants:
        counts[getattr(participant, dimension)] += participant.count
    return counts


def _breakdown(counts: Mapping[str, int], labels: Mapping[str, str]) -> tuple[Phrase, ...]:
    # Translators: a stakeholder group or region and its number of participants.
    return tuple(Phrase(N_("{bloc} {count}"), bloc=Term.of(labels, bloc), count=count)
                 for bloc, count in counts.items())
