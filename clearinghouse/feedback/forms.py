"""The submission form's fields to a submission, and back, without JavaScript."""

from werkzeug.datastructures import MultiDict

from ..exceptions import InvalidInput
from ..formdata import checkbox_errors, repeated, whole_number
from ..validation import summarise

HONEYPOT = "website"  # hidden from people; bots fill it in
FLAGS = ("anonymous", "on_behalf_of_organisation", "consent_to_publish")


def submission_from_form(form: MultiDict, consultation) -> dict:
    if form.get(HONEYPOT):
        raise InvalidInput("Leave the field 'website' empty.",
                           {HONEYPOT: ["Leave this field empty."]})
    choices = {f"answer-{q['id']}" for q in consultation.questions if q["kind"] == "multiple"}
    if errors := {**repeated(form, choices), **checkbox_errors(form, FLAGS)}:
        raise InvalidInput(summarise(errors), errors)
    data = {key: form.get(key, "").strip() for key in (
        "stakeholder_group", "country", "name", "organisation", "comment", "language")}
    data.update({flag: flag in form for flag in FLAGS})
    data["language"] = data["language"] or "en"
    data["answers"] = answers(form, consultation.questions)
    data["comments"] = [{"section": s["ref"], "text": text} for s in consultation.sections
                        if (text := form.get(f"comment-{s['ref']}", "").strip())]
    return data


def answers(form: MultiDict, questions: list[dict]) -> dict:
    found = {}
    for question in questions:
        key = f"answer-{question['id']}"
        if question["kind"] == "multiple":
            value = form.getlist(key)
        else:
            value = form.get(key, "").strip()
            if question["kind"] == "scale" and (number := whole_number(value)) is not None:
                value = number
        if value not in ("", []):
            found[question["id"]] = value
    return found


def form_values(submission) -> MultiDict:
    """The form's fields for a submission being amended."""
    values = MultiDict({key: getattr(submission, key) or "" for key in (
        "stakeholder_group", "country", "name", "organisation", "comment", "language")})
    values.update({flag: "on" for flag in FLAGS if getattr(submission, flag)})
    for qid, answer in submission.answers.items():
        values.setlist(f"answer-{qid}", answer if isinstance(answer, list) else [str(answer)])
    for comment in submission.comments:
        values[f"comment-{comment['section']}"] = comment["text"]
    return values


QUESTION_ROWS = 6


def consultation_from_form(form: MultiDict) -> dict:
    """A consultation from the staff form: sections as 'ref | title' lines, questions as rows."""
    if errors := repeated(form):
        raise InvalidInput(summarise(errors), errors)
    return {
        "process": form.get("process", ""),
        "title": form.get("title", ""),
        "text": form.get("text", ""),
        "url": form.get("url", "").strip() or None,
        "sections": [section(line) for line in form.get("sections", "").splitlines()
                     if line.strip()],
        "questions": [question(form, n) for n in range(QUESTION_ROWS)
                      if form.get(f"question-{n}-prompt", "").strip()],
        "opens_at": in_utc(form.get("opens_at", "")),
        "closes_at": in_utc(form.get("closes_at", "")),
        "moderation": form.get("moderation", "post"),
    }


def section(line: str) -> dict:
    ref, _, title = line.partition("|")
    return {"ref": ref.strip(), "title": title.strip()}


def question(form: MultiDict, n: int) -> dict:
    options = form.get(f"question-{n}-options", "")
    return {"id": f"q{n + 1}", "kind": form.get(f"question-{n}-kind", "text"),
            "prompt": form.get(f"question-{n}-prompt", ""),
            "options": [option.strip() for option in options.split(",") if option.strip()]}


def in_utc(value: str) -> str:
    """A datetime-local value has no zone; the form asks for UTC."""
    value = value.strip()
    return f"{value}:00+00:00" if len(value) == 16 else value
