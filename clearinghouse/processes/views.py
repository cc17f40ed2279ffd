"""The processes pages: the list, one process with its scorecard, the staff forms, and
the public 'check a design' page."""

import hashlib
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .. import calendars, indexing, syndication, vocabulary
from ..auth.views import current_actor, login_required
from ..exceptions import Conflict, InvalidInput
from ..issues import service as issues
from . import assessment, forms, service

bp = Blueprint("processes", __name__, url_prefix="/processes")
HISTORY_ON_PAGE = 20
bp.add_app_template_global(assessment.findings)


@bp.get("")
def index():
    args = {"per_page": 50, **request.args.to_dict()}
    processes = service.list_processes(args, whole=False)
    return render_template("processes/list.html", processes=processes, filters=request.args,
                           issues=issues.all_titles())


@bp.get("/<slug>")
def detail(slug):
    process = service.get_process(slug)
    record = service.public_record(process)
    return render_template(
        "processes/detail.html", process=process, record=record,
        assessment=service.assessment_of(process),
        matrix=service.participation_matrix(record),
        chain=service.delegation_chain(process),
        history=service.history_of(process, {"per_page": HISTORY_ON_PAGE}),
        profile=assessment.PROFILE,
        feed_links=syndication.feed_links(process.name, ".feed", slug=slug),
        related=indexing.index().related(f"process:{process.id}"),
    )


@bp.get("/<slug>/feed.<any(atom, rss):kind>")
def feed(slug, kind):
    process = service.get_process(slug)
    return syndication.tag_feed(
        kind, f"process:{process.id}", title=process.name, link=url_for(".detail", slug=slug),
        subtitle="Changes to this process, its verdicts and its consultations.")


@bp.get("/<slug>/calendar.ics")
def calendar(slug):
    process = service.get_process(slug)
    events = [calendars.CalendarEvent(
        uid=f"process-{slug}-{event.kind}-{event.starts_at:%Y%m%d}-"
            f"{hashlib.sha256(event.title.encode()).hexdigest()[:10]}@{authority()}",
        title=f"{event.title} ({process.name})", starts_at=event.starts_at,
        ends_at=None if event.kind == "deadline" else event.starts_at + MEETING,
        url=url_for(".detail", slug=slug, _external=True),
        description=f"{vocabulary.EVENT_KINDS[event.kind].label} of {process.name}.",
        location=event.location, updated=process.updated_at) for event in process.events]
    body = calendars.calendar(process.name, f"Meetings and deadlines of {process.name}.",
                              events, fallback_stamp=process.updated_at)
    return syndication.calendar_response(body, process.updated_at)


MEETING = timedelta(hours=2)  # a meeting's end is not recorded; two hours shows it sensibly


def authority() -> str:
    return current_app.config["TAG_AUTHORITY"]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    service.authorise_change(current_actor())  # the form is refused as its sending would be
    if request.method == "GET":
        return render_form(values=forms.form_values(service.empty_record()))
    record, errors = forms.record_from_form(request.form)
    try:
        if errors:
            raise InvalidInput("The form has errors.", errors)
        process = service.create_process(record, current_actor())
    except InvalidInput as error:
        return render_form(values=request.form, errors=error.errors, status=422)
    except Conflict as error:  # the address made from the name is taken: say so beside it
        return render_form(values=request.form, errors={"name": [error.detail]}, status=409)
    return redirect(url_for(".detail", slug=process.slug), 303)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug):
    process = service.get_process(slug)
    service.authorise_change(current_actor(), process)
    record = service.record_of(process)
    if request.method == "GET":
        return render_form(process=process, record=record, values=forms.form_values(record))
    changed, errors = forms.changes(request.form, record)
    try:
        if errors:
            raise InvalidInput("The form has errors.", errors)
        service.update_process(slug, changed, current_actor())
    except InvalidInput as error:
        return render_form(process=process, record=record, values=request.form,
                           errors=error.errors, status=422)
    return redirect(url_for(".detail", slug=slug), 303)


@bp.route("/check", methods=["GET", "POST"])
def check():
    """Anyone may check a process design against the principles; nothing is stored."""
    if request.method == "GET":
        return render_form(values=forms.form_values(service.empty_record()), checking=True)
    record, errors = forms.record_from_form(request.form)
    record.pop("issues")
    try:
        if errors:
            raise InvalidInput("The form has errors.", errors)
        assessment = service.assess_draft(record)
    except InvalidInput as error:
        return render_form(values=request.form, errors=error.errors, status=422, checking=True)
    return render_form(values=request.form, checking=True, assessment=assessment)


def render_form(*, values, process=None, record=None, errors=None, status=200, checking=False,
                assessment=None):
    page = render_template(
        "processes/form.html", process=process, values=values, errors=errors or {},
        checking=checking, assessment=assessment, issues=issues.all_titles(),
        weighted=bool(record) and forms.weighted(record), vocabulary=vocabulary,
        stages=service.stage_choices(record["stage"] if record else None),
        cells=forms.cells, chambers=range(forms.MAX_CHAMBERS), row_count=forms.row_count,
    )
    return page, status
