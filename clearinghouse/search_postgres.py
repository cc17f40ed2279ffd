"""Full-text search from PostgreSQL, for several app hosts sharing one database.

The same interface as search.Index over three tables: documents with a weighted tsvector,
their facet values, and every word seen, from which "did you mean" picks corrections.
"""

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from .extensions import db
from .search import (
    FACETS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    NO_FILTERS,
    SNIPPET_CHARS,
    Document,
    Hit,
    Results,
    check_facets,
)

GROUPS = ("type", *FACETS)
CONFIG = sa.literal_column("'english'::regconfig")  # literal: one plan whatever the words
BATCH = 1000
MAX_WORD = 64  # longer "words" are not offered as corrections
# Private-use characters mark matches in ts_headline's output, and stand in for the
# characters its parser would take for HTML and drop; stored text never holds them.
START, STOP = "\ue000", "\ue001"
STAND_INS = {"<": "\ue002", ">": "\ue003", "&": "\ue004"}
HEADLINE = (f'StartSel="{START}", StopSel="{STOP}", MaxFragments=2, MaxWords=30, MinWords=12, '
            'FragmentDelimiter=" … "')
_TOKENS = re.compile(r'"([^"]*)"?|(\()|(\))|(\w+)')
_WORD = re.compile(r"\w+")

