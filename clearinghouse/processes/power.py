"""Who holds power under a decision rule (principle P4): for each stakeholder group and
each region, whether it controls the outcome, holds a veto, and its normalised Banzhaf
index, computed exactly over coalitions of blocs. Pure: no Flask, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .phrases import N_, Number, Phrase, Share, Term

MEETS, PARTIAL, FAILS, UNKNOWN = "meets", "partial", "fails", "unknown"
DIMENSIONS = ("stakeholder_group", "region")
RULE_KINDS = ("consensus", "rough_consensus", "unilateral", "vote")
# The share of a chamber's weight a coalition needs, and whether it must exceed it.
PASS_RULES: Mapping[str, tuple[Fraction, bool]] = {
    "majority": (Fraction(1, 2), True),
    "three_fifths": (Fraction(3, 5), False),
    "two_thirds": (Fraction(2, 3), False),
    "unanimous": (Fraction(1), False),
}
_NEEDED = {"majority": Phrase(N_("more than half needed")),
           "three_fifths": Phrase(N_("three-fifths needed")),
           "two_thirds": Phrase(N_("two-thirds needed")),
           "unanimous": Phrase(N_("every vote needed"))}


def whole_number(value: object, key: str, minimum: int = 0) -> int:
    """`value` if it is an int of at least `minimum`, else a ValueError naming `key`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{key}: {value!r} is not a whole number of at least {minimum}")
    return value


def exact_number(value: object, key: str) -> Fraction:
    """`value` as an exact, non-negative Fraction; a float is read as the decimal it prints."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise ValueError(f"{key}: {value!r} is not a number")
    try:
        number = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except ValueError:
        raise ValueError(f"{key}: {value!r} is not a finite number") from None
    if number < 0:
        raise ValueError(f"{key}: {value!r} is negative")
    return number


@dataclass(frozen=True)
class Seat:
    """`count` seats of one stakeholder group and region, each of `weight` (any number ≥ 0,
    stored as an exact Fraction)."""

    stakeholder_group: str
    region: str
    count: int = 1
    weight: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        whole_number(self.count, "count")
        object.__setattr__(self, "weight", exact_number(self.weight, "weight"))

    @property
    def total(self) -> Fraction:
        return self.count * self.weight


@dataclass(frozen=True)
class Chamber:
    """A body that votes under `pass_rule`; with no seats it seats the participants. `name`
    is as the record writes it, or a phrase with its article ("the plenary")."""

    name: str | Phrase
    pass_rule: str
    seats: tuple[Seat, ...] = ()

    def __post_init__(self) -> None:
        if self.pass_rule not in PASS_RULES:
            raise ValueError(f"pass: {self.pass_rule!r} is not one of {', '.join(PASS_RULES)}")
        object.__setattr__(self, "seats", tuple(self.seats))

    @property
    def total(self) -> Fraction:
        return sum((seat.total for seat in self.seats), Fraction(0))

    @property
    def weighted(self) -> bool:
        """Whether any seat has other than one vote, so that votes are counted, not seats."""
        return any(seat.weight != 1 for seat in self.seats)

    @property
    def called(self) -> Phrase:
        if isinstance(self.name, Phrase):
            return self.name
        # Translators: a decision-making body as the record names it, e.g. "the Board".
        return Phrase(N_("the {name}"), name=self.name)

    def weight_of(self, dimension: str, blocs: Iterable[str]) -> Fraction:
        inside = set(blocs)
        return sum((s.total for s in self.seats if getattr(s, dimension) in inside), Fraction(0))

    def passes(self, weight: Fraction) -> bool:
        share, strict = PASS_RULES[self.pass_rule]
        return weight > share * self.total if strict else weight >= share * self.total


@dataclass(frozen=True)
class DecisionRule:
    """How a process decides: SPEC section 4's `decision_rule`; `decider` maps
    "stakeholder_group" and/or "region" to the bloc that decides a unilateral rule."""

    kind: str
    chambers: tuple[Chamber, ...] = ()
    decider: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"kind: {self.kind!r} is not one of {', '.join(RULE_KINDS)}")
        object.__setattr__(self, "chambers", tuple(self.chambers))
        decider = {key: bloc for key, bloc in dict(self.decider).items() if bloc is not None}
        object.__setattr__(self, "decider", decider)
        for key in self.decider:
            if key not in DIMENSIONS:
                raise ValueError(f"decider: {key!r} is not stakeholder_group or region")
        if self.kind == "unilateral" and not self.decider:
            raise ValueError("decider: a unilateral rule names a stakeholder_group or a region")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecisionRule:
        """Build from SPEC's JSON shape, once the schema has checked it; a seat's keys are
        Seat's fields. A bad value still raises a ValueError naming its key."""
        chambers = tuple(
            Chamber(chamber.get("name") or Phrase(N_("chamber {number}"), number=i + 1),
                    chamber.get("pass", "majority"),
                    tuple(Seat(**seat) for seat in chamber.get("seats") or ()))
            for i, chamber in enumerate(data.get("chambers") or ()))
        return cls(data["kind"], chambers, data.get("decider") or {})


