"""The shared input fields: messages a person can act on."""

import pytest
from marshmallow import Schema, ValidationError

from clearinghouse import vocabulary
from clearinghouse.fields import Country, Slug, Term, Text


class Sample(Schema):
    country = Country()
    group = Term(vocabulary.STAKEHOLDER_GROUPS, "a stakeholder group")
    slug = Slug()
    text = Text(10)


def errors_for(**data) -> dict:
    with pytest.raises(ValidationError) as refused:
        Sample().load(data)
    return refused.value.messages


def test_a_country_code_is_upper_cased_and_trimmed():
    assert Sample().load({"country": " gh "}) == {"country": "GH"}


def test_an_unknown_country_code_says_it_is_not_iso_3166():
    assert errors_for(country="XX") == {
        "country": ["'XX' is not an ISO 3166-1 alpha-2 country code."]
    }


def test_an_unknown_term_lists_the_allowed_values_in_vocabulary_order():
    message = errors_for(group="academia")["group"][0]
    assert message == ("'academia' is not a stakeholder group; use one of: government, "
                       "private_sector, civil_society, technical_academic, intergovernmental.")


@pytest.mark.parametrize("slug", ["Upper", "two--hyphens", "-leading", "trailing-", "sp ace", ""])
def test_slugs_are_lower_case_letters_digits_and_single_hyphens(slug):
    assert "slug" in errors_for(slug=slug)


def test_text_is_trimmed_and_length_checked_after_trimming():
    assert Sample().load({"text": "  ten chars  "}) == {"text": "ten chars"}
    assert "text" in errors_for(text="eleven char")


@pytest.mark.parametrize("character", ["\x00", "\x0c", "\x1b", "\x7f"])
def test_text_with_control_characters_is_refused(character):
    assert errors_for(text=f"a{character}b") == {
        "text": ["Remove the control characters from this text."]
    }


def test_text_keeps_newlines_and_tabs():
    assert Sample().load({"text": "a\n\tb"}) == {"text": "a\n\tb"}
