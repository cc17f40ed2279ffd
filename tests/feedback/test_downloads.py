"""CSV downloads: RFC 4180 text, deterministic, and safe to open in a spreadsheet."""

import csv
import io
from datetime import UTC, datetime

import pytest

from clearinghouse.feedback.downloads import (
    SUBMISSION_COLUMNS,
    SUMMARY_COLUMNS,
    submissions_csv,
    summary_csv,
)

SUBMISSION = {
    "id": 7, "created_at": datetime(2026, 11, 3, 9, 30, tzinfo=UTC),
    "stakeholder_group": "civil_society", "country": "GH", "region": "africa",
    "name": "Ama Mensah", "organisation": "Accra Digital Rights Hub",
    "on_behalf_of_organisation": True, "language": "en",
    "answers": {"q3": ["a", "c"], "q1": 4}, "comment": "Line one,\nline \"two\".",
    "comments": [{"section": "2", "text": "Été"}], "receipt_hash": "secret",
}
SUMMARY = {
    "total": 3,
    "campaigns": [{"signatories": 2, "excerpt": "=HYPERLINK(\"http://evil\")"}],
    "by_stakeholder_group": {"government": 1, "civil_society": 2},
    "by_region": {"africa": 3, "asia_pacific": 0},
    "matrix": {"government": {"africa": 1, "asia_pacific": 0},
               "civil_society": {"africa": 2, "asia_pacific": 0}},
    "questions": {
        "q1": {"counts": {"1": 0, "2": 3},
               "by_stakeholder_group": {"government": {"1": 0, "2": 1},
                                        "civil_society": {"1": 0, "2": 2}}},
        "q4": {"answered": 2},
    },
    "key_terms": ["spectrum", "@access"],
    "warnings": ["Over half of the responses (3 of 3) come from one region: African Group."],
}


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_submissions_round_trip_through_a_csv_reader_under_a_header_row():
    rows = read(submissions_csv([SUBMISSION]))
    assert rows[0] == list(SUBMISSION_COLUMNS)
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "id": "7", "created_at": "2026-11-03T09:30:00+00:00",
        "stakeholder_group": "civil_society", "country": "GH", "region": "africa",
        "name": "Ama Mensah", "organisation": "Accra Digital Rights Hub",
        "on_behalf_of_organisation": "true", "language": "en",
        "answers": '{"q1": 4, "q3": ["a", "c"]}', "comment": "Line one,\nline \"two\".",
        "comments": '[{"section": "2", "text": "Été"}]'}


def test_keys_outside_the_columns_never_reach_the_download():
    assert "secret" not in submissions_csv([SUBMISSION])


def test_missing_values_are_empty_cells_and_chosen_columns_are_kept_in_order():
    assert read(submissions_csv([{"id": 1, "name": None}], columns=("name", "id"))) == [
        ["name", "id"], ["", "1"]]


def test_no_submissions_is_just_the_header_row():
    assert submissions_csv([]) == ",".join(SUBMISSION_COLUMNS) + "\r\n"


@pytest.mark.parametrize("dangerous", [
    "=1+2", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "=HYPERLINK(\"http://evil\")"])
def test_cells_a_spreadsheet_would_evaluate_are_neutralised_with_a_quote(dangerous):
    rows = read(submissions_csv([{"comment": dangerous}], columns=("comment",)))
    assert rows[1] == ["'" + dangerous]


def test_harmless_cells_are_left_as_they_are():
    safe = ["Plain text", "1+1=2", " =padded", "'quoted", "é=mc²"]
    rows = read(submissions_csv([{"comment": text} for text in safe], columns=("comment",)))
    assert [row[0] for row in rows[1:]] == safe


def test_lines_end_with_crlf_and_the_same_data_gives_the_same_text():
    text = submissions_csv([SUBMISSION, SUBMISSION])
    assert text == submissions_csv([SUBMISSION, SUBMISSION])
    assert text.endswith("\r\n")
    assert text.count("\r\n") == 3  # the newline inside the comment is quoted, not a row


def test_a_summary_becomes_tidy_long_rows_under_a_header():
    rows = read(summary_csv(SUMMARY))
    assert rows[0] == list(SUMMARY_COLUMNS)
    assert rows[1:] == [
        ["total", "", "", "", "", "3"],
        ["by_stakeholder_group", "government", "", "", "", "1"],
        ["by_stakeholder_group", "civil_society", "", "", "", "2"],
        ["by_region", "", "africa", "", "", "3"],
        ["by_region", "", "asia_pacific", "", "", "0"],
        ["matrix", "government", "africa", "", "", "1"],
        ["matrix", "government", "asia_pacific", "", "", "0"],
        ["matrix", "civil_society", "africa", "", "", "2"],
        ["matrix", "civil_society", "asia_pacific", "", "", "0"],
        ["question", "", "", "q1", "1", "0"],
        ["question", "", "", "q1", "2", "3"],
        ["question_by_stakeholder_group", "government", "", "q1", "1", "0"],
        ["question_by_stakeholder_group", "government", "", "q1", "2", "1"],
        ["question_by_stakeholder_group", "civil_society", "", "q1", "1", "0"],
        ["question_by_stakeholder_group", "civil_society", "", "q1", "2", "2"],
        ["answered", "", "", "q4", "", "2"],
        ["campaign", "", "", "", "'=HYPERLINK(\"http://evil\")", "2"],
        ["key_term", "", "", "", "spectrum", ""],
        ["key_term", "", "", "", "'@access", ""],
    ]


def test_a_summary_download_is_deterministic_crlf_text():
    text = summary_csv(SUMMARY)
    assert text == summary_csv(SUMMARY)
    assert text.startswith("section,stakeholder_group,region,question,option,count\r\n")
    assert "\n" not in text.replace("\r\n", "")
