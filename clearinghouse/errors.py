"""Map errors to HTTP in one place: problem+json under /api/, an HTML page elsewhere."""

from flask import Flask, Response, current_app, json, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .exceptions import DomainError, Unauthorized

PROBLEM_JSON = "application/problem+json"


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    # Registered for 500 only, so that under TESTING the exception reaches the test.
    app.register_error_handler(InternalServerError, handle_server_error)


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def handle_domain_error(error: DomainError):
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else {}
    return error_response(error.status, error.title, error.detail, error.errors, headers)


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error  # redirects raised as exceptions pass through untouched
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return error_response(error.code, error.name, error.description, None, headers)


def handle_server_error(error: InternalServerError):
    detail = "Something went wrong on our side. The error has been logged; please try again."
    return error_response(500, "Internal server error", detail, None, {})


def error_response(status, title, detail, errors, headers) -> Response:
    if wants_problem_json():
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        if errors:
            body["errors"] = errors
        response = current_app.response_class(
            json.dumps(body), status=status, mimetype=PROBLEM_JSON
        )
    else:
        html = render_template(
            "errors/error.html", status=status, title=title, detail=detail, errors=errors
        )
        response = current_app.response_class(html, status=status, mimetype="text/html")
    response.headers.update(headers)
    return response
