"""What a process record looks like coming in (ProcessInput, ProcessPatch) and going out."""

from datetime import UTC

from flask import url_for
from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .. import vocabulary
from ..fields import (
    AT_MOST,
    Country,
    Flag,
    Language,
    Moment,
    Slug,
    Term,
    Text,
    at_most,
    in_languages,
    in_range,
)
from ..i18n import country_name
from ..pagination import ListArgs, page_schema
from ..validation import InputSchema, Partial

GROUP = (vocabulary.STAKEHOLDER_GROUPS, "a stakeholder group")
REGION = (vocabulary.REGIONS, "a UN regional group")


class ParticipationInput(InputSchema):
    open = Flag(load_default=False)
    remote = Flag(load_default=False)
    fee = Flag(load_default=False)
    fee_waiver = Flag(load_default=False)


class EventInput(InputSchema):
    title = Text(200, min_length=1, required=True)
    kind = Term(vocabulary.EVENT_KINDS, "an event kind", required=True)
    announced_on = fields.Date(load_default=None, allow_none=True)
    starts_at = Moment(required=True)
    location = Text(200, load_default=None, allow_none=True)
    remote = Flag(load_default=False)

    @post_load
    def in_utc(self, data: dict, **kwargs) -> dict:
        data["starts_at"] = data["starts_at"].astimezone(UTC)
        announced = data["announced_on"]
        if announced is not None and announced > data["starts_at"].date():
            raise ValidationError(gettext("It cannot be announced after it starts."),
                                  "announced_on")
        return data


class DocumentInput(InputSchema):
    title = Text(200, min_length=1, required=True)
    url = fields.Url(required=True, schemes={"http", "https"},
                     validate=validate.Length(max=2000, error=AT_MOST))
    kind = Term(vocabulary.DOCUMENT_KINDS, "a document kind", load_default="other")


class ParticipantInput(InputSchema):
    """A row of `count` participants: with a country, or only a region when in aggregate."""

    name = Text(200, load_default="")
    organisation = Text(200, load_default="")
    stakeholder_group = Term(*GROUP, required=True)
    country = Country(load_default=None, allow_none=True)
    region = Term(*REGION, load_default=None, allow_none=True,
                  metadata={"description": "Derived from the country when one is given."})
    count = fields.Integer(load_default=1, validate=in_range(1, 1_000_000))

    @post_load
    def derive_region(self, data: dict, **kwargs) -> dict:
        if data["country"] is None and data["region"] is None:
            raise ValidationError(gettext("Give a country, or at least a region."), "country")
        if data["country"] is not None:
            region = vocabulary.region_of(data["country"])
            if data["region"] not in (None, region):
                raise ValidationError(gettext(
                    "%(country)s (%(code)s) is in the %(region)s (%(id)s).",
                    country=country_name(data["country"]), code=data["country"],
                    region=gettext(vocabulary.REGIONS[region].label), id=region), "region")
            data["region"] = region
        return data


class SeatInput(InputSchema):
    stakeholder_group = Term(*GROUP, required=True)
    region = Term(*REGION, required=True)
    count = fields.Integer(load_default=1, validate=in_range(0, 100_000))
    weight = fields.Float(load_default=1, validate=in_range(0, 1_000_000),
                          allow_nan=False)


class ChamberInput(InputSchema):
    name = Text(100, min_length=1, required=True)
    pass_ = Term(vocabulary.PASS_RULES, "a pass rule", data_key="pass", attribute="pass",
                 load_default="majority")
    seats = fields.List(fields.Nested(SeatInput), load_default=list,
                        validate=at_most(500))


class DeciderInput(InputSchema):
    stakeholder_group = Term(*GROUP, load_default=None, allow_none=True)
    region = Term(*REGION, load_default=None, allow_none=True)


class DecisionRuleInput(InputSchema):
    kind = Term(vocabulary.DECISION_RULES, "a decision rule", required=True)
    chambers = fields.List(fields.Nested(ChamberInput), load_default=list,
                           validate=at_most(10))
    decider = fields.Nested(DeciderInput, load_default=None, allow_none=True)

    @validates_schema
    def fits_its_kind(self, data: dict, **kwargs) -> None:
        decider = {k: v for k, v in (data.get("decider") or {}).items() if v}
        if data.get("kind") == "unilateral" and not decider:
            raise ValidationError(gettext("Name the stakeholder group or region that decides."),
                                  "decider")
        if data.get("kind") != "unilateral" and decider:
            raise ValidationError(gettext("Only a unilateral rule has a decider."), "decider")
        if data.get("kind") != "vote" and data.get("chambers"):
            raise ValidationError(gettext("Only a vote has chambers."), "chambers")

    @post_load
    def as_recorded(self, data: dict, **kwargs) -> dict:
        rule = {"kind": data["kind"]}
        if data["kind"] == "vote":
            rule["chambers"] = data["chambers"]
        if data["kind"] == "unilateral":
            rule["decider"] = {k: v for k, v in data["decider"].items() if v}
        return rule


