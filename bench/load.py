"""Nothing lost under load and faults: many clients send feedback to gunicorn, one worker is
killed with SIGKILL midway, and then every submission answered 201 must be in the database,
under the receipt it was answered with, and counted by the consultation's summary.

    .venv/bin/python bench/load.py                       # 10,000 submissions, 16 clients, SQLite
    .venv/bin/python bench/load.py --submissions 2000 --clients 8 --workers 2 --kill-after 0.3
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/ch_load

The instance is made through the CLI as bench/_site.py makes it (migrate, seed, index), in a
temporary SQLite file unless --database-url names a database, which must exist and be empty
(no tables): the script never creates or drops a database, and leaves that one as the run
left it, to look at afterwards. Linux only (it finds gunicorn's workers in /proc).

A request whose connection broke (the killed worker's) is counted as a connection error, not
acknowledged: its client cannot know whether it was stored. Prints a table; exits 1 if an
acknowledged submission is missing or has another receipt, if any answer was a 5xx or another
refusal, or if the summary and its tallies do not count what is stored.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import gunicorn as gunicorn_package
from _site import ROOT, add_consultation, create_app, prepare
from sqlalchemy import create_engine, inspect

from clearinghouse import activity, vocabulary
from clearinghouse.auth.service import hash_token
from clearinghouse.extensions import db
from clearinghouse.feedback import service as feedback
from clearinghouse.feedback import tallies
from clearinghouse.feedback.models import Submission

STARTUP_SECONDS = 30
RESPAWN_SECONDS = 15
REQUEST_TIMEOUT = 60
# From 25.1 gunicorn opens a control socket in ~/.gunicorn, shared by every server of the user.
NO_CONTROL_SOCKET = ["--no-control-socket"] if gunicorn_package.version_info >= (25, 1) else []
GROUPS = tuple(vocabulary.STAKEHOLDER_GROUPS)
COUNTRIES = tuple(sorted(vocabulary.COUNTRIES))  # every region, over a few hundred submissions
WORDS = ("affordability", "spectrum", "devices", "literacy", "content", "rural", "towers",
         "satellites", "libraries", "tariffs", "languages", "accessibility", "electricity")
CAMPAIGN = "Connect every school by 2030: affordable access is a right, not a privilege."


def main() -> None:
    options = parse()
    if options.database_url:
        require_empty(options.database_url)
    with tempfile.TemporaryDirectory(prefix="clearinghouse-load-") as folder:
        result = run(Path(folder), options.database_url, submissions=options.submissions,
                     clients=options.clients, workers=options.workers,
                     kill_after=options.kill_after)
    print(table(result))
    if result.problems():
        print("\nproblems:", *result.problems(), sep="\n  ")
        print("\ngunicorn's log, the end:\n" + result.log_tail, file=sys.stderr)
        sys.exit(1)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16, help="concurrent senders")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite "
                        "file)")
    parser.add_argument("--kill-after", type=float, default=0.5,
                        help="the fraction sent before one worker is killed (1 kills none)")
    return parser.parse_args()


def require_empty(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        sys.exit(f"{engine.url.render_as_string()} holds tables ({', '.join(sorted(tables)[:5])}"
                 ", ...): name an empty database.")


@dataclass
class Load:
    """What the clients saw: one entry per submission sent."""

    sent: int = 0
    receipts: dict[int, str] = field(default_factory=dict)  # acknowledged id → receipt token
    statuses: Counter = field(default_factory=Counter)  # every HTTP status answered
    broken: Counter = field(default_factory=Counter)  # connection errors, by exception
    killed: list[tuple[int, int]] = field(default_factory=list)  # (worker pid, at submission)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answered(self, status: int, body: bytes) -> None:
        with self.lock:
            self.sent += 1
            self.statuses[status] += 1
            if status == 201:
                created = json.loads(body)
                self.receipts[created["id"]] = created["receipt_url"].rsplit("/", 1)[1]

    def failed(self, error: Exception) -> None:
        with self.lock:
            self.sent += 1
            self.broken[type(error).__name__] += 1


@dataclass(frozen=True)
class Stored:
    """What the database holds afterwards, checked against what the clients were told."""

    acknowledged_found: int
    lost: list[int]
    wrong_receipts: list[int]
    unacknowledged: int  # stored, though its client was never told (a broken connection)
    counted: int  # stored submissions the summary must count (accepted ones)
    summary_total: int
    matrix_matches: bool  # the summary's group × region cells equal a count of the rows
    tallies_match_recount: bool  # the running tallies equal a rebuild from the rows
    log_break: str | None  # the first activity event whose hash or link is wrong


@dataclass(frozen=True)
class Result:
    load: Load
    stored: Stored
    workers: int
    respawned: bool
    log_tail: str

    def problems(self) -> list[str]:
        load, stored, refused = self.load, self.stored, self.refusals()
        checks = [
            (not load.receipts, "no submission was acknowledged"),
            (stored.lost, f"{len(stored.lost)} acknowledged submissions are not stored, "
                          f"e.g. {stored.lost[:5]}"),
            (stored.wrong_receipts, f"{len(stored.wrong_receipts)} are stored under another "
                                    f"receipt, e.g. {stored.wrong_receipts[:5]}"),
            (refused, f"{refused.total()} answers were not 201: {dict(refused)}"),
            (stored.summary_total != stored.counted,
             f"the summary counts {stored.summary_total} of {stored.counted}"),
            (not stored.matrix_matches, "the summary's matrix differs from the stored rows"),
            (not stored.tallies_match_recount, "the tallies differ from a recount"),
            (stored.log_break, f"the activity log is broken: {stored.log_break}"),
            (not self.respawned, f"gunicorn did not get back to {self.workers} workers"),
        ]
        return [message for failed, message in checks if failed]

    def refusals(self) -> Counter:
        return Counter({s: n for s, n in self.load.statuses.items() if s != 201})


def run(instance: Path, database_url: str | None = None, *, submissions: int, clients: int,
        workers: int, kill_after: float) -> Result:
    """Prepare an instance, load it while killing a worker, stop it, and check the database."""
    config = {**prepare(instance, database_url),
              "SUBMISSION_RATE_LIMIT": "1000000 per minute",  # one address sends everything
              "PAGE_CACHE_DIR": str(instance / "page-cache")}
    consultation_id, questions, earlier = open_consultation(config)
    log = instance / "gunicorn.log"
    with gunicorn(config, workers, log, f"/api/v1/consultations/{consultation_id}") as server:
        path = f"/api/v1/consultations/{consultation_id}/submissions"
        load = drive(server, path, questions, submissions, clients,
                     kill_at=int(submissions * kill_after))
        respawned = wait_for_workers(server.pid, workers)
    stored = check(config, consultation_id, load.receipts, earlier)
    return Result(load, stored, workers, respawned, tail(log))


def open_consultation(config: dict) -> tuple[int, list[dict], set[int]]:
    """bench/_site.py's open consultation: its id, its questions, and the submission it
    comes with."""
    app = create_app(config)
    receipt = add_consultation(app)
    with app.app_context():
        first = feedback.find_receipt(receipt)
        found = first.consultation_id, first.consultation.questions, {first.id}
        db.session.remove()
        db.engine.dispose()
    return found


@dataclass(frozen=True)
class Server:
    pid: int
    host: str
    port: int


@contextmanager
def gunicorn(config: dict, workers: int, log: Path, ready_path: str):
    """gunicorn serving wsgi:app on a free loopback port, answering `ready_path`; stopped
    afterwards."""
    port = free_port()
    env = {**os.environ, **{f"CLEARINGHOUSE_{key}": value for key, value in config.items()}}
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class",
               "sync", "--bind", f"127.0.0.1:{port}", *NO_CONTROL_SOCKET, "wsgi:app"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
    try:
        server = Server(process.pid, "127.0.0.1", port)
        wait_until_ready(process, server, ready_path, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_ready(process: subprocess.Popen, server: Server, path: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()}")
        try:
            if request(server, "GET", path)[0] == 200:
                return
        except (OSError, http.client.HTTPException):  # not listening yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def request(server: Server, method: str, path: str, body: dict | None = None
            ) -> tuple[int, bytes]:
    """One request on a new connection (sync workers close each one): (status, body)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=REQUEST_TIMEOUT)
    try:
        data = None if body is None else json.dumps(body)
        connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def drive(server: Server, path: str, questions: list[dict], submissions: int, clients: int,
          kill_at: int) -> Load:
    """Send `submissions` from `clients` threads; kill one worker as submission `kill_at`
    is about to be sent."""
    load, turns, turn_lock = Load(), iter(range(submissions)), threading.Lock()

    def client() -> None:
        while True:
            with turn_lock:
                n = next(turns, None)
            if n is None:
                return
            if n == kill_at:
                load.killed.append((kill_a_worker(server.pid), n))
            try:
                load.answered(*request(server, "POST", path, submission(n, questions)))
            except (OSError, http.client.HTTPException) as error:  # reset, refused, timed out
                load.failed(error)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for running in [pool.submit(client) for _ in range(clients)]:
            running.result()  # anything unexpected in a client stops the run here
    load.elapsed = time.perf_counter() - started
    return load


