"""What the open-data dump holds: its files, their columns and what each means, and the
README that says so. The writer and the README read the same tables, so they cannot differ."""

from .. import vocabulary

FORMAT = "clearinghouse-open-data"
VERSION = 1
JSON_NAME = "clearinghouse.json"
README_NAME = "README.md"
LICENCE = "Open data: reuse freely, citing Clearinghouse"

def one_of(terms) -> str:
    return "One of: " + ", ".join(terms) + "."


STAMPS = (("created_at", "When it was registered (ISO 8601, UTC, microseconds)."),
          ("updated_at", "When it last changed."))

TABLES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "issues": ("Internet-governance and development issues.", (
        ("id", "The issue's number."),
        ("slug", "Its permanent name in URLs: /issues/<slug>."),
        ("title", "Its title."),
        ("summary", "A sentence or two."),
        ("description", "The full description, in Markdown."),
        ("category", "Its category (data/categories.json)."),
        ("priority", one_of(vocabulary.PRIORITIES)),
        ("controversy", one_of(vocabulary.CONTROVERSY)),
        ("action_lines", "The WSIS Action Line codes it falls under (JSON list)."),
        ("aspects", "The aspects that need global policy making, most important first "
                    "(JSON list)."),
        *STAMPS)),
    "processes": ("Governance processes. Their participants are in participants.csv.", (
        ("id", "The process's number."),
        ("slug", "Its permanent name in URLs: /processes/<slug>."),
        ("name", "Its name."),
        ("convener", "Who convenes it."),
        ("stage", "Its lifecycle stage. " + one_of(vocabulary.STAGES)),
        ("aim", "What it is for."),
        ("modalities", "How it works."),
        ("significance", "Why it matters."),
        ("intended_outcomes", "What it means to produce."),
        ("issues", "The slugs of the issues it handles (JSON list)."),
        ("delegated_to", "The body its work was handed to, by name."),
        ("delegated_process", "That body's slug, when it is a registered process."),
        ("participation", "open, remote, fee and fee_waiver, each true or false (JSON)."),
        ("recourse", "How decisions can be challenged."),
        ("languages", "ISO 639-1 codes of its working languages (JSON list)."),
        ("decision_rule", "How it decides: consensus, a vote with chambers and seats, or a "
                          "unilateral decider (JSON)."),
        ("illustrative", "The parts of the record that are illustrative, not sourced "
                         "(JSON list)."),
        ("events", "Its meetings: title, kind, announced_on, starts_at, location, remote "
                   "(JSON list)."),
        ("documents", "Its documents: title, url, kind (JSON list)."),
        ("verdict", "The overall verdict of its latest assessment. "
                    + one_of(vocabulary.VERDICTS)),
        *STAMPS)),
    "participants": ("Who takes part in each process, by stakeholder group and country or "
                     "region.", (
        ("process_slug", "The process."),
        ("name", "A named participant, or empty for a row counted in aggregate."),
        ("organisation", "Their organisation."),
        ("stakeholder_group", "Their stakeholder group (data/stakeholder_groups.json)."),
        ("country", "ISO 3166-1 alpha-2 code, or empty when only the region is known."),
        ("region", "UN regional group (data/regions.json)."),
        ("count", "How many participants the row stands for."))),
    "assessments": ("Every stored assessment of a process against the four principles; the "
                    "JSON also has each one's full findings (result): each finding in English "
                    "and as a message with its values (phrases), which the site's catalogues "
                    "translate.", (
        ("id", "The assessment's number."),
        ("process", "The process's slug."),
        ("assessed_at", "When it was assessed."),
        ("profile", "The principle profile it was assessed under."),
        ("overall", "The overall verdict. " + one_of(vocabulary.VERDICTS)),
        *((name, f"The verdict on the principle: {term.label}.")
          for name, term in vocabulary.PRINCIPLES.items()))),
    "consultations": ("Calls for feedback on a process's work.", (
        ("id", "The consultation's number: /consultations/<id>."),
        ("process", "The process's slug."),
        ("title", "Its title."),
        ("text", "The proposal, or a summary of it."),
        ("url", "Where the full text is."),
        ("sections", "The parts comments may refer to: ref and title (JSON list)."),
        ("questions", "Its questions: id, kind, prompt, options (JSON list)."),
        ("opens_at", "When it opens."),
        ("closes_at", "When it closes."),
        ("moderation", "post: feedback is published at once; pre: once approved."),
        *STAMPS)),
    "submissions": ("Published feedback: accepted, and sent with consent to publish. "
                    "Anonymous ones show no name and no organisation.", (
        ("id", "The submission's number."),
        ("consultation_id", "The consultation it answers."),
        ("stakeholder_group", "The submitter's stakeholder group."),
        ("country", "The submitter's country (ISO 3166-1 alpha-2)."),
        ("region", "That country's UN regional group."),
        ("name", "The submitter's name; empty when anonymous or not given."),
        ("organisation", "Their organisation; empty when anonymous or not given."),
        ("on_behalf_of_organisation", "Whether they speak for that organisation."),
        ("answers", "Question id to answer (JSON object)."),
        ("comment", "The general comment."),
        ("comments", "Comments on sections: section and text (JSON list)."),
        ("language", "ISO 639-1 code of the language it is written in."),
        ("created_at", "When it was sent."))),
    "responses": ("What the process answered, to one submission or to a theme.", (
        ("id", "The response's number."),
        ("consultation_id", "The consultation."),
        ("submission_id", "The submission it answers; empty when it answers a theme, or a "
                          "submission that is no longer published."),
        ("theme", "The theme it answers."),
        ("text", "The answer."),
        ("author", "Who answered."),
        ("created_at", "When."))),
    "activity": ("The activity log: every change to a public record, oldest first, each "
                 "event chained to the one before it by its hash.", (
        ("id", "The event's number."),
        ("occurred_at", "When it happened."),
        ("actor_name", "Who made the change, as shown publicly."),
        ("action", "created, updated, published, answered, verdict_changed, ..."),
        ("record_type", "issue, process, consultation or submission."),
        ("record_id", "The record's number."),
        ("record_key", "Its slug, or for a submission its consultation's number."),
        ("record_title", "Its title at the time."),
        ("context_type", "The record it belongs to, if any (a consultation's process)."),
        ("context_id", "That record's number."),
        ("before", "The changed fields before the change (JSON)."),
        ("after", "The changed fields after it (JSON)."),
        ("tags", "What feeds select it by: issue:<id>, group:<g>, region:<r>, ... "
                 "(JSON list)."),
        ("prev_hash", "The hash of the event before it (64 zeros for the first)."),
        ("hash", "SHA-256 of prev_hash and the event's canonical JSON."))),
}


