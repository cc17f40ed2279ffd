"""The search backends: Whoosh in tmp_path, and PostgreSQL when the suite runs on it.

Writes, queries, safety and rebuilds; the same tests for both, then Whoosh's own.
"""

import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clearinghouse import search, search_postgres
from clearinghouse.extensions import db
from clearinghouse.search import Document, Index
from tests.conftest import POSTGRES_URL

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def doc(key, body, title="Record", **facets):
    return Document(key, key.split(":")[0], title, body, f"/{key.replace(':', '/')}", facets,
                    WHEN)


def found(index, text, **filters):
    return [hit.key for hit in index.search(text, filters).hits]


@pytest.fixture(params=["whoosh", "postgres"])
def index(request, tmp_path):
    """Each backend in turn: the interface and its promises are the same."""
    if request.param == "whoosh":
        return Index(tmp_path / "index")
    if not POSTGRES_URL:
        pytest.skip("set CLEARINGHOUSE_TEST_DATABASE_URL to test the PostgreSQL backend")
    app = request.getfixturevalue("app")
    with app.app_context():
        return search_postgres.Index(db.engine)


@pytest.fixture
def whoosh_index(tmp_path):
    return Index(tmp_path / "index")


def test_an_upserted_document_is_found_with_its_stored_fields(index):
    index.apply([doc("issue:1", "Data flows across borders", title="Cross-border data")], [])
    [hit] = index.search("borders").hits
    assert (hit.key, hit.type, hit.title, hit.url) == ("issue:1", "issue", "Cross-border data",
                                                      "/issue/1")
    assert hit.score > 0


def test_a_new_empty_index_answers_with_nothing(index):
    results = index.search("privacy")
    assert (results.hits, results.total, results.facets["region"]) == ((), 0, {})


def test_upserting_a_key_again_replaces_the_document(index):
    index.apply([doc("issue:1", "spectrum auctions")], [])
    index.apply([doc("issue:1", "satellite orbits")], [])
    assert found(index, "spectrum") == []
    assert found(index, "satellite") == ["issue:1"]
    assert index.keys() == {"issue:1"}


def test_a_key_upserted_twice_in_one_batch_keeps_the_last_version(index):
    index.apply([doc("issue:1", "spectrum"), doc("issue:1", "satellite")], [])
    assert index.search("spectrum OR satellite").total == 1
    assert found(index, "satellite") == ["issue:1"]


def test_a_deleted_key_leaves_results_and_keys(index):
    index.apply([doc("issue:1", "spectrum"), doc("issue:2", "spectrum")], [])
    index.apply([], ["issue:1"])
    assert found(index, "spectrum") == ["issue:2"]
    assert index.keys() == {"issue:2"}


def test_a_key_both_upserted_and_deleted_in_one_batch_ends_up_deleted(index):
    index.apply([doc("issue:1", "spectrum")], [])
    index.apply([doc("issue:1", "spectrum again")], ["issue:1"])
    assert index.keys() == set()


def test_keys_lists_every_indexed_key(index):
    index.apply([doc("issue:1", "a"), doc("process:3", "b"), doc("response:4", "c")], [])
    assert index.keys() == {"issue:1", "process:3", "response:4"}


def test_facet_counts_cover_every_match_not_just_the_page(index):
    index.apply([doc(f"issue:{n}", "privacy", region=("africa", "global") if n % 2 else ("asia",))
                 for n in range(1, 6)] + [doc("process:9", "privacy", stage=("open",))], [])
    results = index.search("privacy", per_page=2)
    assert (len(results.hits), results.total) == (2, 6)
    assert results.facets["region"] == {"africa": 3, "global": 3, "asia": 2}
    assert results.facets["type"] == {"issue": 5, "process": 1}
    assert results.facets["stage"] == {"open": 1}


def test_facet_counts_follow_updates_and_deletions(index):
    index.apply([doc(f"issue:{n}", "privacy", region=("africa",)) for n in range(1, 5)], [])
    assert index.search("privacy").facets["region"] == {"africa": 4}
    index.apply([doc("issue:1", "privacy", region=("asia",))], ["issue:2"])
    index.apply([doc("issue:5", "privacy", region=("asia",))], [])
    results = index.search("privacy")
    assert results.facets["region"] == {"asia": 2, "africa": 2}
    assert results.total == 4


