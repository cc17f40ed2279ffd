"""CSV downloads of published submissions and of a summary: RFC 4180 text, the same bytes
for the same data, and no cell a spreadsheet would run as a formula."""

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

# What a published submission shows; any other key of a row (receipt, status) is left out.
SUBMISSION_COLUMNS = (
    "id", "created_at", "stakeholder_group", "country", "region", "name", "organisation",
    "on_behalf_of_organisation", "language", "answers", "comment", "comments",
)
SUMMARY_COLUMNS = ("section", "stakeholder_group", "region", "question", "option", "count")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def submissions_csv(rows: Iterable[dict], *,
                    columns: Sequence[str] = SUBMISSION_COLUMNS) -> str:
    """One line per submission dict, `columns` in order; nested answers and comments as JSON."""
    return _write(columns, ([row.get(column) for column in columns] for row in rows))


def summary_csv(summary: dict) -> str:
    """A summary as tidy long-format rows a spreadsheet can pivot."""
    return _write(SUMMARY_COLUMNS, _summary_rows(summary))


def _summary_rows(summary: dict) -> Iterator[tuple]:
    yield ("total", "", "", "", "", summary["total"])
    for group, count in summary["by_stakeholder_group"].items():
        yield ("by_stakeholder_group", group, "", "", "", count)
    for region, count in summary["by_region"].items():
        yield ("by_region", "", region, "", "", count)
    for group, regions in summary["matrix"].items():
        for region, count in regions.items():
            yield ("matrix", group, region, "", "", count)
    for question, tally in summary["questions"].items():
        yield from _question_rows(question, tally)
    for campaign in summary["campaigns"]:
        yield ("campaign", "", "", "", campaign["excerpt"], campaign["signatories"])
    # Ranked by the row order; the summary keeps no count for its key terms.
    for term in summary["key_terms"]:
        yield ("key_term", "", "", "", term, "")


def _question_rows(question: str, tally: dict) -> Iterator[tuple]:
    if "answered" in tally:
        yield ("answered", "", "", question, "", tally["answered"])
        return
    for option, count in tally["counts"].items():
        yield ("question", "", "", question, option, count)
    for group, counts in tally["by_stakeholder_group"].items():
        for option, count in counts.items():
            yield ("question_by_stakeholder_group", group, "", question, option, count)


def _write(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(value) for value in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _cell(value: object) -> str:
    return spreadsheet_safe(_text(value))


def spreadsheet_safe(text: str) -> str:
    """The text, shown by a spreadsheet as text: every CSV the site writes goes through this.

    A leading quote makes spreadsheets show a cell rather than evaluate it (OWASP's advice
    on CSV injection); tab and carriage return count because some strip them first."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
