"""The feedback pages: consultations worth your time, sending feedback, receipts,
summaries and downloads, and the staff pages for consultations and moderation."""

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.datastructures import MultiDict

from .. import calendars, i18n, syndication, vocabulary
from ..auth.views import current_actor, login_required
from ..exceptions import InvalidInput
from ..extensions import limiter
from ..formdata import one_value_each, record_number
from ..issues import service as issues
from ..types import utcnow
from . import downloads, forms, moderation, service
from .schemas import SubmissionSchema

bp = Blueprint("feedback", __name__)
COUNTRIES = sorted(vocabulary.COUNTRIES.values(), key=lambda country: country.name)


def public_write_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


@bp.get("/consultations")
def consultations():
    args = {"per_page": 30, "state": "open", **request.args.to_dict()}
    found = service.list_consultations(args)
    return render_template("feedback/list.html", consultations=found, filters=args,
                           issues=issues.all_titles(), now=utcnow())


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
@limiter.limit(public_write_limit, methods=["POST"])
def consultation(consultation_id):
    item = service.get_consultation(consultation_id)
    if request.method == "GET":
        return render_consultation(item, MultiDict())
    try:
        data = forms.submission_from_form(request.form, item)
        _submission, token = service.submit(consultation_id, data)
    except InvalidInput as error:
        return render_consultation(item, request.form, error.errors, 422)
    return redirect(url_for(".receipt", token=token, new=1), 303)


def render_consultation(item, values, errors=None, status=200):
    args = request.args.to_dict()
    page = render_template(
        "feedback/consultation.html", consultation=item, state=item.state_at(utcnow()),
        values=values, errors=errors or {}, countries=COUNTRIES, filters=args,
        summary=service.summary(item.id, args),
        published=service.published_submissions(item.id, {"per_page": 20, **args}),
        responses=service.responses_for(item.id),
        may_answer=service.may_answer(item, current_actor()),
        feed_links=syndication.feed_links(item.title, ".feed", consultation_id=item.id),
    )
    return page, status


@bp.route("/receipts/<token>", methods=["GET", "POST"])
def receipt(token):
    submission = service.find_receipt(token)
    if request.method == "GET":
        return render_receipt(submission, forms.form_values(submission))
    try:
        data = forms.submission_from_form(request.form, submission.consultation)
        service.amend(token, data)
    except InvalidInput as error:
        return render_receipt(submission, request.form, error.errors, 422)
    return redirect(url_for(".receipt", token=token, amended=1), 303)


def render_receipt(submission, values, errors=None, status=200):
    page = render_template(
        "feedback/receipt.html", submission=submission, consultation=submission.consultation,
        state=submission.consultation.state_at(utcnow()), values=values, errors=errors or {},
        countries=COUNTRIES, token=request.view_args["token"])
    return page, status


@bp.post("/receipts/<token>/withdraw")
def withdraw(token):
    one_value_each(request.form)
    service.withdraw(token, {"reason": request.form.get("reason", "")})
    return redirect(url_for(".receipt", token=token, withdrawn=1), 303)


@bp.get("/consultations/<int:consultation_id>/submissions.<any(csv, json):kind>")
def submissions_download(consultation_id, kind):
    rows = SubmissionSchema(many=True).dump(service.all_published(consultation_id, request.args))
    return download(rows, kind, f"consultation-{consultation_id}-submissions",
                    downloads.submissions_csv)


@bp.get("/consultations/<int:consultation_id>/summary.<any(csv, json):kind>")
def summary_download(consultation_id, kind):
    summary = service.summary(consultation_id, request.args)
    return download(summary, kind, f"consultation-{consultation_id}-summary",
                    downloads.summary_csv)


def download(data, kind: str, name: str, to_csv) -> Response:
    if kind == "csv":
        body, mimetype = to_csv(data), "text/csv"
    else:
        body, mimetype = current_app.json.dumps(data), "application/json"
    disposition = f'attachment; filename="{name}.{kind}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.post("/consultations/<int:consultation_id>/responses")
@login_required
def respond(consultation_id):
    one_value_each(request.form)
    data = {"text": request.form.get("text", ""), "theme": request.form.get("theme") or None,
            "submission_id": record_number(request.form, "submission_id", required=False)}
    service.respond(consultation_id, data, current_actor())
    return redirect(url_for(".consultation", consultation_id=consultation_id) + "#feedback", 303)


