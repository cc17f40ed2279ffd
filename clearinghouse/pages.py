"""Pages that belong to no single domain: home, the gaps, and the principles explained."""

from flask import Blueprint, abort, render_template

from . import activity, syndication, vocabulary
from .issues import service as issues
from .processes import service as processes
from .processes.assessment import PROFILE

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    counts = issues.count_by_category()
    return render_template("home.html", counts=counts, recent=activity.recent(10),
                           feed_links=syndication.feed_links("Everything",
                                                             "pages.updates_feed"))


@bp.get("/gaps")
def gaps():
    """Issues no adequate process covers, most urgent first: the mapping the proposal asks for."""
    coverage = processes.coverage()
    found = {processes.GAP: [], processes.PARTLY_COVERED: []}
    for issue in issues.by_priority():
        status = coverage.get(issue.id, processes.GAP)
        if status in found:
            found[status].append(issue)
    return render_template("gaps.html", gaps=found[processes.GAP],
                           partial=found[processes.PARTLY_COVERED])


@bp.get("/principles")
def principles():
    return render_template("principles.html", profile=PROFILE,
                           principles=vocabulary.PRINCIPLES)


@bp.get("/feeds")
def feeds():
    return render_template("feeds.html")


@bp.get("/feeds/updates.<any(atom, rss):kind>")
def updates_feed(kind):
    return syndication.feed_response(
        kind, key="updates", title="Clearinghouse: every change",
        subtitle="Every change to issues, processes, consultations and verdicts, "
                 "and every published submission and answer.",
        link="/", events=activity.tagged(None, syndication.ENTRIES))


@bp.get("/feeds/stakeholder/<group>.<any(atom, rss):kind>")
def stakeholder_feed(group, kind):
    term = vocabulary.STAKEHOLDER_GROUPS.get(group) or abort(404)
    return syndication.feed_response(
        kind, key=f"group/{group}", title=f"Clearinghouse: {term.label}",
        subtitle=f"Feedback from {term.label.lower()}, and processes and consultations "
                 f"where {term.label.lower()} take part.",
        link="/feeds", events=activity.tagged(f"group:{group}", syndication.ENTRIES))


@bp.get("/feeds/region/<region>.<any(atom, rss):kind>")
def region_feed(region, kind):
    term = vocabulary.REGIONS.get(region) or abort(404)
    return syndication.feed_response(
        kind, key=f"region/{region}", title=f"Clearinghouse: {term.label}",
        subtitle=f"Feedback from the {term.label}, and processes and consultations with "
                 "participants from it.",
        link="/feeds", events=activity.tagged(f"region:{region}", syndication.ENTRIES))
