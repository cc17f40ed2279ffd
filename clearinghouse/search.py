"""Full-text search over plain Documents: the only module that knows Whoosh.

The live index is a folder reached through a symlink; a rebuild fills a new folder and swaps it.
"""

import difflib
import os
import re
import shutil
import threading
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from markupsafe import Markup, escape
from whoosh import collectors, index, qparser, query
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, Formatter, get_text
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map
from whoosh.writing import SegmentWriter

FACETS = ("stakeholder_group", "region", "stage", "action_line", "verdict", "issue")
MAX_QUERY_CHARS = 200  # longer queries are cut, never refused
MAX_PER_PAGE = 100
SNIPPET_CHARS = 200
RELATED_SECONDS = 0.03
RELATED_KEPT = 2048  # related lists per open index, until its next commit
OPEN_ATTEMPTS = 5  # a concurrent commit can replace the file an open is reading
WRITE_TIMEOUT = 30  # seconds to wait for another process's write lock; plain writer() fails half
REBUILD_MB = 256  # the rebuild's one writer buffers this much before spilling: 15 % faster
MASKS_KEPT = 4096  # term bitmasks per open index: ~12 KB each for a 100,000-document segment
NO_FILTERS: Mapping[str, str] = MappingProxyType({})
T = TypeVar("T")

# whoosh-reloaded's default token pattern counts "*" as a letter; this is the classic one.
_WORDS = (RegexTokenizer(r"\w+(\.?\w+)*") | LowercaseFilter() | CharsetFilter(accent_map)
          | StopFilter(minsize=1) | StemFilter())
SCHEMA = Schema(
    key=ID(unique=True, stored=True), type=ID(stored=True), url=STORED(),
    title=TEXT(analyzer=_WORDS, stored=True, spelling=True),
    body=TEXT(analyzer=_WORDS, stored=True, spelling=True),
    updated=DATETIME(stored=True),
    **{name: KEYWORD(commas=True, lowercase=False, scorable=False) for name in FACETS},
)
# A whitelist, not a blacklist: wildcards, ranges, boosts, fuzzy terms, regexes and field
# targeting are absent, so `k*` or `[a TO z]` are plain words and cannot scan the lexicon.
_PARSER = qparser.MultifieldParser(
    ["title", "body"], SCHEMA, fieldboosts={"title": 2.0},
    plugins=[qparser.PhrasePlugin(), qparser.GroupPlugin(), qparser.OperatorsPlugin()])
_GROUPS = ("type", *FACETS)
_HAS_WORD = re.compile(r"\w")
_WORD = re.compile(r"\w+")
_FRAGMENTER = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)


class Busy(RuntimeError):
    """Another writer, such as a long rebuild, held the index past WRITE_TIMEOUT."""


@dataclass(frozen=True)
class Document:
    key: str  # "issue:12", "process:3", "consultation:5", "submission:88", "response:4"
    type: str  # issue | process | consultation | submission | response
    title: str
    body: str
    url: str  # path of the page, e.g. "/issues/privacy"
    facets: Mapping[str, tuple[str, ...]]  # keys among FACETS; values must not hold commas
    updated: datetime


@dataclass(frozen=True)
class Hit:
    key: str
    type: str
    title: str
    url: str
    snippet: Markup
    score: float


@dataclass(frozen=True)
class Results:
    hits: tuple[Hit, ...]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]  # "type" and every facet -> value -> count over all matches
    suggestion: str | None  # the corrected query, when it differs and finds something


class _MarkFormatter(Formatter):
    """Wraps matched words in <mark> and escapes everything, so snippets are safe Markup."""

    between = "…"

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{escape(get_text(text, token, replace))}</mark>"


class _Kept:
    """The most recently used values, at most `size` of them."""

    def __init__(self, size: int):
        self.size, self._values = size, OrderedDict()

    def get_or(self, key: tuple, compute: Callable[[], T]) -> T:
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = self._values[key] = compute()
        if len(self._values) > self.size:
            self._values.popitem(last=False)
        return value


