"""Key terms and campaign fingerprints of comments: pure rules, no app."""

import pytest

from clearinghouse.feedback.terms import MAX_LENGTH, STOP_WORDS, fingerprint, key_terms

CAMPAIGN = "We oppose the draft: it puts affordable access at risk!"


def test_key_terms_are_distinct_lower_cased_words_of_four_letters_or_more():
    text = "Spectrum, SPECTRUM and spectrum pricing: the fee is too high."
    assert key_terms(text) == {"spectrum", "pricing", "high"}


def test_numbers_underscores_and_overlong_words_are_not_terms():
    text = f"In 2026 the 5G ⅫⅫⅫⅫ rollout_plan {'a' * (MAX_LENGTH + 1)} {'b' * MAX_LENGTH}"
    assert key_terms(text) == {"rollout", "plan", "b" * MAX_LENGTH}


@pytest.mark.parametrize(("text", "terms"), [
    ("Nous pensons que l'accès universel reste essentiel pour tous",
     {"pensons", "accès", "universel", "reste", "essentiel"}),
    ("El acceso asequible es también una cuestión de derechos para todos",
     {"acceso", "asequible", "cuestión", "derechos"}),
    ("الوصول إلى الإنترنت حق أساسي", {"الوصول", "الإنترنت", "أساسي"}),
    ("Доступ к Интернету — основное право", {"доступ", "интернету", "основное", "право"}),
    ("互联网接入是一项基本权利。", {"互联网接入是一项基本权利"}),
], ids=["french", "spanish", "arabic", "russian", "chinese"])
def test_key_terms_work_for_many_languages(text, terms):
    assert key_terms(text) == terms


@pytest.mark.parametrize("word", ["should", "which", "avec", "cette", "para", "porque"])
def test_english_french_and_spanish_function_words_are_not_terms(word):
    assert key_terms(f"{word} connectivity") == {"connectivity"}


def test_the_stop_list_holds_only_lower_cased_words_long_enough_to_be_terms():
    assert all(len(word) >= 4 and word == word.lower() for word in STOP_WORDS)


def test_empty_and_wordless_text_has_no_terms():
    assert key_terms("") == set()
    assert key_terms("1234 — !!! ...") == set()


@pytest.mark.parametrize("variant", [
    "WE OPPOSE THE DRAFT: IT PUTS AFFORDABLE ACCESS AT RISK!",
    "we oppose the draft it puts affordable access at risk",
    "  We oppose   the draft,\nit puts affordable access at risk...  ",
    "Ｗｅ oppose the draft — it puts affordable access at risk?",
])
def test_fingerprints_ignore_case_punctuation_whitespace_and_width(variant):
    assert fingerprint(variant) == fingerprint(CAMPAIGN)


def test_a_fingerprint_is_a_sha256_hex_digest():
    digest = fingerprint(CAMPAIGN)
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_different_texts_have_different_fingerprints():
    assert fingerprint(CAMPAIGN) != fingerprint("We support the draft: it puts access first")


@pytest.mark.parametrize("text", ["", "I agree", "Fully agree!!!  ...", "  !!!  ???  ", "x" * 19])
def test_text_under_twenty_normalised_characters_has_no_fingerprint(text):
    assert fingerprint(text) is None


def test_twenty_normalised_characters_have_a_fingerprint():
    assert fingerprint("x" * 20) is not None
