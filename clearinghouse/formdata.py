"""What every HTML form shares, as api.py is for JSON: a body that is form-encoded UTF-8,
each field sent once unless it is a list, and numbers read strictly."""

from collections.abc import Collection
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_babel import gettext
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from .errors import wants_problem_json
from .exceptions import InvalidInput
from .validation import summarise

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
MAX_DIGITS = 18  # past this no count or record number is meant, and int() of 4,301 digits fails
CHECKED = "on"  # what a ticked checkbox without a value sends; 'false' must not read as ticked


def init_app(app: Flask) -> None:
    # First of all the request hooks: CSRF protection reads the form, and Werkzeug reads
    # bad UTF-8 in it as '%FF' text (or as no form at all) rather than refusing it.
    app.before_request_funcs.setdefault(None, []).insert(0, check_body)


def check_body() -> None:
    """A page's form sends form-encoded UTF-8; anything else is refused before it is read."""
    if request.method not in WRITES or wants_problem_json() or request.routing_exception:
        return  # a 404 or 405 is told as such, whatever the body
    body = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH; kept for the form
    if not body:
        return
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType(
            "Send the form as application/x-www-form-urlencoded, as its page does.")
    if not is_utf8(body, request.mimetype):
        raise BadRequest("The form is not valid UTF-8: send it from its page, or encode "
                         "every field in UTF-8.")


def is_utf8(body: bytes, mimetype: str) -> bool:
    """Urlencoded: the body with its %-escapes decoded. Multipart: the whole body, since no
    form here takes a file."""
    if mimetype == "application/x-www-form-urlencoded":
        body = unquote_to_bytes(body.replace(b"+", b" "))
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def one_value_each(form: MultiDict, lists: Collection[str] = ()) -> None:
    """A field its page sends once, sent several times, is refused, not read as its first."""
    errors = repeated(form, lists)
    if errors:
        raise InvalidInput(summarise(errors), errors)


def repeated(form: MultiDict, lists: Collection[str] = ()) -> dict[str, list[str]]:
    """The errors `one_value_each` raises, for a form that gathers its errors before raising."""
    return {key: ["Send this field once."] for key in form
            if key not in lists and len(form.getlist(key)) > 1}


def checkbox_errors(form: MultiDict, names: Collection[str]) -> dict[str, list[str]]:
    """Checkboxes sent with a value their page never sends."""
    return {name: [f"Tick the box or leave it: it is sent as '{CHECKED}'."] for name in names
            if form.get(name, CHECKED) != CHECKED}


def whole_number(text: str) -> int | None:
    """A count typed in a form, or None: ASCII digits only, since '²'.isdigit() is true and
    int('²') fails."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def record_number(form: MultiDict, name: str, *, required: bool = True) -> int | None:
    """The number of a record a form acts on; None when it may be and is left empty."""
    text = form.get(name, "").strip()
    if not text and not required:
        return None
    number = whole_number(text)
    if number is None:
        message = (gettext("'%(text)s' is not a record's number.", text=text[:40]) if text
                   else gettext("Give a number."))
        raise InvalidInput(f"{name}: {message}", {name: [message]})
    return number
