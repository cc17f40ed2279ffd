"""Search latency at scale: p50/p95 through the service next to raw Whoosh, and PostgreSQL.

    .venv/bin/python bench/search.py                      # 100,000 synthetic documents
    .venv/bin/python bench/search.py --documents 20000 --database-url postgresql+psycopg://...
    .venv/bin/python bench/search.py --from-database sqlite:///instance/clearinghouse.sqlite3

Prints figures; asserts nothing. The documents are synthetic (below) unless
--from-database names a database filled by `flask --app clearinghouse demo`, whose
records are then read as the indexer reads them. Queries are one, two and three words
drawn from the documents' own vocabulary, alone and narrowed by three facet filters.
"Raw" is Whoosh called directly on the same index: the top 20 with FieldFacet counts of
every facet (what the service did before), and the top 20 with no counts at all.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh import sorting

from clearinghouse import search
from clearinghouse.search import FACETS, Document

REGIONS = ["africa", "asia_pacific", "eastern_europe", "latin_america_caribbean",
           "western_europe_others"]
GROUPS = ["government", "private_sector", "civil_society", "technical_academic",
          "intergovernmental"]
STAGES = ["proposed", "agenda_setting", "deliberation", "implementation", "delegated",
          "concluded"]
VERDICTS = ["meets", "partial", "fails", "unknown"]
LINES = [f"C{n}" for n in range(1, 12)]
TOPICS = ["jurisdiction", "privacy", "spam", "encryption", "spectrum", "satellite", "access",
          "broadband", "cybersecurity", "interoperability", "multistakeholder", "accountability",
          "transparency", "governance", "standards", "content", "moderation", "children",
          "safety", "data", "protection", "trade", "telecommunications", "infrastructure",
          "connectivity", "rural", "affordability", "language", "identity", "rights",
          "surveillance", "competition", "platforms", "algorithms", "election", "misinformation",
          "domain", "names", "routing", "security", "resilience", "cables"]
FILTERS = {"type": "submission", "region": "africa", "stakeholder_group": "civil_society"}


def synthetic(count: int, seed: int) -> list[Document]:
    """Documents shaped like the registry's: 1 % issues, 10 % processes, the rest feedback."""
    rng = random.Random(seed)
    filler = ["".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(3, 10)))
              for _ in range(6000)]
    weights = [1 / (rank + 1) for rank in range(len(filler))]  # Zipf-like, as prose is
    issues = [f"issue-{n}" for n in range(max(count // 100, 1))]
    when = datetime(2026, 1, 1, tzinfo=UTC)
    documents = []
    for number in range(count):
        kind = "issue" if number % 100 == 0 else "process" if number % 10 == 1 else "submission"
        words = rng.choices(filler, weights, k=rng.randint(30, 120)) + rng.sample(TOPICS, 3)
        rng.shuffle(words)
        facets = {"region": tuple(rng.sample(REGIONS, rng.randint(1, 2))),
                  "stakeholder_group": tuple(rng.sample(GROUPS, rng.randint(1, 3))),
                  "issue": tuple(rng.sample(issues, min(len(issues), rng.randint(1, 2)))),
                  "action_line": tuple(rng.sample(LINES, rng.randint(1, 3)))}
        if kind == "process":
            facets |= {"stage": (rng.choice(STAGES),), "verdict": (rng.choice(VERDICTS),)}
        title = " ".join(rng.sample(TOPICS, 2) + rng.choices(filler, weights, k=2)).title()
        documents.append(Document(f"{kind}:{number}", kind, title, " ".join(words),
                                  f"/{kind}s/{number}", facets, when))
    return documents


def from_database(url: str) -> list[Document]:
    from clearinghouse import create_app, indexing

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        return list(indexing.every_document())


def queries(documents: list[Document], seed: int, each: int) -> dict[str, list[str]]:
    """One-, two- and three-word queries of words the documents use often enough to matter."""
    rng = random.Random(seed)
    sample = rng.sample(documents, min(len(documents), 2000))
    pool = sorted({word.lower() for doc in sample for word in doc.body.split()
                   if len(word) > 3})
    pool = [word for word in pool if word in TOPICS] * 3 + rng.sample(pool, min(len(pool), 200))
    return {f"{n} word{'s' * (n > 1)}": [" ".join(rng.sample(pool, n)) for _ in range(each)]
            for n in (1, 2, 3)}


def percentiles(seconds: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(seconds, n=20, method="inclusive")
    return statistics.median(seconds) * 1000, cuts[18] * 1000


def timed(call, texts: list[str]) -> list[float]:
    spent = []
    for text in texts:
        start = time.perf_counter()
        call(text)
        spent.append(time.perf_counter() - start)
    return spent


def raw_whoosh(index: search.Index, filters: dict, facets: bool):
    """Whoosh by hand on the same folder: parse, top 20, optionally FieldFacet counts."""
    groups = {"type": sorting.FieldFacet("type")} | {
        name: sorting.FieldFacet(name, allow_overlap=True) for name in FACETS}
    narrow = search._filter(filters)

    def call(text: str):
        with index._searcher() as searcher:
            found = searcher.search(search._PARSER.parse(text), limit=20, filter=narrow,
                                    groupedby=groups if facets else None)
            [hit.fields() for hit in found]
            return len(found), [found.groups(name) for name in groups] if facets else None
    return call


def row(label: str, service: list[float], others: list[list[float]]) -> str:
    p50, p95 = percentiles(service)
    cells = [f"{label:<30} {p50:7.1f} {p95:7.1f}"]
    for other in others:
        o50, o95 = percentiles(other)
        cells.append(f"{o50:7.1f} {o95:7.1f} {p95 / o95:6.2f}")
    return "  ".join(cells)


def bench_whoosh(documents, asked, folder: Path, runs: int) -> None:
    index = search.Index(folder / "index")
    start = time.perf_counter()
    index.rebuild(documents)
    spent = time.perf_counter() - start
    print(f"Whoosh rebuild: {len(documents)} documents in {spent:.1f} s "
          f"({len(documents) / spent:.0f}/s)")
    print(f"\n{'Whoosh, ms':<30} {'service':>15}  {'raw + FieldFacet counts':>22}"
          f"  {'raw, no counts':>22}")
    print(f"{'':<30} {'p50':>7} {'p95':>7}  {'p50':>7} {'p95':>7} {'ratio':>6}"
          f"  {'p50':>7} {'p95':>7} {'ratio':>6}")
    for filters in ({}, FILTERS):
        cold = []
        for kind, texts in asked.items():
            label = f"{kind}{', 3 filters' if filters else ''}"
            cold += timed(lambda text: index.search(text, filters), texts)  # noqa: B023
            service = [t for _ in range(runs)
                       for t in timed(lambda text: index.search(text, filters), texts)]  # noqa: B023
            faceted = [t for _ in range(runs) for t in timed(raw_whoosh(index, filters, True),
                                                              texts)]
            plain = [t for _ in range(runs) for t in timed(raw_whoosh(index, filters, False),
                                                            texts)]
            print(row(label, service, [faceted, plain]))
        p50, p95 = percentiles(cold)
        print(f"{'  first run of each query':<30} {p50:7.1f} {p95:7.1f}")


def bench_postgres(documents, asked, url: str, runs: int) -> None:
    from sqlalchemy import create_engine

    from clearinghouse import search_postgres

    engine = create_engine(url)
    tables = [search_postgres.documents, search_postgres.facets, search_postgres.words]
    search_postgres.db.metadata.create_all(engine, tables=tables)
    index = search_postgres.Index(engine)
    start = time.perf_counter()
    index.rebuild(documents)
    spent = time.perf_counter() - start
    print(f"\nPostgreSQL rebuild: {len(documents)} documents in {spent:.1f} s")
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE search_documents; ANALYZE search_facets")
    print(f"{'PostgreSQL, ms':<30} {'p50':>7} {'p95':>7}")
    for filters in ({}, FILTERS):
        for kind, texts in asked.items():
            label = f"{kind}{', 3 filters' if filters else ''}"
            spent = [t for _ in range(runs)
                     for t in timed(lambda text: index.search(text, filters), texts)]  # noqa: B023
            p50, p95 = percentiles(spent)
            print(f"{label:<30} {p50:7.1f} {p95:7.1f}")
    related = timed(lambda key: index.related(key), [d.key for d in documents[:: len(documents)
                                                                             // 50][:50]])
    p50, p95 = percentiles(related)
    print(f"{'related (more-like-this)':<30} {p50:7.1f} {p95:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--queries", type=int, default=20, help="of each length")
    parser.add_argument("--runs", type=int, default=2, help="timed passes after the first")
    parser.add_argument("--from-database", help="read documents from this app database")
    parser.add_argument("--database-url", help="also bench the PostgreSQL backend here")
    args = parser.parse_args()
    documents = (from_database(args.from_database) if args.from_database
                 else synthetic(args.documents, args.seed))
    asked = queries(documents, args.seed, args.queries)
    print(f"{len(documents)} documents; {args.queries} queries of each length; "
          f"filters {FILTERS}")
    with tempfile.TemporaryDirectory() as folder:
        bench_whoosh(documents, asked, Path(folder), args.runs)
    if args.database_url:
        bench_postgres(documents, asked, args.database_url, args.runs)


if __name__ == "__main__":
    main()