def submission(n: int, questions: list[dict]) -> dict:
    """The n-th submitter's feedback: every group, region and answer occurs, some withhold
    consent or stay anonymous, and one in ten signs the same campaign text."""
    anonymous, campaign = n % 3 == 0, n % 10 == 0
    words = f"{WORDS[n % len(WORDS)]} and {WORDS[n // len(WORDS) % len(WORDS)]}"
    return {
        "stakeholder_group": GROUPS[n % len(GROUPS)],
        "country": COUNTRIES[n * 7 % len(COUNTRIES)],
        "anonymous": anonymous, "name": "" if anonymous else f"Submitter {n}",
        "answers": answers(n, questions, text=not campaign),
        "comment": CAMPAIGN if campaign else f"Submission {n}: {words} matter most here.",
        "comments": [] if campaign or n % 4 else [{"section": "1", "text": f"On {words}."}],
        "language": "en", "consent_to_publish": n % 5 != 4,
    }


def answers(n: int, questions: list[dict], *, text: bool) -> dict:
    """An answer to each structured question, varied by n; text answers only when `text`
    (a campaign's signatories send identical texts)."""
    chosen = {}
    for question in questions:
        options = question.get("options", [])
        if question["kind"] == "scale":
            chosen[question["id"]] = 1 + n % 5
        elif question["kind"] == "single":
            chosen[question["id"]] = options[n % len(options)]
        elif question["kind"] == "multiple":
            picked = [o for i, o in enumerate(options) if (n + 1) >> i & 1]
            chosen[question["id"]] = picked or options[:1]
        elif text and n % 2:
            chosen[question["id"]] = f"Answer {n} on {WORDS[n % len(WORDS)]}."
    return chosen


