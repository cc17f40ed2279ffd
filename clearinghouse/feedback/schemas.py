"""What consultations, submissions, moderation and answers look like coming in and going out."""

import re
from datetime import UTC

from flask import url_for
from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .. import vocabulary
from ..fields import AT_MOST, CONTROL, Country, Flag, Language, Moment, Slug, Term, Text, at_most
from ..pagination import ListArgs, page_schema
from ..types import utcnow
from ..validation import InputSchema, Partial

QUESTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
CHOICE_KINDS = ("single", "multiple")


class SectionInput(InputSchema):
    ref = Text(20, min_length=1, required=True)
    title = Text(200, min_length=1, required=True)


class QuestionInput(InputSchema):
    id = fields.String(required=True, validate=validate.Regexp(
        QUESTION_ID, error="Use 1 to 40 letters, digits, hyphens or underscores."))
    kind = Term(vocabulary.QUESTION_KINDS, "a question kind", required=True)
    prompt = Text(500, min_length=1, required=True)
    options = fields.List(Text(200, min_length=1), load_default=list,
                          validate=at_most(20))

    @validates_schema
    def options_fit_the_kind(self, data: dict, **kwargs) -> None:
        options = data.get("options", [])
        if data.get("kind") in CHOICE_KINDS and len(set(options)) < 2:
            raise ValidationError(gettext("Give at least two different options."), "options")
        if data.get("kind") not in CHOICE_KINDS and options:
            raise ValidationError(gettext("Only single and multiple choice questions have "
                                          "options."), "options")
        if len(set(options)) != len(options):
            raise ValidationError(gettext("Each option may appear once."), "options")


class ConsultationInput(InputSchema):
    process = Slug(required=True, metadata={"description": "The slug of the process."})
    title = Text(200, min_length=1, required=True)
    text = Text(50_000, load_default="", metadata={"description": "The proposal, or a summary."})
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                     validate=validate.Length(max=2000, error=AT_MOST))
    sections = fields.List(fields.Nested(SectionInput), load_default=list,
                           validate=at_most(100))
    questions = fields.List(fields.Nested(QuestionInput), load_default=list,
                            validate=at_most(50))
    opens_at = Moment(required=True)
    closes_at = Moment(required=True)
    moderation = Term(vocabulary.MODERATION, "a moderation mode", load_default="post")

    @validates_schema
    def consistent(self, data: dict, **kwargs) -> None:
        if "opens_at" in data and "closes_at" in data and data["closes_at"] <= data["opens_at"]:
            raise ValidationError(gettext("It must close after it opens."), "closes_at")
        for field, key in (("sections", "ref"), ("questions", "id")):
            keys = [item[key] for item in data.get(field, [])]
            if len(set(keys)) != len(keys):
                # Translators: %(key)s is the name of a field, "ref" or "id", as written.
                raise ValidationError(gettext("Each %(key)s may appear once.", key=key), field)

    @post_load
    def in_utc(self, data: dict, **kwargs) -> dict:
        for field in ("opens_at", "closes_at"):
            if field in data:
                data[field] = data[field].astimezone(UTC)
        return data


class ConsultationPatch(Partial, ConsultationInput):
    """Any subset of the fields; a consultation stays with its process."""

    class Meta:
        exclude = ("process",)


class ConsultationSchema(Schema):
    id = fields.Integer()
    process = fields.Function(lambda c: c.process.slug)
    process_name = fields.Function(lambda c: c.process.name)
    title = fields.String()
    text = fields.String()
    url = fields.String(allow_none=True)
    sections = fields.List(fields.Nested(SectionInput))
    questions = fields.List(fields.Nested(QuestionInput))
    opens_at = fields.AwareDateTime()
    closes_at = fields.AwareDateTime()
    moderation = fields.String()
    state = fields.Function(lambda c: c.state_at(utcnow()),
                            metadata={"enum": list(vocabulary.CONSULTATION_STATES)})
    links = fields.Function(lambda c: {
        "self": url_for("feedback_api.consultation", consultation_id=c.id, _external=True),
        "html": url_for("feedback.consultation", consultation_id=c.id, _external=True),
        "submissions": url_for("feedback_api.submissions", consultation_id=c.id,
                               _external=True),
        "summary": url_for("feedback_api.summary", consultation_id=c.id, _external=True),
    })