@dataclass(frozen=True)
class BlocPower:
    """One bloc's power; None throughout where the rule cannot be analysed mechanically."""

    controls: bool | None = None
    veto: bool | None = None
    banzhaf: Fraction | None = None

    def as_dict(self) -> dict[str, object]:
        banzhaf = None if self.banzhaf is None else round(float(self.banzhaf), 4)
        return {"controls": self.controls, "veto": self.veto, "banzhaf": banzhaf}


def coalition_passes(chambers: Sequence[Chamber], dimension: str, blocs: Iterable[str]) -> bool:
    """True if the seats of `blocs` alone pass a decision in every chamber."""
    members = set(blocs)
    return all(chamber.passes(chamber.weight_of(dimension, members)) for chamber in chambers)


def analyse(chambers: Sequence[Chamber], dimension: str,
            blocs: Sequence[str]) -> dict[str, BlocPower]:
    """Controls, veto and normalised Banzhaf index of each bloc of one dimension.

    Enumerates all 2**len(blocs) coalitions: exact, and cheap for five blocs."""
    everyone = (1 << len(blocs)) - 1
    wins = [
        coalition_passes(chambers, dimension, (b for i, b in enumerate(blocs) if mask >> i & 1))
        for mask in range(everyone + 1)
    ]
    # A mask already holding the bloc can't swing, so counting over every mask is exact.
    swings = [sum(wins[mask | 1 << i] and not wins[mask] for mask in range(everyone + 1))
              for i in range(len(blocs))]
    total = sum(swings)
    return {
        bloc: BlocPower(controls=wins[1 << i], veto=not wins[everyone & ~(1 << i)],
                        banzhaf=Fraction(swings[i], total) if total else Fraction(0))
        for i, bloc in enumerate(blocs)
    }


@dataclass(frozen=True)
class PrincipleResult:
    """One principle's verdict, score in [0, 1] and findings; for P4 also, per dimension,
    each bloc's power. Defined here, below principles.py, so that P4 can return one."""

    verdict: str
    score: float
    phrases: tuple[Phrase, ...]
    blocs: Mapping[str, Mapping[str, BlocPower]] | None = field(default=None, hash=False)

    @property
    def findings(self) -> tuple[str, ...]:
        """The findings in English."""
        return tuple(map(str, self.phrases))

    def as_dict(self) -> dict[str, object]:
        """The findings in English, and as phrases to be read in another language."""
        out: dict[str, object] = {"verdict": self.verdict, "score": self.score,
                                  "findings": list(self.findings),
                                  "phrases": [phrase.as_dict() for phrase in self.phrases]}
        if self.blocs is not None:
            out["blocs"] = {dim: {bloc: power.as_dict() for bloc, power in powers.items()}
                            for dim, powers in self.blocs.items()}
        return out


