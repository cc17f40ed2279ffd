"""Pages that belong to no single domain: home, the gaps, and the principles explained."""

import os
import shutil
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from flask_babel import gettext

from . import activity, i18n, opendata, syndication, vocabulary
from .auth.views import safe_next
from .issues import service as issues
from .processes import service as processes
from .processes.assessment import PROFILE

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    counts = issues.count_by_category()
    return render_template("home.html", counts=counts, recent=activity.tagged(None, 10),
                           feed_links=syndication.feed_links("Everything",
                                                             "pages.updates_feed"))


@bp.get("/gaps")
def gaps():
    """Issues no adequate process covers, most urgent first: the mapping the proposal asks for."""
    show, found, other_total = processes.gaps({"per_page": 50, **request.args.to_dict()})
    return render_template("gaps.html", show=show, issues=found, other_total=other_total)


@bp.get("/principles")
def principles():
    return render_template("principles.html", profile=PROFILE,
                           principles=vocabulary.PRINCIPLES)


@bp.get("/preferences")
def preferences():
    """Language and time zone, chosen with links and a plain form: no JavaScript, no account.
    With `lang` or `tz` in the query the choice is kept in a cookie and the reader goes
    back to `next`."""
    lang, tz = request.args.get("lang"), request.args.get("tz")
    back = safe_next(request.args.get("next"))
    if lang is None and tz is None:
        return render_template("preferences.html", back=back, timezones=i18n.timezones())
    errors = {}
    if lang is not None and lang not in i18n.LANGUAGES:
        errors["lang"] = gettext("Choose one of the languages listed.")
    if tz is not None and tz not in i18n.timezones():
        errors["tz"] = gettext("Choose a time zone from the list.")
    if errors:
        return render_template("preferences.html", back=back, timezones=i18n.timezones(),
                               errors=errors), 400
    return i18n.remember(redirect(back), lang, tz)


@bp.get("/feeds")
def feeds():
    return render_template("feeds.html")


@bp.get("/feeds/updates.<any(atom, rss):kind>")
def updates_feed(kind):
    return syndication.tag_feed(
        kind, None, title="every change", link="/",
        subtitle="Every change to issues, processes, consultations and verdicts, "
                 "and every published submission and answer.")


@bp.get("/feeds/stakeholder/<group>.<any(atom, rss):kind>")
def stakeholder_feed(group, kind):
    term = vocabulary.STAKEHOLDER_GROUPS.get(group) or abort(404)
    return syndication.tag_feed(
        kind, f"group:{group}", title=term.label, link="/feeds",
        subtitle=f"Feedback from {term.label.lower()}, and processes and consultations "
                 f"where {term.label.lower()} take part.")


@bp.get("/feeds/region/<region>.<any(atom, rss):kind>")
def region_feed(region, kind):
    term = vocabulary.REGIONS.get(region) or abort(404)
    return syndication.tag_feed(
        kind, f"region:{region}", title=term.label, link="/feeds",
        subtitle=f"Feedback from the {term.label}, and processes and consultations with "
                 "participants from it.")


@bp.get("/data")
def data():
    count, head = activity.head()
    return render_template("data.html", count=count, head=head, files=sorted(
        path.name for path in latest_dump(head).iterdir()))


@bp.get("/data/<name>")
def data_file(name):
    directory = latest_dump(activity.head()[1])
    if not (directory / name).is_file():
        abort(404)
    return send_from_directory(directory, name, as_attachment=True)


def latest_dump(head: str) -> Path:
    """The export of the data as it is when the log's head is `head`, made once per head.

    An export is deterministic and every public change is an event, so the head hash
    names the data exactly; concurrent workers race to an atomic rename, harmlessly."""
    root = Path(current_app.instance_path) / "exports"
    directory = root / head
    if not directory.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        draft = Path(tempfile.mkdtemp(dir=root, prefix=".draft-"))
        opendata.export(draft)
        try:
            os.rename(draft, directory)
        except OSError:  # another worker made it first
            shutil.rmtree(draft)
    return directory