ConsultationPage = page_schema(ConsultationSchema)


class ConsultationListArgs(ListArgs):
    state = Term(vocabulary.CONSULTATION_STATES, "a consultation state")
    process = Slug()
    issue = Slug()
    stakeholder_group = Term(vocabulary.STAKEHOLDER_GROUPS, "a stakeholder group",
                             metadata={"description": "Processes with participants of it."})
    region = Term(vocabulary.REGIONS, "a UN regional group",
                  metadata={"description": "Processes with participants from it."})


class SectionComment(InputSchema):
    section = Text(20, min_length=1, required=True)
    text = Text(5000, min_length=1, required=True)


class SubmissionInput(InputSchema):
    stakeholder_group = Term(vocabulary.STAKEHOLDER_GROUPS, "a stakeholder group", required=True)
    country = Country(required=True)
    name = Text(200, load_default="")
    anonymous = Flag(load_default=False)
    organisation = Text(200, load_default="")
    on_behalf_of_organisation = Flag(load_default=False)
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict,
                          validate=at_most(50),
                          metadata={"description": "Question id to answer: 1-5 for scale, an "
                                    "option, a list of options, or text."})
    comments = fields.List(fields.Nested(SectionComment), load_default=list,
                           validate=at_most(100))
    comment = Text(10_000, load_default="")
    language = Language(load_default="en")
    consent_to_publish = Flag(load_default=False)

    def __init__(self, questions: list[dict] = (), sections: list[dict] = (), **kwargs):
        """Answers and comments are checked against the consultation's questions and sections
        in the same load, so a person sees every error at once."""
        super().__init__(**kwargs)
        self.questions, self.sections = list(questions), list(sections)

    @validates_schema(skip_on_field_errors=False)
    def fits_the_consultation(self, data: dict, **kwargs) -> None:
        errors = {**answer_errors(self.questions, data.get("answers", {})),
                  **comment_errors(self.sections, data.get("comments", []))}
        if data.get("on_behalf_of_organisation") and not data.get("organisation"):
            errors["organisation"] = ["Name the organisation you speak for."]
        if errors:
            raise ValidationError(errors)


def answer_errors(questions: list[dict], answers: dict) -> dict[str, list[str]]:
    """What is wrong with the answers, by field: unknown questions, values out of range."""
    known = {question["id"]: question for question in questions}
    errors = {f"answers.{qid}": ["There is no such question."] for qid in answers
              if qid not in known}
    for qid, value in answers.items():
        if qid in known and (message := answer_error(known[qid], value)):
            errors[f"answers.{qid}"] = [message]
    return errors


def answer_error(question: dict, value) -> str | None:
    kind, options = question["kind"], question.get("options", [])
    if kind == "scale" and (type(value) is not int or not 1 <= value <= 5):
        return "Answer with a whole number from 1 (strongly disagree) to 5 (strongly agree)."
    if kind == "single" and value not in options:
        return f"Choose one of: {', '.join(options)}."
    if kind == "multiple" and not distinct_choices(value, options):
        return f"Choose one or more of: {', '.join(options)}, as a list."
    if kind == "text" and (not isinstance(value, str) or len(value) > 5000):
        return "Answer with text of at most 5,000 characters."
    if kind == "text" and CONTROL.search(value):
        return "Remove the control characters from this text."
    return None


def distinct_choices(value, options: list[str]) -> bool:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return False
    return set(value) <= set(options) and len(set(value)) == len(value)


