"""Signing in and out, and knowing who is asking."""

import functools

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from ..errors import wants_problem_json
from ..exceptions import Unauthorized
from ..extensions import db, limiter
from ..formdata import one_value_each
from .models import User
from .permissions import Actor
from .service import actor_for, authenticate, user_for_token

bp = Blueprint("auth", __name__)


@bp.before_app_request
def load_user() -> None:
    """API requests authenticate by bearer token only, pages by session only.

    Keeping the two apart means a browser's cookie can never drive the API,
    which has no CSRF tokens.
    """
    g.user = None
    if wants_problem_json():
        header = request.headers.get("Authorization")
        if header is not None:
            g.user = user_from_header(header)
    elif (user_id := session.get("user_id")) is not None:
        user = db.session.get(User, user_id)
        g.user = user if user is not None and user.active else None


def user_from_header(header: str) -> User:
    scheme, _, secret = header.partition(" ")
    user = user_for_token(secret.strip()) if scheme.lower() == "bearer" and secret else None
    if user is None:
        raise Unauthorized(
            "The API token is malformed, unknown or revoked, or its account is disabled."
        )
    return user


def current_actor() -> Actor | None:
    return actor_for(g.get("user"))


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only local paths: never send someone on to another site after signing in.

    Browsers drop tabs and newlines from a URL, so '/<tab>/evil.example' would become
    '//evil.example'; control characters are refused outright (a newline also cannot go
    in a header)."""
    if (target and target.startswith("/") and target.isprintable()
            and not target.startswith(("//", "/\\"))):
        return target
    return url_for("pages.home")


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def attempted_account() -> str:
    """Guesses at one account count together, from however many addresses they come."""
    return "login:" + request.form.get("email", "").strip().casefold()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=attempted_account)
def login():
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next"))
    one_value_each(request.form)
    user = authenticate(request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        error = gettext("That e-mail and password do not match an active account.")
        form = {"email": request.form.get("email", ""), "next": request.form.get("next")}
        return render_template("auth/login.html", error=error, **form), 422
    session.clear()  # a fresh session on sign-in: no fixation
    session["user_id"] = user.id
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("pages.home"))
