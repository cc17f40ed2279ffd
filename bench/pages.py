"""Pages under load, against the ceiling: prints a table, asserts nothing.

For each data size, fills a fresh SQLite database with `flask demo`, serves it with
gunicorn (2 sync workers by default), and drives each page with wrk, first with the page
cache on and then off (cold renders); a bare Flask "hello" under the same gunicorn
settings gives the ceiling each figure is divided by. Then it times a consultation's
summary in-process and the ingest of submissions through the API.

    python bench/pages.py                         # 1k and 100k submissions, 10 s per row
    python bench/pages.py --sizes 1000 --duration 3 --issues 100 --processes 1000
"""

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PAGES = {
    "home": "/",
    "issue": "/issues/demo-issue-1",
    "process": "/processes/demo-process-1",
    "consultation": "/consultations/{consultation}",
    "process list": "/processes",
    "feed": "/feeds/updates.atom",
    "search": "/search?q=rural+access",
}
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def main() -> None:
    options = parse()
    with tempfile.TemporaryDirectory(prefix="clearinghouse-bench-") as scratch:
        hello = measure_hello(options)
        print(f"hello: {hello['rps']:.0f} requests/s, p50 {hello['p50']:.2f} ms, "
              f"p99 {hello['p99']:.2f} ms  ({options.workers} workers, "
              f"{options.connections} connections, {options.duration} s a row)\n")
        rows = {}
        for size in options.sizes:
            env = prepare(Path(scratch) / str(size), size, options)
            rows[size] = measure_site(env, options, hello)
            print_table(size, rows[size])
            print_summary_time(env)
            print_ingest(env, options, hello)
        if len(options.sizes) > 1:
            print_growth(rows, options.sizes)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000",
                        type=lambda text: [int(n) for n in text.split(",")],
                        help="submissions in each dataset")
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per row")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8190)
    return parser.parse_args()


