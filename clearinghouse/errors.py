"""Map errors to HTTP in one place: problem+json under /api/, an HTML page elsewhere."""

from flask import Flask, Response, current_app, json, render_template, request
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .exceptions import DomainError, Unauthorized

PROBLEM_JSON = "application/problem+json"
# What a page tells a reader, in their language, for an error the server raised itself;
# an error from the domain keeps its own detail, which says what was wrong.
PAGE_WORDS = {
    400: (lazy_gettext("Bad request"), lazy_gettext("The request could not be understood.")),
    401: (lazy_gettext("Sign in needed"), lazy_gettext("Sign in to do this.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("Your account may not do this.")),
    404: (lazy_gettext("Not found"),
          lazy_gettext("There is nothing at this address. It may have been mistyped.")),
    405: (lazy_gettext("Not allowed"), lazy_gettext("This address does not take that request.")),
    409: (lazy_gettext("Conflict"), lazy_gettext("This clashes with what is already recorded.")),
    413: (lazy_gettext("Too large"), lazy_gettext("What was sent is larger than we accept.")),
    415: (lazy_gettext("Unsupported format"),
          lazy_gettext("What was sent is in a format we do not read.")),
    422: (lazy_gettext("Invalid input"), lazy_gettext("Some of what was sent needs correcting.")),
    429: (lazy_gettext("Too many requests"),
          lazy_gettext("Too many requests came from here. Please wait a minute and try again.")),
    500: (lazy_gettext("Something went wrong"),
          lazy_gettext("Something went wrong on our side. The error has been logged; "
                       "please try again.")),
}


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(CSRFError, handle_csrf_error)
    # Registered for 500 only, so that under TESTING the exception reaches the test.
    app.register_error_handler(InternalServerError, handle_server_error)


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def handle_domain_error(error: DomainError):
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else {}
    return error_response(error.status, error.title, error.detail, error.errors, headers,
                          domain=True)


def handle_csrf_error(error: CSRFError):
    """A form whose token is missing or stale: most often a page left open too long, or a
    session that ended; say what to do about it."""
    detail = gettext("The form's security token (CSRF) is missing or out of date. Go back, "
                     "reload the page and send the form again.")
    return error_response(400, gettext("The form has expired"), detail, None, {}, domain=True)


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error  # redirects raised as exceptions pass through untouched
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return error_response(error.code, error.name, error.description, None, headers)


def handle_server_error(error: InternalServerError):
    detail = "Something went wrong on our side. The error has been logged; please try again."
    return error_response(500, "Internal server error", detail, None, {})


def error_response(status, title, detail, errors, headers, *, domain=False) -> Response:
    if wants_problem_json():
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        if errors:
            body["errors"] = errors
        response = current_app.response_class(
            json.dumps(body), status=status, mimetype=PROBLEM_JSON
        )
    else:
        words, explanation = PAGE_WORDS.get(status, (title, detail))
        html = render_template("errors/error.html", status=status, title=words,
                               detail=detail if domain else explanation, errors=errors)
        response = current_app.response_class(html, status=status, mimetype="text/html")
    response.headers.update(headers)
    return response