class ProcessTexts(InputSchema):
    name = Text(200, min_length=1)
    aim = Text(5000)


class ProcessInput(InputSchema):
    name = Text(200, min_length=1, required=True)
    slug = Slug(metadata={"description": "Derived from the name when left out."})
    issues = fields.List(Slug(), load_default=list, validate=at_most(50),
                         metadata={"description": "Slugs of registered issues."})
    convener = Text(200, load_default="")
    stage = Term(vocabulary.STAGES, "a lifecycle stage", load_default="proposed")
    aim = Text(5000, load_default="")
    modalities = Text(5000, load_default="")
    significance = Text(5000, load_default="")
    intended_outcomes = Text(5000, load_default="")
    delegated_to = Text(200, load_default=None, allow_none=True,
                        metadata={"description": "A body's name, or a registered process's slug."})
    participation = fields.Nested(ParticipationInput, load_default=lambda: ParticipationInput()
                                  .load({}))
    recourse = Text(2000, load_default="")
    languages = fields.List(Language(), load_default=list, validate=at_most(50))
    events = fields.List(fields.Nested(EventInput), load_default=list,
                         validate=at_most(500))
    documents = fields.List(fields.Nested(DocumentInput), load_default=list,
                            validate=at_most(500))
    participants = fields.List(fields.Nested(ParticipantInput), load_default=list,
                               validate=at_most(5000))
    decision_rule = fields.Nested(DecisionRuleInput, load_default=None, allow_none=True)
    translations = in_languages(ProcessTexts)
    illustrative = fields.List(
        Term(vocabulary.ILLUSTRATIVE_PARTS, "a part of the record"), load_default=list,
        metadata={"description": "The parts that are illustrative rather than sourced."},
    )

    @post_load
    def normalise(self, data: dict, **kwargs) -> dict:
        """One order for what has no meaningful order, so equal records compare equal."""
        if "delegated_to" in data:
            data["delegated_to"] = data["delegated_to"] or None
        if "issues" in data:
            data["issues"] = sorted(set(data["issues"]))
        if "events" in data:
            data["events"].sort(key=lambda event: (event["starts_at"], event["title"]))
        return data


class ProcessPatch(Partial, ProcessInput):
    """Any subset of the fields; the slug is permanent, because links point at it."""

    class Meta:
        exclude = ("slug",)


class EventSchema(EventInput):
    notice_days = fields.Method("notice", dump_only=True,
                                metadata={"description": "Days between announcement and start."})

    def notice(self, event: dict) -> int | None:
        announced = event["announced_on"]
        return None if announced is None else (event["starts_at"].date() - announced).days


class ProcessSchema(ProcessInput):
    """A process as the API returns it: the record, plus what the server keeps."""

    events = fields.List(fields.Nested(EventSchema))
    delegated_process = fields.String(
        dump_only=True, allow_none=True,
        metadata={"description": "The slug of the registered process it was handed to."},
    )
    verdict = fields.String(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    links = fields.Function(lambda record: {
        "self": url_for("processes_api.detail", slug=record["slug"], _external=True),
        "html": url_for("processes.detail", slug=record["slug"], _external=True),
        "assessment": url_for("processes_api.assessment", slug=record["slug"], _external=True),
        "history": url_for("processes_api.history", slug=record["slug"], _external=True),
    }, dump_only=True)


ProcessPage = page_schema(ProcessSchema)


class BlocSchema(Schema):
    controls = fields.Boolean(allow_none=True)
    veto = fields.Boolean(allow_none=True)
    banzhaf = fields.Float(allow_none=True, metadata={"description": "Normalised Banzhaf index."})


class PrincipleSchema(Schema):
    verdict = fields.String(metadata={"enum": ["meets", "partial", "fails", "unknown"]})
    score = fields.Float()
    findings = fields.List(fields.String(), metadata={
        "description": "Plain-language sentences in English, each citing the data it rests "
                       "on; the site shows them in the reader's language."})
    blocs = fields.Dict(keys=fields.String(), values=fields.Dict(
        keys=fields.String(), values=fields.Nested(BlocSchema)))


class AssessmentSchema(Schema):
    """An assessment against the four principles (SPEC section 4)."""

    overall = fields.String(metadata={"enum": ["meets", "partial", "fails", "unknown"]})
    profile = fields.String()
    assessed_at = fields.String(metadata={"format": "date-time"})
    principles = fields.Dict(keys=fields.String(), values=fields.Nested(PrincipleSchema))


class ProcessListArgs(ListArgs):
    issue = Slug()
    stage = Term(vocabulary.STAGES, "a lifecycle stage")
    stakeholder_group = Term(*GROUP)
    region = Term(*REGION)
    verdict = Term(vocabulary.VERDICTS, "a verdict")


class GapListArgs(ListArgs):
    show = fields.String(load_default="gap", validate=validate.OneOf(("gap", "partial")),
                         metadata={"description": "Issues with no adequate process, or "
                                                  "only partly covered ones."})