def columns(table: str) -> list[str]:
    return [name for name, _meaning in TABLES[table][1]]


def csv_name(table: str) -> str:
    return f"{table}.csv"


def readme(log: dict) -> str:
    """The README of a dump; it names the log's head, so it changes only with the data."""
    lines = [
        "# Clearinghouse open data", "", LICENCE + ".", "",
        f"`{JSON_NAME}` holds the whole public dataset (format `{FORMAT}`, version {VERSION}):",
        "UTF-8 JSON with one list per kind of record, ordered by id, and `log`, the number of",
        "events and the newest hash. Processes there also list their participants, and",
        "assessments carry their full findings (`result`), each in English and as a message",
        "with its values (`phrases`) for other languages. Times are ISO 8601 in UTC.",
        "The CSV files hold the same records, one file per kind (RFC 4180, UTF-8, a header",
        "row). Lists and objects inside a cell are compact JSON; a cell that would start",
        "with = + - @, a tab or a carriage return starts with an apostrophe, so that",
        "spreadsheets show it as text.", "",
        "Only what the site shows is here: no unpublished feedback, no moderation,",
        "no staff accounts.", "",
    ]
    for table, (about, fields) in TABLES.items():
        lines += [f"## {csv_name(table)}", "", about, "", "| field | meaning |", "| --- | --- |"]
        lines += [f"| `{name}` | {meaning} |" for name, meaning in fields]
        lines.append("")
    lines += [
        "## Checking the log", "",
        f"This dump holds {log['events']} events; the newest hash, the head, is",
        f"`{log['head']}`.",
        "Each event's hash covers its content and the hash before it, so changing any event",
        "changes every hash after it. Import the dump into an empty Clearinghouse",
        "(`flask --app clearinghouse import DIR`) and run",
        "`flask --app clearinghouse verify-log`: it checks every link and prints the head,",
        "which must be the one above and the one the site publishes.", "",
    ]
    return "\n".join(lines)
