"""Pages that belong to no single domain: home, the gaps, and the principles explained."""

from flask import Blueprint, render_template

from . import activity, vocabulary
from .issues import service as issues
from .processes import service as processes
from .processes.assessment import PROFILE

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    counts = issues.count_by_category()
    return render_template("home.html", counts=counts, recent=activity.recent(10))


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
