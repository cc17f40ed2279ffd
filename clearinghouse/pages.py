"""Pages that belong to no single domain: the home page."""

from flask import Blueprint, render_template

from . import activity
from .issues import service as issues

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    counts = issues.count_by_category()
    return render_template("home.html", counts=counts, recent=activity.recent(10))