@pytest.mark.parametrize(("text", "expected"), [
    ("spectrum OR orbit", {"issue:1", "issue:2", "issue:3"}),
    ("spectrum NOT orbit", {"issue:1"}),
    ("NOT spectrum", {"issue:3", "issue:4"}),
    ("(spectrum OR safety) orbit", {"issue:2"}),
    ('"spectrum policy"', {"issue:2"}),
    ("spectrum AND policy", {"issue:2"}),
])
def test_totals_and_counts_cover_exactly_the_documents_found(index, text, expected):
    index.apply([doc("issue:1", "spectrum auctions", region=("africa",)),
                 doc("issue:2", "orbit and spectrum policy", region=("asia",)),
                 doc("issue:3", "orbit debris", region=("asia",)),
                 doc("issue:4", "child safety policy", region=("africa",))], [])
    results = index.search(text, per_page=100)
    assert {hit.key for hit in results.hits} == expected
    assert results.total == len(expected)
    assert sum(results.facets["region"].values()) == len(expected)


def test_every_facet_and_type_are_counted_even_when_nothing_has_them(index):
    index.apply([doc("issue:1", "privacy")], [])
    assert set(index.search("privacy").facets) == {"type", *search.FACETS}
    assert set(index.search("").facets) == {"type", *search.FACETS}


def test_filters_narrow_to_exact_facet_values(index):
    index.apply([doc("issue:1", "privacy", region=("africa", "global")),
                 doc("issue:2", "privacy", region=("north-africa",)),
                 doc("process:3", "privacy", region=("africa",), stakeholder_group=("civil",))], [])
    assert sorted(found(index, "privacy", region="africa")) == ["issue:1", "process:3"]
    assert found(index, "privacy", region="africa", type="process") == ["process:3"]
    assert found(index, "privacy", stakeholder_group="civil") == ["process:3"]
    assert found(index, "privacy", region="afr") == []
    assert index.search("privacy", {"region": "africa"}).facets["region"] == {"africa": 2,
                                                                             "global": 1}


def test_unknown_facets_and_commas_in_values_are_refused(index):
    with pytest.raises(ValueError, match="unknown facets"):
        index.apply([doc("issue:1", "x", colour=("red",))], [])
    with pytest.raises(ValueError, match="comma"):
        index.apply([doc("issue:1", "x", region=("a,b",))], [])


def test_pages_slice_the_matches_and_pages_past_the_end_are_empty(index):
    index.apply([doc(f"issue:{n}", "privacy") for n in range(5)], [])
    pages = [index.search("privacy", page=n, per_page=2) for n in (1, 2, 3, 4)]
    assert [len(page.hits) for page in pages] == [2, 2, 1, 0]
    assert len({hit.key for page in pages for hit in page.hits}) == 5
    assert {page.total for page in pages} == {5}


def test_snippets_mark_matches_and_escape_everything_else(index):
    index.apply([doc("issue:1", "Note <script>alert('x')</script> about privacy & trust")], [])
    snippet = index.search("privacy").hits[0].snippet
    assert "<mark>privacy</mark>" in snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp; trust" in snippet


def test_a_snippet_without_highlights_is_the_escaped_opening_of_the_body(index):
    body = "<b>" + "word " * 100
    index.apply([doc("issue:1", body, title="Privacy")], [])
    snippet = index.search("privacy").hits[0].snippet
    assert str(snippet) == str(search.escape(body[:200]))


def test_accents_and_case_are_folded(index):
    index.apply([doc("issue:1", "Rights in Côte d'Ivoire")], [])
    assert found(index, "cote") == found(index, "CÔTE") == found(index, "côte") == ["issue:1"]


def test_a_misspelled_word_suggests_the_correction_that_finds_matches(index):
    index.apply([doc("issue:1", "Questions of jurisdiction online")], [])
    assert index.search("jurisdicton").suggestion == "jurisdiction"
    assert index.search("online jurisdicton").suggestion == "online jurisdiction"


