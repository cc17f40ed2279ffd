"""Nothing lost under load and faults, in small: bench/load.py's own run, with 300 submissions
from 6 clients at two gunicorn workers, one of them killed with SIGKILL midway; on SQLite, or
on a new database beside the PostgreSQL under test (the suite's own is shared)."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from clearinghouse import ROOT
from tests.conftest import POSTGRES_URL, empty_postgres_database

# Appended, not prepended: bench's script names (pages, search) must never shadow anything.
sys.path.append(str(ROOT / "bench"))
from load import run  # bench/ is no package: its scripts import each other by bare name

SUBMISSIONS = 300


@contextmanager
def fresh_database() -> Iterator[str | None]:
    """None on SQLite: the run makes its own file."""
    if POSTGRES_URL:
        with empty_postgres_database("load") as url:
            yield url
    else:
        yield None


def test_every_acknowledged_submission_survives_a_killed_worker_and_is_counted(tmp_path):
    with fresh_database() as url:
        result = run(tmp_path, url, submissions=SUBMISSIONS, clients=6, workers=2,
                     kill_after=0.5)
    assert result.problems() == [], result.log_tail
    assert result.load.sent == SUBMISSIONS
    assert len(result.load.receipts) > SUBMISSIONS // 2
    assert [at for _pid, at in result.load.killed] == [SUBMISSIONS // 2]
    assert result.respawned