documents = sa.Table(
    "search_documents", db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    # A tsvector under a GIN index on PostgreSQL. On SQLite, where this backend never runs,
    # plain text under a plain index in an empty table: one schema serves both databases.
    sa.Column("words", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"),
              nullable=False),
    sa.Index("ix_search_documents_words", "words", postgresql_using="gin"),
)
facets = sa.Table(
    "search_facets", db.metadata,
    sa.Column("document_id", sa.ForeignKey("search_documents.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("facet", sa.String(32), primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
    sa.Index("ix_search_facets_facet_value", "facet", "value", "document_id"),
)
words = sa.Table("search_words", db.metadata,
                 sa.Column("word", sa.String(MAX_WORD), primary_key=True))


class Index:
    """search.Index's interface on the tables above; every call is its own transaction."""

    def __init__(self, engine: Engine):
        if engine.dialect.name != "postgresql":
            raise ValueError("SEARCH_BACKEND=postgres needs a PostgreSQL database")
        self.engine = engine

    def apply(self, upserts: Iterable[Document], deletions: Iterable[str]) -> None:
        """Write one batch atomically; a key both upserted and deleted ends up deleted."""
        gone = set(deletions)
        docs = [doc for key, doc in {d.key: d for d in upserts}.items() if key not in gone]
        for doc in docs:
            check_facets(doc)
        if not docs and not gone:
            return
        with self.engine.begin() as connection:
            keys = sorted(gone | {doc.key for doc in docs})
            connection.execute(documents.delete().where(documents.c.key.in_(keys)))
            _insert(connection, docs)

    def search(self, text: str, filters: Mapping[str, str] = NO_FILTERS, page: int = 1,
               per_page: int = 20) -> Results:
        """One page of matches for public query text, narrowed by exact facet values."""
        text = text[:MAX_QUERY_CHARS]
        page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
        tsquery = compile_query(parse(text))
        if tsquery is None:
            return Results((), 0, page, per_page, {name: {} for name in GROUPS}, None)
        narrow = _narrow(filters)
        with self.engine.connect() as connection:
            counts = _facet_counts(connection, tsquery, narrow)
            hits = _page(connection, tsquery, narrow, (page - 1) * per_page, per_page)
            total = sum(counts["type"].values())  # every document has exactly one type
            return Results(hits, total, page, per_page, counts,
                           _suggest(connection, text, narrow))

    def related(self, key: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents sharing the key terms of `key`'s title and body, never itself."""
        with self.engine.connect() as connection:
            source = connection.execute(sa.select(documents.c.id).where(
                documents.c.key == key)).scalar()
            if source is None:
                return ()
            terms = list(connection.execute(_key_terms(source)).scalars())
            if not terms:
                return ()
            tsquery = _any(func_query("plainto_tsquery", term, config="simple")
                           for term in terms)
            rank = sa.func.ts_rank(documents.c.words, tsquery)
            rows = connection.execute(
                sa.select(*_shown(), sa.func.left(documents.c.body, SNIPPET_CHARS), rank)
                .where(documents.c.words.op("@@")(tsquery), documents.c.id != source)
                .order_by(rank.desc(), documents.c.id).limit(limit))
            return tuple(Hit(key, type_, title, url, escape(opening), float(score))
                         for key, type_, title, url, opening, score in rows)

    def keys(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.execute(sa.select(documents.c.key)).scalars())

    def rebuild(self, documents_: Iterable[Document],
                progress: Callable[[int], None] = lambda done: None) -> int:
        """Replace every document in one transaction: searches see the old set until commit."""
        count = 0
        with self.engine.begin() as connection:
            connection.execute(documents.delete())
            connection.execute(words.delete())
            for chunk in _chunks(documents_, BATCH):
                for doc in chunk:
                    check_facets(doc)
                _insert(connection, chunk)
                for done in range(count + 1, count + len(chunk) + 1):
                    progress(done)
                count += len(chunk)
        return count


# Writing

def _insert(connection: Connection, docs: list[Document]) -> None:
    if not docs:
        return
    words_of = _weighted("folded_title", "A").op("||")(_weighted("folded_body", "B"))
    statement = documents.insert().values(words=words_of).returning(
        documents.c.id, sort_by_parameter_order=True)
    ids = connection.execute(statement, [_row(doc) for doc in docs]).scalars().all()
    connection.execute(facets.insert(), [
        {"document_id": id_, "facet": name, "value": value}
        for id_, doc in zip(ids, docs, strict=True)
        for name, values in {"type": (doc.type,), **doc.facets}.items()
        for value in set(values)])
    seen = sorted({word for doc in docs for word in _words(f"{doc.title} {doc.body}")
                   if len(word) <= MAX_WORD})
    # Sorted, so two transactions adding the same words lock them in the same order.
    connection.execute(postgresql.insert(words).on_conflict_do_nothing(),
                       [{"word": word} for word in seen])


def _weighted(parameter: str, weight: str) -> sa.ColumnElement:
    vector = sa.func.to_tsvector(CONFIG, sa.bindparam(parameter, type_=sa.Text))
    return sa.func.setweight(vector, sa.literal_column(f"'{weight}'"))


def _row(doc: Document) -> dict:
    title, body = _clean(doc.title), _clean(doc.body)
    return {"key": doc.key, "type": doc.type, "title": title, "body": body, "url": doc.url,
            "updated": doc.updated, "folded_title": fold(title), "folded_body": fold(body)}


def _clean(text: str) -> str:
    for sentinel in (START, STOP, *STAND_INS.values()):
        text = text.replace(sentinel, "")
    return text


def fold(text: str) -> str:
    """Accents removed, as Whoosh's accent_map does: "Côte" is found by "cote"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text).lower()))


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# The public query language: words, "phrases", parentheses, AND, OR, NOT (as search.py's).
# A tree of tuples: ("word", text) ("phrase", text) ("and", [...]) ("or", [...]) ("not", node).

def parse(text: str):
    """The tree of public query text, None when it has no word; nothing else is syntax."""
    tokens = [(phrase, opening, closing, word)
              for phrase, opening, closing, word in _TOKENS.findall(text)
              if opening or closing or word or _WORD.search(phrase)]
    if not any(word or phrase for phrase, _o, _c, word in tokens):
        return None
    clauses, at = [], 0
    while at < len(tokens):
        (_and, found), at = _sequence(tokens, at)
        clauses += found
        at += 1  # past a closing parenthesis that opened nothing
    return ("and", clauses)


def _sequence(tokens: list, at: int):
    """Clauses side by side must all match, up to a closing parenthesis or the end."""
    clauses = []
    while at < len(tokens) and not tokens[at][2]:
        clause, at = _alternatives(tokens, at)
        if clause is not None:
            clauses.append(clause)
    return ("and", clauses), at


def _alternatives(tokens: list, at: int):
    """Operands of OR, which binds tighter than the implicit AND, as in Whoosh's parser."""
    options = []
    while True:
        node, at = _unary(tokens, at)
        if node is not None:
            options.append(node)
        if not (at < len(tokens) and tokens[at][3] == "OR"):
            return (("or", options) if options else None), at
        at += 1


def _unary(tokens: list, at: int):
    if at >= len(tokens) or tokens[at][2]:
        return None, at  # the end, or a closing parenthesis: the caller's to take
    phrase, opening, _closing, word = tokens[at]
    if word == "NOT":
        node, at = _unary(tokens, at + 1)
        return (("not", node) if node is not None else None), at
    if word in ("AND", "OR"):
        return None, at + 1
    if opening:
        node, at = _sequence(tokens, at + 1)
        return node, at + 1  # past the closing parenthesis, or the end
    return (("word", word) if word else ("phrase", phrase)), at + 1


def compile_query(tree) -> sa.ColumnElement | None:
    """The tree as a tsquery expression; every word is a bound parameter, never syntax."""
    if tree is None:
        return None
    kind, content = tree
    if kind == "word":
        return func_query("plainto_tsquery", content)
    if kind == "phrase":
        return func_query("phraseto_tsquery", content)
    if kind == "not":
        return sa.func.tsquery_not(compile_query(content))
    parts = [compile_query(node) for node in content]
    combine = sa.func.tsquery_and if kind == "and" else sa.func.tsquery_or
    return _combine(combine, parts) if parts else func_query("plainto_tsquery", "")


def func_query(function: str, text: str, config: str = "english") -> sa.ColumnElement:
    regconfig = CONFIG if config == "english" else sa.literal_column("'simple'::regconfig")
    return getattr(sa.func, function)(regconfig, sa.bindparam(None, fold(text).lower(),
                                                              type_=sa.Text))


def _any(parts: Iterable[sa.ColumnElement]) -> sa.ColumnElement:
    return _combine(sa.func.tsquery_or, list(parts))


def _combine(function, parts: list) -> sa.ColumnElement:
    combined = parts[0]
    for part in parts[1:]:
        combined = function(combined, part)
    return combined


# Reading

def _narrow(filters: Mapping[str, str]) -> list[sa.ColumnElement]:
    return [sa.exists().where(facets.c.document_id == documents.c.id, facets.c.facet == name,
                              facets.c.value == value)
            for name, value in filters.items() if name in GROUPS and value]


def _matched(tsquery, narrow: list) -> sa.Select:
    return sa.select(documents.c.id).where(documents.c.words.op("@@")(tsquery), *narrow)


def _facet_counts(connection: Connection, tsquery, narrow: list) -> dict[str, dict[str, int]]:
    matched = _matched(tsquery, narrow).cte("matched")
    rows = connection.execute(
        sa.select(facets.c.facet, facets.c.value, sa.func.count())
        .join(matched, matched.c.id == facets.c.document_id)
        .group_by(facets.c.facet, facets.c.value))
    counts: dict[str, dict[str, int]] = {name: {} for name in GROUPS}
    for name, value, count in sorted(rows, key=lambda row: (-row[2], row[1])):
        if name in counts:
            counts[name][value] = count
    return counts


def _shown() -> tuple:
    return documents.c.key, documents.c.type, documents.c.title, documents.c.url


def _page(connection: Connection, tsquery, narrow: list, offset: int, limit: int
          ) -> tuple[Hit, ...]:
    rank = sa.func.ts_rank(documents.c.words, tsquery).label("rank")
    ranked = (_matched(tsquery, narrow).add_columns(rank)
              .order_by(rank.desc(), documents.c.id).offset(offset).limit(limit).subquery())
    text = sa.func.translate(documents.c.body, "".join(STAND_INS), "".join(STAND_INS.values()))
    headline = sa.func.ts_headline(CONFIG, text, tsquery, HEADLINE)
    rows = connection.execute(
        sa.select(*_shown(), headline, documents.c.body, ranked.c.rank)
        .join(ranked, ranked.c.id == documents.c.id)
        .order_by(ranked.c.rank.desc(), documents.c.id))
    return tuple(Hit(key, type_, title, url, _snippet(marked, body), float(rank))
                 for key, type_, title, url, marked, body, rank in rows)


def _snippet(marked: str, body: str) -> Markup:
    """ts_headline's text escaped, then only its sentinels turned into <mark>."""
    if START not in marked:
        return escape(body[:SNIPPET_CHARS])
    safe = str(escape(marked)).replace(START, "<mark>").replace(STOP, "</mark>")
    for character, stand_in in STAND_INS.items():
        safe = safe.replace(stand_in, str(escape(character)))
    return Markup(safe)  # noqa: S704 (escaped above; our tags only)  # nosec B704


def _key_terms(source: int, count: int = 10) -> sa.Select:
    """A document's most telling lexemes: title words first, then the most frequent."""
    terms = sa.func.unnest(documents.c.words).table_valued("lexeme", "positions", "weights")
    in_title = terms.c.weights.op("@>")(sa.literal(["A"], postgresql.ARRAY(sa.Text)))
    return (sa.select(terms.c.lexeme).select_from(documents).join(terms, sa.true())
            .where(documents.c.id == source)
            .order_by(in_title.desc(), sa.func.cardinality(terms.c.positions).desc(),
                      sa.func.length(terms.c.lexeme).desc(), terms.c.lexeme)
            .limit(count))


def _suggest(connection: Connection, text: str, narrow: list) -> str | None:
    """The query with each word never indexed replaced by the closest word that was,
    when that finds matches. A table of words and difflib, not pg_trgm: that extension
    needs CREATE EXTENSION, which a managed database may not grant."""
    asked = _WORD.findall(fold(text).lower())
    known = set(connection.execute(sa.select(words.c.word).where(
        words.c.word.in_(set(asked)))).scalars()) if asked else set()
    corrected = [word if word in known else _nearest(connection, word) for word in asked]
    if corrected == asked:
        return None
    suggestion = " ".join(corrected)
    tsquery = compile_query(parse(suggestion))
    found = connection.execute(_matched(tsquery, narrow).limit(1)).first()
    return suggestion if found else None


def _nearest(connection: Connection, word: str) -> str:
    """Among indexed words of the same initial and nearly the same length, the closest."""
    candidates = connection.execute(sa.select(words.c.word).where(
        sa.func.substr(words.c.word, 1, 1) == word[0],
        sa.func.length(words.c.word).between(len(word) - 2, len(word) + 2))).scalars().all()
    closest = difflib.get_close_matches(word, candidates, n=1, cutoff=0.7)
    return closest[0] if closest else word