def test_a_query_whose_words_are_all_indexed_has_no_suggestion(index):
    index.apply([doc("issue:1", "Questions of jurisdiction online")], [])
    assert index.search("jurisdiction").suggestion is None
    assert index.search("qwxzv").suggestion is None


def test_related_shares_words_and_never_returns_the_document_itself(index):
    index.apply([doc("issue:1", "spectrum auctions for satellites", title="Spectrum"),
                 doc("issue:2", "satellite spectrum policy", title="Orbits"),
                 doc("issue:3", "child online safety", title="Safety")], [])
    keys = [hit.key for hit in index.related("issue:1")]
    assert keys == ["issue:2"]
    assert index.related("issue:404") == ()


def test_related_records_follow_the_index_as_it_changes(index):
    index.apply([doc("issue:1", "spectrum auctions for satellites"),
                 doc("issue:2", "satellite spectrum policy")], [])
    assert [hit.key for hit in index.related("issue:1")] == ["issue:2"]
    index.apply([doc("issue:3", "spectrum auctions for small satellites")], ["issue:2"])
    assert [hit.key for hit in index.related("issue:1")] == ["issue:3"]


def test_related_out_of_time_gives_what_it_found_so_far_never_an_error(whoosh_index,
                                                                        monkeypatch):
    """More-like-this scores every document sharing a word; a page must not wait for all."""
    monkeypatch.setattr(search, "RELATED_SECONDS", 0)
    whoosh_index.apply([doc(f"issue:{n}", "satellite spectrum policy") for n in range(300)], [])
    found = whoosh_index.related("issue:0")
    assert len(found) <= 5
    assert "issue:0" not in {hit.key for hit in found}


@pytest.mark.parametrize(("text", "expected"), [
    ("k*", {"doc:k"}),  # no wildcard: not "kenya"
    ("*a*", set()),  # "a" is a stop word; nothing is scanned
    ("[a TO z]", {"doc:z"}),  # no range over every term
    ("title:x", {"doc:title-x"}),  # no field targeting: the words title and x
    ("spam^5", {"doc:spam-5"}),  # no boost: the words spam and 5
    ("spam~2", {"doc:spam-2"}),  # no fuzzy match of "spa"
    ("/ken.*/", set()),  # no regex
    ("*:*", set()),  # no match-everything
])
def test_dangerous_syntax_is_read_as_plain_words(index, text, expected):
    bodies = {"kenya": "kenya", "k": "k", "z": "z", "title-x": "title x", "spam-5": "spam 5",
              "spam-2": "spam 2", "spa": "spa", "spam": "spam"}
    index.apply([doc(f"doc:{name}", body, title="") for name, body in bodies.items()], [])
    assert set(found(index, text)) == expected


@pytest.mark.parametrize("text", ["", "   ", "!!!", "?*:()[]^~", "the and of"])
def test_empty_punctuation_and_stop_word_queries_return_nothing_without_the_index(tmp_path,
                                                                                   text):
    index = Index(tmp_path / "index")
    shutil.rmtree((tmp_path / "index").resolve())  # any search that opened it would fail
    results = index.search(text)
    assert (results.hits, results.total, results.suggestion) == ((), 0, None)


def test_queries_are_cut_at_200_characters_not_refused(index):
    index.apply([doc("issue:1", "kenya")], [])
    assert found(index, "kenya" + " " * 195 + "zebra") == ["issue:1"]
    assert found(index, "kenya" + " " * 194 + "zebra") == []