def prepare(folder: Path, submissions: int, options) -> dict:
    folder.mkdir(parents=True)
    env = {**os.environ, "CLEARINGHOUSE_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/db.sqlite3",
           "CLEARINGHOUSE_SEARCH_INDEX_DIR": str(folder / "index"),
           "CLEARINGHOUSE_PAGE_CACHE_DIR": str(folder / "page-cache"),
           "CLEARINGHOUSE_SECRET_KEY": "bench", "BENCH_DB": str(folder / "db.sqlite3")}
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "demo", "--issues", str(options.issues), "--processes", str(options.processes),
          "--submissions", str(submissions), "--seed", "1")
    made = time.perf_counter()
    flask(env, "search", "rebuild")
    print(f"== {submissions} submissions ({options.issues} issues, {options.processes} "
          f"processes): demo data {made - started:.0f} s, search rebuild "
          f"{time.perf_counter() - made:.0f} s")
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([BIN / "flask", "--app", "clearinghouse", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)


@contextmanager
def served(app: str, env: dict, options, cwd: Path = HERE.parent):
    command = [BIN / "gunicorn", "--workers", str(options.workers), "--bind",
               f"127.0.0.1:{options.port}", "--log-level", "warning", app]
    server = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        wait_for(f"http://127.0.0.1:{options.port}/")
        yield f"http://127.0.0.1:{options.port}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def wrk(url: str, options, *extra: str) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{options.connections}", f"-d{options.duration}s", "--latency",
         *extra, url], capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for name, pattern in (("p50", r"50%\s+([\d.]+)(us|ms|s)"), ("p99", r"99%\s+([\d.]+)(us|ms|s)")):
        value, unit = re.search(pattern, output).groups()
        figures[name] = float(value) * UNIT[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["errors"] = int(errors.group(1)) if errors else 0
    return figures


def measure_hello(options) -> dict:
    with served("hello:app", dict(os.environ), options, cwd=HERE) as base:
        wrk(base + "/", options)  # warm up
        return wrk(base + "/", options)


def measure_site(env: dict, options, hello: dict) -> dict:
    consultation = biggest_closed_consultation(env["BENCH_DB"])
    urls = {name: path.format(consultation=consultation) for name, path in PAGES.items()}
    rows = {}
    for mode, cache in (("cached", "true"), ("cold", "false")):
        with served("wsgi:app", {**env, "CLEARINGHOUSE_PAGE_CACHE": cache}, options) as base:
            for name, path in urls.items():
                urlopen(base + path).read()
                rows[(name, mode)] = ratio(wrk(base + path, options), hello)
            if mode == "cached":
                etag = urlopen(base + urls["feed"]).headers["ETag"]
                rows[("feed 304", mode)] = ratio(
                    wrk(base + urls["feed"], options, "-H", f"If-None-Match: {etag}"), hello)
    return rows


def ratio(figures: dict, hello: dict) -> dict:
    return {**figures, "ratio": figures["rps"] / hello["rps"]}


def biggest_closed_consultation(path: str) -> int:
    """The closed consultation with the most submissions: an open one's page holds a form
    with a CSRF token, which is never cached, so it always renders cold."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT consultation_id FROM submissions JOIN consultations "
            "ON consultations.id = consultation_id WHERE closes_at < datetime('now') "
            "GROUP BY consultation_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]


def print_table(size: int, rows: dict) -> None:
    print(f"{'page':14} {'mode':7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× hello':>8} "
          f"{'errors':>6}")
    for (name, mode), f in rows.items():
        print(f"{name:14} {mode:7} {f['rps']:8.0f} {f['p50']:8.2f} {f['p99']:8.2f} "
              f"{f['ratio']:8.2f} {f['errors']:6d}")


def print_growth(rows: dict, sizes: list[int]) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\nt({large}) / t({small}), by p50 latency:")
    for key in rows[small]:
        growth = rows[large][key]["p50"] / rows[small][key]["p50"]
        print(f"  {key[0]:14} {key[1]:7} {growth:5.2f}")


def print_summary_time(env: dict) -> None:
    script = (
        "import time, statistics, json\n"
        "from clearinghouse import create_app\n"
        "from clearinghouse.feedback import service\n"
        "from clearinghouse.feedback.models import Submission\n"
        "from clearinghouse.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    cid, n = db.session.execute(db.select(Submission.consultation_id, db.func.count())"
        ".group_by(Submission.consultation_id).order_by(db.func.count().desc()).limit(1)).one()\n"
        "    times = []\n"
        "    for _ in range(5):\n"
        "        start = time.perf_counter(); service.summary(cid, {})\n"
        "        times.append(time.perf_counter() - start)\n"
        "    print(json.dumps([n, statistics.median(times)]))\n")
    output = subprocess.run([BIN / "python", "-c", script], env=env, capture_output=True,
                            text=True, check=True, cwd=HERE.parent).stdout
    count, seconds = json.loads(output.splitlines()[-1])
    print(f"summary of the largest consultation ({count} submissions): {seconds:.3f} s median")


INGEST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '%s'
"""


def print_ingest(env: dict, options, hello: dict) -> None:
    consultation = open_post_moderated(env["BENCH_DB"])
    body = json.dumps({"stakeholder_group": "civil_society", "country": "GH",
                       "anonymous": True, "consent_to_publish": True,
                       "comment": "Affordable access for rural communities matters most."})
    script = Path(env["BENCH_DB"]).with_name("ingest.lua")
    script.write_text(INGEST % body)
    url = f"/api/v1/consultations/{consultation}/submissions"
    limit = {"CLEARINGHOUSE_SUBMISSION_RATE_LIMIT": "1000000 per minute"}
    with served("wsgi:app", {**env, **limit}, options) as base:
        figures = wrk(base + url, options, "-s", str(script))
    print(f"ingest: {figures['rps']:.0f} submissions/s, p50 {figures['p50']:.1f} ms, "
          f"p99 {figures['p99']:.1f} ms, {figures['errors']} errors\n")


def open_post_moderated(path: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT id FROM consultations WHERE moderation = 'post' AND "
            "closes_at > datetime('now') AND opens_at < datetime('now') LIMIT 1").fetchone()[0]


if __name__ == "__main__":
    main()