@bp.route("/consultations/new", methods=["GET", "POST"])
@login_required
def create():
    # The form is refused as its sending would be, and offers only the processes one keeps.
    choices = service.processes_to_consult_on(current_actor(), request.values.get("process"))
    if request.method == "GET":
        values = MultiDict({"process": request.args.get("process", ""), "moderation": "post"})
        return render_form(values, choices)
    try:
        item = service.create_consultation(forms.consultation_from_form(request.form),
                                           current_actor())
    except InvalidInput as error:
        return render_form(request.form, choices, error.errors, 422)
    return redirect(url_for(".consultation", consultation_id=item.id), 303)


def render_form(values, choices, errors=None, status=200):
    page = render_template("feedback/form.html", values=values, errors=errors or {},
                           processes=choices, rows=range(forms.QUESTION_ROWS))
    return page, status


@bp.route("/moderation", methods=["GET", "POST"])
@login_required
def queue():
    if request.method == "POST":
        data = {"action": request.form.get("action", ""), "reason": request.form.get("reason", "")}
        try:
            one_value_each(request.form)
            moderation.moderate(record_number(request.form, "submission_id"), data,
                                current_actor())
        except InvalidInput as error:
            return render_queue(error.errors, 422)
        return redirect(url_for(".queue"), 303)
    return render_queue()


def render_queue(errors=None, status=200):
    waiting = moderation.moderation_queue({"per_page": 50, **request.args.to_dict()},
                                          current_actor())
    return render_template("feedback/queue.html", waiting=waiting, errors=errors or {}), status


@bp.app_template_global()
def worth_it(item, process, now) -> str:
    """One line to decide by: when it closes, who takes part, what taking part costs."""
    days = (item.closes_at - now).days
    if now < item.opens_at:
        when = gettext("Opens %(day)s", day=i18n.format_day(item.opens_at))
    elif now < item.closes_at:
        when = ngettext("Closes %(day)s (%(num)d day left)", "Closes %(day)s (%(num)d days left)",
                        days, day=i18n.format_day(item.closes_at))
    else:
        when = gettext("Closed %(day)s", day=i18n.format_day(item.closes_at))
    groups = {p.stakeholder_group for p in process.participants}
    regions = {p.region for p in process.participants}
    who = gettext(
        "%(groups)s of %(all_groups)s stakeholder groups and %(regions)s of %(all_regions)s "
        "regions take part", groups=len(groups), all_groups=len(vocabulary.STAKEHOLDER_GROUPS),
        regions=len(regions), all_regions=len(vocabulary.REGIONS),
    ) if groups else gettext("participants not recorded")
    cost = ", ".join([
        gettext("open to all") if process.open_participation else gettext("by invitation"),
        gettext("remote possible") if process.remote_participation else gettext("in person"),
        (gettext("fee, with a waiver") if process.fee_waiver else gettext("fee"))
        if process.fee else gettext("no fee"),
    ])
    return f"{when} · {who} · {cost}"


@bp.get("/consultations/<int:consultation_id>/feed.<any(atom, rss):kind>")
def feed(consultation_id, kind):
    item = service.get_consultation(consultation_id)
    return syndication.tag_feed(
        kind, f"consultation:{item.id}", title=item.title,
        link=url_for(".consultation", consultation_id=item.id),
        subtitle="Published feedback on this consultation and the process's answers.")


@bp.get("/consultations.ics")
def deadlines():
    """Every consultation's closing time, for a calendar."""
    items = service.all_consultations()
    events = [calendars.CalendarEvent(
        uid=f"consultation-{item.id}-deadline@{current_app.config['TAG_AUTHORITY']}",
        title=f"Feedback deadline: {item.title}", starts_at=item.closes_at, ends_at=None,
        url=url_for(".consultation", consultation_id=item.id, _external=True),
        description=f"Last moment to send feedback to {item.process.name}.",
        updated=item.updated_at) for item in items]
    newest = max((item.updated_at for item in items), default=current_app.config["FEEDS_EPOCH"])
    body = calendars.calendar("Clearinghouse consultation deadlines",
                              "When each consultation closes for feedback.", events,
                              fallback_stamp=newest)
    return syndication.calendar_response(body, newest)