def test_a_failed_apply_leaves_the_index_writable_by_another_index(whoosh_index, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setattr(search, "WRITE_TIMEOUT", 1)  # a leaked lock fails fast, not in 30 s
    with pytest.raises(ValueError) as failure:
        whoosh_index.apply([doc("issue:1", "privacy"), doc("issue:2", "x", colour=("red",))], [])
    # Held like a logged error holds it: its traceback keeps the failed writer alive.
    assert failure.traceback
    other = Index(tmp_path / "index")
    other.apply([doc("issue:3", "privacy")], [])
    assert found(whoosh_index, "privacy") == ["issue:3"]  # the failed batch wrote nothing


def test_a_rebuild_is_seen_by_another_open_index(whoosh_index, tmp_path):
    other = Index(tmp_path / "index")
    whoosh_index.apply([doc("issue:1", "old words")], [])
    assert found(other, "old") == ["issue:1"]
    old_folder = (tmp_path / "index").resolve()
    assert whoosh_index.rebuild([doc("issue:2", "new words")]) == 1
    assert found(other, "new") == ["issue:2"]
    assert other.keys() == {"issue:2"}
    assert not old_folder.exists()
    other.apply([doc("issue:3", "newer words")], [])
    assert whoosh_index.keys() == {"issue:2", "issue:3"}


def test_a_write_waiting_on_a_rebuild_lands_in_the_new_index(whoosh_index, tmp_path):
    other, reading, release = Index(tmp_path / "index"), threading.Event(), threading.Event()

    def documents():
        reading.set()
        release.wait(5)
        yield doc("issue:1", "rebuilt")

    rebuild = threading.Thread(target=whoosh_index.rebuild, args=(documents(),))
    rebuild.start()
    reading.wait(5)
    write = threading.Thread(target=other.apply, args=([doc("issue:2", "late")], []))
    write.start()
    time.sleep(0.3)  # the write is now polling the old folder's lock
    release.set()
    rebuild.join(10)
    write.join(10)
    assert whoosh_index.keys() == other.keys() == {"issue:1", "issue:2"}


def test_a_rebuild_reports_its_progress(index):
    seen = []
    assert index.rebuild((doc(f"issue:{n}", "x") for n in range(3)), seen.append) == 3
    assert seen == [1, 2, 3]


def test_a_failed_rebuild_keeps_the_live_index_and_its_writes(index):
    index.apply([doc("issue:1", "kept")], [])

    def documents():
        yield doc("issue:2", "lost")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(documents())
    assert index.keys() == {"issue:1"}
    index.apply([doc("issue:3", "still writable")], [])
    assert index.keys() == {"issue:1", "issue:3"}


def test_a_failed_whoosh_rebuild_leaves_no_folder_behind(whoosh_index, tmp_path):
    with pytest.raises(ValueError, match="unknown facets"):
        whoosh_index.rebuild([doc("issue:2", "x", colour=("red",))])
    assert len(list(tmp_path.iterdir())) == 2  # the symlink and its one folder


def test_a_plain_directory_is_refused_as_the_index_path(tmp_path):
    (tmp_path / "index").mkdir()
    with pytest.raises(ValueError, match="symlink"):
        Index(tmp_path / "index")


def test_only_the_chosen_whoosh_distribution_is_installed():
    """whoosh, whoosh-reloaded, whoosh3 and whoosh-ng all install the `whoosh` import name."""
    from importlib.metadata import distributions

    names = {d.metadata["Name"].lower() for d in distributions()}
    installed = names & {"whoosh", "whoosh-reloaded", "whoosh3", "whoosh-ng"}
    assert installed == {"whoosh-reloaded"}


def test_a_query_of_markup_and_punctuation_gets_results_not_a_crash(index):
    index.apply([doc("issue:1", "alert the script authors")], [])
    results = index.search("<script>alert(1)</script>")
    assert results.total == 0
    assert results.suggestion is None


def write_many(directory: str, writer: int, count: int) -> None:
    """One process's writes, one document at a time (run in a child process)."""
    index = Index(Path(directory))
    for number in range(count):
        index.apply([doc(f"submission:{writer}-{number}", f"feedback {writer} {number}")], [])


def test_several_processes_writing_at_once_lose_nothing(tmp_path):
    import multiprocessing

    directory = tmp_path / "index"
    Index(directory)  # made once, before the writers race to open it
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=write_many, args=(str(directory), n, 20)) for n in range(3)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=60)
    assert [process.exitcode for process in writers] == [0, 0, 0]
    assert len(Index(directory).keys()) == 60