class _Masks:
    """Which documents of a segment hold a term, as an int bitmask, computed once.

    Facet counts are then an AND and a popcount per facet value over the matched documents'
    mask, where Whoosh's FieldFacet reads the values of every matched document (310 ms at
    20,000 documents). A written segment never changes (deletions are kept beside it), so
    the masks outlive commits: a new generation reads only its new segments' postings.
    """

    def __init__(self):
        self._kept = _Kept(MASKS_KEPT)

    def count(self, searcher: Searcher, matching: query.Query
              ) -> tuple[int, dict[str, dict[str, int]]]:
        """How many documents match, and how many of them hold each facet value."""
        total, counts = 0, {name: Counter() for name in _GROUPS}
        for leaf, _offset in searcher.leaf_searchers():
            if not leaf.reader().doc_count_all():
                continue  # a new index's empty reader has no segment
            matched = self._matching(matching, leaf) & self._live(leaf)
            total += matched.bit_count()
            for name in _GROUPS if matched else ():
                for value in self._values(leaf, name):
                    counts[name][value] += (matched & self._term(leaf, name, value)).bit_count()
        return total, {name: dict(sorted(((value, n) for value, n in found.items() if n),
                                         key=lambda item: (-item[1], item[0])))
                       for name, found in counts.items()}

    def _matching(self, q: query.Query, leaf: Searcher) -> int:
        """The documents of one segment matching `q`, deleted ones included."""
        if isinstance(q, query.Term):
            return self._term(leaf, q.fieldname, q.text)
        if isinstance(q, query.AndNot):
            return self._matching(q.a, leaf) & ~self._matching(q.b, leaf)
        if isinstance(q, query.Not):
            return _everything(leaf) & ~self._matching(q.query, leaf)
        if isinstance(q, query.And):
            return _all_of([self._matching(sub, leaf) for sub in q.subqueries], leaf)
        if isinstance(q, query.Or):
            return _any_of([self._matching(sub, leaf) for sub in q.subqueries])
        if q is query.NullQuery:
            return 0
        return _mask(q.docs(leaf), leaf)  # phrases: Whoosh checks the positions

    def _term(self, leaf: Searcher, field: str, text: str) -> int:
        reader = leaf.reader()
        return self._kept_or(("term", _segment(leaf), field, text), lambda: _mask(
            reader.postings(field, text).all_ids(), leaf) if (field, text) in reader else 0)

    def _values(self, leaf: Searcher, field: str) -> tuple[str, ...]:
        reader = leaf.reader()
        return self._kept_or(("values", _segment(leaf), field),
                             lambda: tuple(reader.field_terms(field)))

    def _live(self, leaf: Searcher) -> int:
        segment = leaf.reader().segment()
        return self._kept_or(("live", _segment(leaf), segment.deleted_count()), lambda:
                             _everything(leaf) & ~_mask(segment.deleted_docs(), leaf))

    def _kept_or(self, key: tuple, compute: Callable[[], T]) -> T:
        return self._kept.get_or(key, compute)


def _related(searcher: Searcher, key: str, limit: int) -> tuple[Hit, ...]:
    docnum = searcher.document_number(key=key)
    if docnum is None:
        return ()
    stored = searcher.stored_fields(docnum)
    words = [pair for field in ("title", "body") for pair in
             searcher.key_terms_from_text(field, stored[field], numterms=10)]
    terms = [query.Term(field, word, boost=weight) for word, weight in words
             for field in ("title", "body")]
    # Scoring every document that shares a word took 0.3-0.7 s on 12,000 documents:
    # stop at a time limit and keep the best found by then.
    collector = collectors.TimeLimitCollector(  # one more: the record itself
        searcher.collector(limit=limit + 1), RELATED_SECONDS,
        use_alarm=False)  # a timer thread, not a signal, in a web worker
    with suppress(collectors.TimeLimit):
        searcher.search_with_collector(query.Or(terms), collector)
    others = [hit for hit in collector.results() if hit.docnum != docnum][:limit]
    return tuple(_hit(hit, _opening(hit["body"])) for hit in others)


def _segment(leaf: Searcher) -> str:
    return leaf.reader().segment().segment_id()


def _everything(leaf: Searcher) -> int:
    return (1 << leaf.reader().doc_count_all()) - 1


def _all_of(masks: list[int], leaf: Searcher) -> int:
    result = _everything(leaf)
    for mask in masks:
        result &= mask
    return result


def _any_of(masks: list[int]) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