def comment_errors(sections: list[dict], comments: list[dict]) -> dict[str, list[str]]:
    refs = {section["ref"] for section in sections}
    # A comment refused field by field may lack its section; its own errors say so.
    return {f"comments.{n}.section": [f"There is no section '{c['section']}'."]
            for n, c in enumerate(comments) if "section" in c and c["section"] not in refs}


class ResponseSchema(Schema):
    id = fields.Integer()
    submission_id = fields.Integer(allow_none=True)
    theme = fields.String(allow_none=True)
    text = fields.String()
    author = fields.String()
    created_at = fields.AwareDateTime()


class SubmissionSchema(Schema):
    """A published submission: an anonymous one shows no name and no organisation."""

    id = fields.Integer()
    stakeholder_group = fields.String()
    country = fields.String()
    region = fields.String()
    name = fields.Function(lambda s: None if s.anonymous else s.name or None)
    organisation = fields.Function(lambda s: None if s.anonymous else s.organisation or None)
    on_behalf_of_organisation = fields.Boolean()
    answers = fields.Dict()
    comment = fields.String()
    comments = fields.List(fields.Nested(SectionComment))
    language = fields.String()
    created_at = fields.AwareDateTime()


SubmissionPage = page_schema(SubmissionSchema)


class ReceiptSchema(SubmissionSchema):
    """What its submitter sees through the private receipt: everything, and its status."""

    name = fields.String()
    organisation = fields.String()
    anonymous = fields.Boolean()
    consent_to_publish = fields.Boolean()
    status = fields.String(metadata={"enum": list(vocabulary.SUBMISSION_STATUSES)})
    consultation_id = fields.Integer()
    updated_at = fields.AwareDateTime()


ReceiptPage = page_schema(ReceiptSchema)


class SubmissionCreated(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["published", "accepted", "pending"]})
    receipt_url = fields.String(required=True, metadata={
        "description": "Private: whoever has it can view, amend or withdraw the submission."})


class WithdrawInput(InputSchema):
    reason = Text(1000, load_default="")


class ModerationInput(InputSchema):
    action = Term({"approve": "approve", "reject": "reject"}, "a moderation action",
                  required=True)
    reason = Text(1000, min_length=1, required=True)


class ReportInput(InputSchema):
    reason = Text(1000, min_length=1, required=True)


class ResponseInput(InputSchema):
    submission_id = fields.Integer(load_default=None, allow_none=True)
    theme = Text(200, load_default=None, allow_none=True)
    text = Text(10_000, min_length=1, required=True)

    @validates_schema
    def answers_one_thing(self, data: dict, **kwargs) -> None:
        if (data.get("submission_id") is None) == (not data.get("theme")):
            raise ValidationError(gettext("Answer either one submission or one theme."), "theme")


def count_map(keys: fields.Field) -> fields.Dict:
    return fields.Dict(keys=keys, values=fields.Integer())


class CampaignSchema(Schema):
    signatories = fields.Integer(required=True)
    excerpt = fields.String(required=True)


class TallySchema(Schema):
    counts = count_map(fields.String())
    by_stakeholder_group = fields.Dict(keys=fields.String(), values=count_map(fields.String()))
    answered = fields.Integer(metadata={"description": "For free-text questions."})


class SummarySchema(Schema):
    """SPEC section 5's summary: every group and region present, zeros included."""

    total = fields.Integer(required=True)
    campaigns = fields.List(fields.Nested(CampaignSchema), required=True)
    by_stakeholder_group = count_map(fields.String())
    by_region = count_map(fields.String())
    matrix = fields.Dict(keys=fields.String(), values=count_map(fields.String()))
    questions = fields.Dict(keys=fields.String(), values=fields.Nested(TallySchema))
    key_terms = fields.List(fields.String(), required=True)
    warnings = fields.List(fields.String(), required=True)


class SubmissionListArgs(ListArgs):
    stakeholder_group = Term(vocabulary.STAKEHOLDER_GROUPS, "a stakeholder group")
    region = Term(vocabulary.REGIONS, "a UN regional group")
