"""The PostgreSQL backend's own parts: its reading of the public query language, its choice."""

import pytest

from clearinghouse import indexing
from clearinghouse.extensions import db
from clearinghouse.search_postgres import parse


@pytest.mark.parametrize(("text", "tree"), [
    ("privacy", ("and", [("or", [("word", "privacy")])])),
    ("apple banana OR cherry",  # OR binds tighter than the implicit AND, as in Whoosh
     ("and", [("or", [("word", "apple")]), ("or", [("word", "banana"), ("word", "cherry")])])),
    ("apple NOT banana", ("and", [("or", [("word", "apple")]),
                                  ("or", [("not", ("word", "banana"))])])),
    ('"data flows" (a OR b)',
     ("and", [("or", [("phrase", "data flows")]),
              ("or", [("and", [("or", [("word", "a"), ("word", "b")])])])])),
])
def test_the_public_query_language_reads_words_phrases_groups_and_operators(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize("text", ["k*", "title:x", "spam^5", "[a TO z]", "/ken.*/"])
def test_every_other_character_only_separates_words(text):
    words = [node[1] for clause in parse(text)[1] for node in clause[1]]
    assert all(word.isalnum() for word in words)


@pytest.mark.parametrize("text", ["", "  ", "?*:()[]^~", "OR AND NOT", ")) spam ((", "spam OR"])
def test_unbalanced_or_empty_queries_parse_without_error(text):
    tree = parse(text)
    assert tree is None or tree[0] == "and"


def test_the_postgres_backend_refuses_a_database_that_is_not_postgresql(app):
    app.config["SEARCH_BACKEND"] = "postgres"
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            pytest.skip("this database is PostgreSQL")
        with pytest.raises(ValueError, match="needs a PostgreSQL database"):
            indexing.index()