def worker_pids(master: int) -> list[int]:
    """The master's living children, from the state and parent pid in each /proc/<pid>/stat;
    a killed worker stays a zombie child until the master reaps it."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:  # ended since the listing
            continue
        if int(parent) == master and state != "Z":
            pids.append(int(stat.parent.name))
    return sorted(pids)


def kill_a_worker(master: int) -> int:
    """SIGKILL one worker, mid-request as likely as not: the master starts another."""
    victim = worker_pids(master)[0]
    os.kill(victim, signal.SIGKILL)
    return victim


def wait_for_workers(master: int, workers: int) -> bool:
    """Whether the master is back to `workers` workers."""
    deadline = time.monotonic() + RESPAWN_SECONDS
    while len(worker_pids(master)) < workers:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def check(config: dict, consultation_id: int, receipts: dict[int, str],
          earlier: set[int]) -> Stored:
    """Open the database with the app, the server stopped, and compare with what the clients
    were told; `earlier` were stored before the load."""
    app = create_app(config)
    with app.app_context():
        try:
            return compare(consultation_id, receipts, earlier)
        finally:
            db.session.remove()
            db.engine.dispose()


def compare(consultation_id: int, receipts: dict[int, str], earlier: set[int]) -> Stored:
    rows = db.session.execute(
        db.select(Submission.id, Submission.receipt_hash, Submission.status,
                  Submission.stakeholder_group, Submission.region)
        .where(Submission.consultation_id == consultation_id)).all()
    hashes = {row.id: row.receipt_hash for row in rows}
    cells = Counter((row.stakeholder_group, row.region) for row in rows
                    if row.status == tallies.COUNTED)
    summary = feedback.summary(consultation_id, {})
    matrix = Counter({(group, region): n for group, regions in summary["matrix"].items()
                      for region, n in regions.items() if n})
    broken = activity.verify_log()
    return Stored(
        acknowledged_found=len(receipts.keys() & hashes.keys()),
        lost=sorted(receipts.keys() - hashes.keys()),
        wrong_receipts=sorted(i for i, token in receipts.items()
                              if i in hashes and hashes[i] != hash_token(token)),
        unacknowledged=len(hashes.keys() - receipts.keys() - earlier),
        counted=cells.total(), summary_total=summary["total"], matrix_matches=matrix == cells,
        tallies_match_recount=tallies_match_recount(consultation_id),
        log_break=str(broken) if broken else None)


def tallies_match_recount(consultation_id: int) -> bool:
    """Rebuild the tallies from the rows in a transaction that is rolled back, and compare."""
    def counts() -> dict:
        found = db.session.execute(
            db.select(tallies.Tally.kind, tallies.Tally.key, tallies.Tally.stakeholder_group,
                      tallies.Tally.region, tallies.Tally.count)
            .where(tallies.Tally.consultation_id == consultation_id)).all()
        return {tuple(row[:-1]): row[-1] for row in found if row[-1]}  # an amend may leave 0s

    kept = counts()
    try:
        tallies.recount(db.session, [consultation_id])
        return counts() == kept
    finally:
        db.session.rollback()


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def table(result: Result) -> str:
    load, stored = result.load, result.stored
    refused = result.refusals()
    server_errors = Counter({status: n for status, n in refused.items() if status >= 500})
    killed = ", ".join(f"pid {pid} at submission {n:,}" for pid, n in load.killed) or "none"
    rows = [
        ("sent", f"{load.sent:,}"),
        ("acknowledged (201)", f"{len(load.receipts):,}"),
        ("stored, of those", f"{stored.acknowledged_found:,}"),
        ("lost", f"{len(stored.lost):,}"),
        ("5xx", f"{server_errors.total():,}" + describe(server_errors)),
        ("connection errors", f"{load.broken.total():,}" + describe(load.broken)),
        ("elapsed", f"{load.elapsed:.1f} s"),
        ("rate", f"{len(load.receipts) / load.elapsed:,.0f} acknowledged/s"),
        ("other refusals", f"{(refused - server_errors).total():,}"
                           + describe(refused - server_errors)),
        ("stored, not acknowledged", f"{stored.unacknowledged:,}"),
        ("summary total / counted", f"{stored.summary_total:,} / {stored.counted:,}"),
        ("summary matrix = rows", yes(stored.matrix_matches)),
        ("tallies = recount", yes(stored.tallies_match_recount)),
        ("activity log chain", stored.log_break or "intact"),
        ("worker killed", killed),
        (f"back to {result.workers} workers", yes(result.respawned)),
    ]
    return "\n".join(f"{name:26} {value}" for name, value in rows)


def describe(counts: Counter) -> str:
    return f"  ({', '.join(f'{k} {n}' for k, n in counts.most_common())})" if counts else ""


def yes(value: bool) -> str:
    return "yes" if value else "NO"


if __name__ == "__main__":
    main()