def _mask(docnums: Iterable[int], leaf: Searcher) -> int:
    bits = bytearray((leaf.reader().doc_count_all() + 7) // 8)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


class Index:
    """One search index behind `directory`, a symlink to the live folder (made if absent)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._ensure()
        self._live: tuple[str, index.Index | None] = ("", None)  # opened on first use
        self._kept_searcher: tuple[index.Index | None, Searcher | None] = (None, None)
        self._reading = threading.RLock()  # see _searcher
        self._masks = _Masks()
        self._related = _Kept(RELATED_KEPT)

    def apply(self, upserts: Iterable[Document], deletions: Iterable[str]) -> None:
        """Write one batch atomically; a key both upserted and deleted ends up deleted."""
        gone = set(deletions)
        docs = [doc for key, doc in {d.key: d for d in upserts}.items() if key not in gone]
        if not docs and not gone:
            return
        writer = self._writer()[1]
        try:
            for key in gone:
                writer.delete_by_term("key", key)
            for doc in docs:
                writer.update_document(**_fields(doc))
            writer.commit()
        except BaseException:
            _abandon(writer)
            raise

    def search(self, text: str, filters: Mapping[str, str] = NO_FILTERS, page: int = 1,
               per_page: int = 20) -> Results:
        """One page of matches for public query text, narrowed by exact facet values."""
        text = text[:MAX_QUERY_CHARS]
        page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
        parsed = _PARSER.parse(text) if _HAS_WORD.search(text) else query.NullQuery
        if parsed is query.NullQuery:
            return Results((), 0, page, per_page, {name: {} for name in _GROUPS}, None)
        narrow = _filter(filters)
        with self._searcher() as searcher:
            found = searcher.search(parsed, limit=page * per_page, filter=narrow)
            found.fragmenter, found.formatter = _FRAGMENTER, _MarkFormatter()
            start = (page - 1) * per_page
            hits = tuple(_hit(hit, _snippet(hit)) for hit in found[start:start + per_page])
            total, counts = self._masks.count(searcher, query.And([parsed, narrow]) if narrow
                                              else parsed)
            return Results(hits, total, page, per_page, counts,
                           _suggest(searcher, text, narrow))

    def related(self, key: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents sharing the key terms of `key`'s title and body, never itself; kept
        until the index next changes, so a page rendered again after a write elsewhere
        does not search again."""
        with self._searcher() as searcher:
            generation = (self._live[0], searcher.reader().generation())
            return self._related.get_or((generation, key, limit),
                                        lambda: _related(searcher, key, limit))

    def keys(self) -> set[str]:
        """Every indexed key, read from stored fields so deleted documents never show."""
        with self._searcher() as searcher:
            return {fields["key"] for fields in searcher.reader().all_stored_fields()}

    def rebuild(self, documents: Iterable[Document],
                progress: Callable[[int], None] = lambda done: None) -> int:
        """Index `documents` into a new folder, swap it in, and return how many there were.

        The live index stays write-locked from before the first document is read until the
        swap, so a concurrent write lands before the rebuild reads (pass a lazy iterable) or
        waits and then goes to the new folder. `progress` hears the running count.
        """
        old, holder = self._writer()
        try:
            folder = self._new_folder()
            count = _fill(index.open_dir(folder), documents, progress, folder)
            self._swap(folder)
        finally:
            holder.cancel()
        shutil.rmtree(old, ignore_errors=True)
        return count

    def _ensure(self) -> None:
        if self.directory.exists():
            if not self.directory.is_symlink():
                raise ValueError(f"{self.directory} must be a symlink to an index folder")
            return
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        folder = self._new_folder()
        try:
            if self.directory.is_symlink():  # dangling: its folder was removed by hand
                self._swap(folder)
            else:
                os.symlink(folder.name, self.directory)
        except FileExistsError:  # another process made it first; use theirs
            shutil.rmtree(folder)

    def _new_folder(self) -> Path:
        folder = self.directory.with_name(f"{self.directory.name}.{uuid.uuid4().hex[:12]}")
        folder.mkdir()
        index.create_in(folder, SCHEMA)
        return folder

    def _swap(self, folder: Path) -> None:
        temporary = self.directory.with_name(f".{self.directory.name}.{uuid.uuid4().hex}")
        os.symlink(folder.name, temporary)
        os.replace(temporary, self.directory)

    def _on_live(self, use: Callable[[index.Index], T]) -> tuple[str, T]:
        """use(index) on the live folder, reopened when a rebuild here or elsewhere swapped it.

        An index opened through the old symlink would keep serving the old files and call
        itself up to date, so the symlink's target is compared on every use.
        """
        for attempt in range(OPEN_ATTEMPTS):
            real, live = os.path.realpath(self.directory), self._live
            try:
                if live[0] != real:
                    live = self._live = (real, index.open_dir(real))
                return real, use(live[1])
            except FileNotFoundError:
                # Another process committed between our reading the newest table of contents
                # and opening it (Whoosh deletes the old one), or a rebuild removed the folder.
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
            except (OSError, index.EmptyIndexError):  # swapped and removed while we opened it
                if os.path.realpath(self.directory) == real:
                    raise
        raise OSError(f"{self.directory} was swapped by a rebuild on every attempt to open it")

    @contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        """The kept searcher while the index is unchanged, and never closed by its user:
        opening one reads every segment (46 ms at 100,000 documents), while checking that
        it is current reads a directory listing.

        One thread at a time, for threaded servers: a Whoosh searcher reads its files through
        shared positions (two threads at once unpickle garbage), and replacing it closes it
        under whoever is still reading (ReaderClosed)."""
        with self._reading:
            yield self._on_live(self._current)[1]

    def _current(self, live: index.Index) -> Searcher:
        kept_for, kept = self._kept_searcher
        if kept_for is live and kept.up_to_date():
            return kept
        # Not Searcher.refresh(): it reuses unchanged segments' readers, deletions and all,
        # so a document deleted since would still be found.
        searcher = live.searcher()
        if kept is not None:
            kept.close()
        self._kept_searcher = (live, searcher)
        return searcher

    def _writer(self) -> tuple[str, SegmentWriter]:
        """A writer holding the live folder's lock: a rebuild may swap it while we wait."""
        while True:
            try:
                real, writer = self._on_live(lambda live: live.writer(timeout=WRITE_TIMEOUT))
            except LockError as error:
                raise Busy(f"{self.directory} stayed locked for {WRITE_TIMEOUT} s") from error
            if os.path.realpath(self.directory) == real:
                return real, writer
            writer.cancel()


def check_facets(doc: Document) -> None:
    """Refuse facets outside FACETS and values holding a comma, the separator."""
    unknown = set(doc.facets) - set(FACETS)
    if unknown:
        raise ValueError(f"{doc.key}: unknown facets {sorted(unknown)}")
    if any("," in value for values in doc.facets.values() for value in values):
        raise ValueError(f"{doc.key}: a facet value holds a comma, the separator")


def _fields(doc: Document) -> dict:
    check_facets(doc)
    facets = {name: ",".join(values) for name, values in doc.facets.items()}
    return {"key": doc.key, "type": doc.type, "title": doc.title, "body": doc.body,
            "url": doc.url, "updated": doc.updated, **facets}


def _fill(target: index.Index, documents: Iterable[Document],
          progress: Callable[[int], None], folder: Path) -> int:
    writer, count = target.writer(limitmb=REBUILD_MB), 0
    try:
        for count, doc in enumerate(documents, start=1):
            writer.add_document(**_fields(doc))
            progress(count)
        writer.commit()
    except BaseException:
        _abandon(writer)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return count


def _abandon(writer: SegmentWriter) -> None:
    """Cancel a failed writer in whatever state; whoosh would keep the lock until exit."""
    with suppress(Exception):  # the error that brought us here matters more than cancel's
        writer.cancel()
    lock = writer.writelock
    if lock is not None and lock.fd is not None:
        lock.release()


def _filter(filters: Mapping[str, str]) -> query.Query | None:
    terms = [query.Term(name, value) for name, value in filters.items()
             if name in _GROUPS and value]
    return query.And(terms) if terms else None


def _snippet(hit) -> Markup:
    marked = hit.highlights("body", top=2)  # every piece went through _MarkFormatter's escape
    return Markup(marked) if marked else _opening(hit["body"])  # noqa: S704  # nosec B704


def _opening(body: str) -> Markup:
    return escape(body[:SNIPPET_CHARS])


def _hit(hit, snippet: Markup) -> Hit:
    return Hit(hit["key"], hit["type"], hit["title"], hit["url"], snippet, float(hit.score))


def _suggest(searcher, text: str, narrow) -> str | None:
    """The query with each word absent from the index replaced by its nearest indexed word,
    when that finds matches. Word by word: Whoosh's correct_query crashes on some input."""
    words = _WORD.findall(text.lower())
    corrected = [_nearest(searcher, word) for word in words]
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    found = searcher.search(_PARSER.parse(suggestion), limit=1, filter=narrow)
    return suggestion if found.scored_length() else None


def _nearest(searcher, word: str) -> str:
    reader = searcher.reader()
    if any((f"spell_{field}", word) in reader for field in ("title", "body")):
        return word
    candidates = [found for field in ("title", "body")
                  for found in searcher.corrector(field).suggest(word, limit=5, prefix=1)]
    # Whoosh ranks partly by frequency; the closest spelling is what a typo wants.
    closest = difflib.get_close_matches(word, candidates, n=1, cutoff=0)
    return closest[0] if closest else word