def assess_control(rule: DecisionRule | None, participants: Sequence[Seat],
                   vocabulary: Mapping[str, Sequence[str]],
                   labels: Mapping[str, str]) -> PrincipleResult:
    """P4: can any stakeholder group or region decide without the others?
    `participants` are the participants as seats of weight 1."""
    if rule is None:
        return _unknown(vocabulary, Phrase(N_(
            "No decision rule is recorded, so it is not known who decides.")))
    if rule.kind == "rough_consensus":
        return _unknown(vocabulary, Phrase(N_(
            "Decisions are taken by rough consensus, as the chair judges it: who can block "
            "depends on that judgement, so it cannot be checked mechanically.")))
    if rule.kind == "unilateral":
        return _unilateral(rule, vocabulary, labels)
    chambers = _chambers(rule, participants)
    for chamber in chambers:
        if chamber.total == 0:
            return _unknown(vocabulary, _empty_chamber(rule, chamber))
    blocs = {dim: analyse(chambers, dim, vocabulary[dim]) for dim in DIMENSIONS}
    findings = [_opening(rule, chambers, participants)]
    for dim in DIMENSIONS:
        findings += _bloc_findings(rule, chambers, dim, blocs[dim], labels)
    return PrincipleResult(*_verdict(blocs), tuple(findings), blocs)


def _chambers(rule: DecisionRule, participants: Sequence[Seat]) -> tuple[Chamber, ...]:
    """Consensus is unanimity among the participants; a chamber without seats seats them."""
    if rule.kind == "consensus":
        return (Chamber("participants", "unanimous", tuple(participants)),)  # never named
    if not rule.chambers:
        return (Chamber(Phrase(N_("the plenary")), "majority", tuple(participants)),)
    return tuple(c if c.seats else Chamber(c.name, c.pass_rule, tuple(participants))
                 for c in rule.chambers)


def _verdict(blocs: Mapping[str, Mapping[str, BlocPower]]) -> tuple[str, float]:
    powers = [power for dimension in blocs.values() for power in dimension.values()]
    if any(power.controls for power in powers):
        return FAILS, 0.0
    vetoes = sum(bool(power.veto) for power in powers)
    return (MEETS if vetoes == len(powers) else PARTIAL), round(vetoes / len(powers), 4)


def _unknown(vocabulary: Mapping[str, Sequence[str]], finding: Phrase) -> PrincipleResult:
    blocs = {dim: dict.fromkeys(vocabulary[dim], BlocPower()) for dim in DIMENSIONS}
    return PrincipleResult(UNKNOWN, 0.0, (finding,), blocs)


# One sentence per dimension, where another language may not share the words around it.
_UNSTATED = {
    "stakeholder_group": N_("The rule does not say which stakeholder group the decider "
                            "belongs to, so power by stakeholder group is not assessed."),
    "region": N_("The rule does not say which region the decider belongs to, so power by "
                 "region is not assessed."),
}
_ALONE_UNDER_CONSENSUS = {
    "stakeholder_group": N_("Every participant comes from {bloc}: under consensus, that "
                            "stakeholder group can decide alone."),
    "region": N_("Every participant comes from {bloc}: under consensus, that region can "
                 "decide alone."),
}
_EACH_CAN_BLOCK = {
    "stakeholder_group": N_("Each stakeholder group with participants can block: {blocs}."),
    "region": N_("Each region with participants can block: {blocs}."),
}
_VOTING_POWER = {
    "stakeholder_group": N_("Voting power by stakeholder group (normalised Banzhaf index): "
                            "{shares}."),
    "region": N_("Voting power by region (normalised Banzhaf index): {shares}."),
}


def _unilateral(rule: DecisionRule, vocabulary: Mapping[str, Sequence[str]],
                labels: Mapping[str, str]) -> PrincipleResult:
    blocs: dict[str, dict[str, BlocPower]] = {}
    decides, unassessed = [], []
    for dim in DIMENSIONS:
        decider = rule.decider.get(dim)
        blocs[dim] = {bloc: BlocPower(bloc == decider, bloc == decider, Fraction(bloc == decider))
                      if decider else BlocPower() for bloc in vocabulary[dim]}
        if decider:
            decides.append(Phrase(N_("The decision rule names the {bloc} bloc as the sole "
                                     "decider: it can decide alone."),
                                  bloc=Term.of(labels, decider)))
        else:
            unassessed.append(Phrase(_UNSTATED[dim]))
    return PrincipleResult(FAILS, 0.0, tuple(decides + unassessed), blocs)


def _empty_chamber(rule: DecisionRule, chamber: Chamber) -> Phrase:
    if rule.kind == "consensus":
        return Phrase(N_("Decisions are taken by consensus, but no participants are recorded, "
                         "so it is not known who can block."))
    return Phrase(N_("No seats or participants are recorded in {chamber}, so no vote can be "
                     "counted."), chamber=chamber.called)


