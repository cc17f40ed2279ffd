"""Loading input through marshmallow schemas, with errors a person can act on."""

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError

from .exceptions import InvalidInput


class InputSchema(Schema):
    """Base of every input schema: an unknown field is refused with a message that helps."""

    error_messages = {  # noqa: RUF012 — marshmallow merges this class attribute
        "unknown": "Not a field this accepts: check the spelling against /api/v1/openapi.json.",
        "type": "Send an object of named fields.",
    }


class Partial:
    """Mixed into a PATCH's schema: any top-level field may be left out, but every row sent
    (a participant, an event) must be whole; set on the instance, the OpenAPI document says so."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.partial = tuple(self.fields)


def load(schema: Schema, data: Any, *, partial: bool = False) -> dict:
    if not isinstance(data, Mapping):
        raise InvalidInput("The input must be an object of named fields.")
    # Partial at the top level only: a PATCH may leave fields out, but every row it
    # sends (a participant, an event) must be whole. partial=True would reach into them.
    top_level = tuple(schema.fields) if partial else False
    try:
        return schema.load(data, partial=top_level)
    except ValidationError as error:
        errors = flatten(error.normalized_messages())
        raise InvalidInput(summarise(errors), errors) from None


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"aspects": {0: ["Too long."]}} -> {"aspects.0": ["Too long."]}."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, name))
        return flat
    if isinstance(messages, str):
        messages = [messages]
    return {prefix or "_schema": [str(message) for message in messages]}


def summarise(errors: dict[str, list[str]]) -> str:
    return " ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