# The opening finding on a vote, by whether unseated chambers seat the participants and
# whether there is more than one chamber.
_VOTE_IN = {
    (False, False): N_("Decisions are taken by vote in {chambers}."),
    (True, False): N_("Decisions are taken by vote in {chambers}; where no seats are "
                      "recorded, each participant holds one."),
    (False, True): N_("Decisions are taken by vote in {chambers}; a decision must pass in "
                      "every chamber."),
    (True, True): N_("Decisions are taken by vote in {chambers}; where no seats are recorded, "
                     "each participant holds one; a decision must pass in every chamber."),
}


def _opening(rule: DecisionRule, chambers: Sequence[Chamber],
             participants: Sequence[Seat]) -> Phrase:
    if rule.kind == "consensus":
        count = sum(seat.count for seat in participants)
        return Phrase(N_("Decisions are taken by consensus: each of the {count} participants "
                         "can block."), count=count)
    described = tuple(
        Phrase(N_("{chamber} ({total} votes, {needed})") if c.weighted
               else N_("{chamber} ({total} seats, {needed})"),
               chamber=c.called, total=Number(c.total), needed=_NEEDED[c.pass_rule])
        for c in chambers)
    seated = not rule.chambers or not all(c.seats for c in rule.chambers)
    return Phrase(_VOTE_IN[seated, len(chambers) > 1], chambers=described)


def _bloc_findings(rule: DecisionRule, chambers: Sequence[Chamber], dim: str,
                   powers: Mapping[str, BlocPower], labels: Mapping[str, str]) -> list[Phrase]:
    absent = [b for b in powers if all(c.weight_of(dim, {b}) == 0 for c in chambers)]
    present = [b for b in powers if b not in absent]
    if rule.kind == "consensus":
        findings = [_consensus_finding(dim, [Term.of(labels, b) for b in present])]
    else:
        findings = [_vote_finding(chambers, dim, b, set(powers), powers[b], Term.of(labels, b))
                    for b in present]
    if absent:
        names = tuple(Term.of(labels, b) for b in absent)
        findings.append(
            Phrase(N_("No participants come from {blocs}, so they cannot block."), blocs=names)
            if rule.kind == "consensus" else
            Phrase(N_("{blocs} hold no seats, so they cannot block."), blocs=names))
    if rule.kind == "vote":
        shares = tuple(Phrase(N_("{bloc} {share}"), bloc=Term.of(labels, b),
                              share=Share(powers[b].banzhaf or Fraction(0)))
                       for b in present if powers[b].banzhaf)
        findings.append(Phrase(_VOTING_POWER[dim], shares=shares))
    return findings


def _consensus_finding(dim: str, present: Sequence[Term]) -> Phrase:
    if len(present) == 1:
        return Phrase(_ALONE_UNDER_CONSENSUS[dim], bloc=present[0])
    return Phrase(_EACH_CAN_BLOCK[dim], blocs=tuple(present))


def _vote_finding(chambers: Sequence[Chamber], dim: str, bloc: str, everyone: set[str],
                  power: BlocPower, label: Term) -> Phrase:
    if power.controls:
        return Phrase(N_("The {bloc} bloc holds {holdings}: it can decide alone."),
                      bloc=label, holdings=_holdings(chambers, dim, {bloc}))
    others = everyone - {bloc}
    if power.veto:
        short = [c for c in chambers if not c.passes(c.weight_of(dim, others))][:1]
        return Phrase(N_("Without the {bloc} bloc, the others hold {holdings}: it can block."),
                      bloc=label, holdings=_holdings(short, dim, others))
    return Phrase(N_("Without the {bloc} bloc, the others hold {holdings}: it can be "
                     "outvoted."), bloc=label, holdings=_holdings(chambers, dim, others))


def _holdings(chambers: Sequence[Chamber], dim: str, blocs: set[str]) -> tuple[Phrase, ...]:
    return tuple(
        Phrase(N_("{held} of {total} votes in {chamber} ({needed})") if c.weighted
               else N_("{held} of {total} seats in {chamber} ({needed})"),
               held=Number(c.weight_of(dim, blocs)), total=Number(c.total), chamber=c.called,
               needed=_NEEDED[c.pass_rule])
        for c in chambers)
