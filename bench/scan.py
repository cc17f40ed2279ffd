"""Wapiti, a web vulnerability scanner, against the seeded site signed in as staff: reflected
and stored XSS, error-based SQL injection and command execution, on every kind of page and
form. Prints how far each module got, what the site answered to each form, and every finding.

    python3 -m venv .venv-wapiti && .venv-wapiti/bin/pip install wapiti3==3.2.3
    .venv/bin/python bench/scan.py [--time-based] [--attack-time S] [--keep DIR]

Wapiti has a virtualenv of its own because it pins its dependencies exactly (SQLAlchemy,
MarkupSafe, ...) and must not move the app's. Exits 1 if it reports any vulnerability, or a
payload that made the site answer 500.
"""

import argparse
import http.cookiejar
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock
from urllib import parse, request

import _site
from _site import STAFF_EMAIL, STAFF_PASSWORD, Site, running_site
from werkzeug.exceptions import HTTPException

from clearinghouse import vocabulary
from clearinghouse.feedback.forms import HONEYPOT

WAPITI = _site.ROOT / ".venv-wapiti" / "bin" / "python"
# Wapiti, made to fill in forms as a person with a browser does. A checkbox with no value
# attribute is sent as "on", not wapiti's "default", which the site refuses: otherwise no
# payload in the feedback form would get past validation. Of a group of boxes sharing a name
# only the first is ticked: one list of values is one parameter, not one per record (a
# process form lists every issue).
LAUNCH = """
import sys
from wapitiCore.main.wapiti import wapiti_asyncio_wrapper
from wapitiCore.net import Request
from wapitiCore.parsers import html_parser

def first_of_each(params):
    kept = {}
    for name, value in params:
        kept.setdefault(name, [name, value])
    return list(kept.values())

def iter_forms(page, autofill=True):
    for form in every_form(page, autofill):
        yield Request(form.path, form.method, first_of_each(form.get_params),
                      first_of_each(form.post_params), form.file_params,
                      enctype=form.enctype, referer=form.referer, link_depth=form.link_depth)

html_parser.AUTOFILL_VALUES["checkbox"] = "on"
every_form, html_parser.Html.iter_forms = html_parser.Html.iter_forms, iter_forms
sys.argv[0] = "wapiti"
sys.exit(wapiti_asyncio_wrapper())
"""


@dataclass(frozen=True)
class Job:
    """One wapiti: what it attacks, its modules as its -m option ("-xss:post": xss without
    POST), and the paths it leaves out besides EXCLUDED."""

    title: str
    modules: str
    excluded: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [name for name in self.modules.split(",") if not name.startswith("-")]


# Wapiti attacks one request at a time, so the jobs run at once, each against a site of its
# own. Stored XSS looks for the taints that reflected XSS left in the forms; the process form
# (40 fields attacked, 48 KB answered) has a job of its own to keep the longest one short.
# Command execution can only be found where a value reaches a shell, and the site starts
# none: it attacks every link and each form's parser once, but not the process form, which
# would double the scan's time (about 70 requests a field), and which xss and sql attack.
PROCESS_FORM = "/processes/*/edit"
JOBS = [
    Job("links", "xss,-xss:post"),
    Job("forms but the process form", "xss,permanentxss,-xss:get", (PROCESS_FORM,)),
    Job("the process form", "xss,permanentxss,-xss:get",
        ("/issues/*", "/consultations/*", "/receipts/*")),
    Job("links and forms", "sql"),
    Job("links and forms but the process form, a receipt's and a new issue's", "exec",
        (PROCESS_FORM, "/receipts/*", "/issues/new")),
]
# Time-based blind SQL only finds databases that can sleep: its 218 payloads per parameter call
# sleep(), pg_sleep(), WAITFOR or BENCHMARK, none of which SQLite has.
TIME_BASED = Job("links and forms", "timesql")
# Paths not to crawl: signing out ends the session; withdrawing the seeded submission would
# close its receipt's form; the open-data downloads are files, not forms; and the forms for a
# new process and for checking a design are the edit form's parser and template again, with
# fewer of its fields.
EXCLUDED = ("/logout", "/receipts/*/withdraw", "/data/*", "/processes/new", "/processes/check")
# Query parameters dropped from the links crawled: every filter, facet, page and language link
# would be one more URL of the same handler. The GET forms that make those queries (filters,
# search, preferences) keep them all, and so are attacked once each with every parameter.
FROM_LINKS = ("page", "per_page", "type", "category", "action_line", "stakeholder_group",
              "region", "stage", "verdict", "issue", "state", "lang", "tz", "next")
# Parameters not worth a payload: a changed CSRF token is refused before any handler runs, and
# the honeypot is emptied on the way in (Recorder).
SKIPPED = ["csrf_token", HONEYPOT]
# The one anomaly that fails the scan: a payload that breaks a handler is a bug, and often the
# first sign of an injection. "Resource consumption" (a timeout) is only shown: a loaded
# two-core machine produces it too.
FAILING_ANOMALIES = {"Internal Server Error"}
VARYING = {*vocabulary.STAKEHOLDER_GROUPS, *vocabulary.REGIONS}


class ScanFailed(Exception):
    pass


class Recorder:
    """The site's WSGI app behind a layer that counts every answer by method, endpoint and
    status, and empties the feedback form's honeypot: wapiti fills in every field, as the
    bots the honeypot stops do, and a filled honeypot refuses a submission before reading it."""

    def __init__(self, app):
        self.app, self.wsgi_app = app, app.wsgi_app
        self.answers: Counter[tuple[str, str, int]] = Counter()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        method, endpoint = environ["REQUEST_METHOD"], self.endpoint(environ)
        if method == "POST":
            empty_honeypot(environ)

        def counted(status, headers, exc_info=None):
            with self.lock:
                self.answers[method, endpoint, int(status[:3])] += 1
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, counted)

    def endpoint(self, environ) -> str:
        try:
            return self.app.url_map.bind_to_environ(environ).match()[0]
        except HTTPException:
            return "(no route)"


def empty_honeypot(environ) -> None:
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    kept = b"&".join(pair for pair in body.split(b"&")
                     if not pair.startswith(f"{HONEYPOT}=".encode()))
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(kept), str(len(kept))


def recorded(recorders: list[Recorder]):
    """A patch making running_site() serve its app behind a Recorder, kept in `recorders`."""
    create_app = _site.create_app

    def create_recorded_app(config):
        app = create_app(config)
        recorders.append(Recorder(app))
        app.wsgi_app = recorders[-1]
        return app

    return mock.patch.object(_site, "create_app", create_recorded_app)


def start_pages(site: Site) -> list[str]:
    """Every kind of page, the search with every facet set (its form then carries them all),
    and the receipt, which nothing links to."""
    search = ("/search?q=access&type=process&stakeholder_group=government&region=africa"
              "&stage=deliberation&action_line=C1&verdict=partial"
              f"&issue={site.first('issues', 'slug')}")
    return [*site.public_pages(), search, *site.staff_pages()]


class FormFields(HTMLParser):
    """The names of each form's fields on a page, in order."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag == "form":
            self.forms.append([])
        elif tag in ("input", "select", "textarea") and name and self.forms:
            self.forms[-1].append(name)


def shape(name: str) -> str:
    """A field's name with its row number, stakeholder group, region or language left out."""
    return "-".join("*" if part.isdigit() or part in VARYING or re.fullmatch("[a-z]{2}", part)
                    else part for part in name.split("-"))


def repeated_fields(site: Site) -> list[str]:
    """The fields that repeat an earlier field of their form for another row, stakeholder
    group, region or language (a process form has 25 cells of participants and of each
    chamber): one parser and one template read them all, so the first of each is attacked."""
    browser = request.build_opener(request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = browser.open(f"{site.base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)[1]
    browser.open(f"{site.base}/login", parse.urlencode(
        {"csrf_token": token, "email": STAFF_EMAIL, "password": STAFF_PASSWORD}).encode())
    repeated = set()
    for path in start_pages(site):
        fields = FormFields()
        fields.feed(browser.open(site.base + path).read().decode())
        for names in fields.forms:
            seen = set()
            for name in dict.fromkeys(names):
                if shape(name) in seen:
                    repeated.add(name)
                seen.add(shape(name))
    return sorted(repeated)


def command(job: Job, site: Site, skipped: list[str], folder: Path, args) -> list[str]:
    """Depth 1 from every kind of page: each form once, not once per record."""
    def each(option: str, values) -> list[str]:
        return [part for value in values for part in (option, value)]

    return [
        str(args.wapiti), "-c", LAUNCH, "--url", f"{site.base}/", "--scope", "folder",
        "--module", job.modules, "--form-url", f"{site.base}/login",
        "--form-user", STAFF_EMAIL, "--form-password", STAFF_PASSWORD,
        *each("--start", (site.base + path for path in start_pages(site))),
        *each("--exclude", (site.base + path for path in EXCLUDED + job.excluded)),
        *each("--skip", skipped), *each("--remove", FROM_LINKS),
        "--depth", "1", "--scan-force", "paranoid",  # a few URLs per set of query parameters
        "--max-scan-time", str(args.crawl_time), "--max-attack-time", str(args.attack_time),
        "--timeout", str(args.timeout), "--tasks", "4",
        "--flush-session", "--store-session", str(folder), "--store-config", str(folder),
        "--no-bugreport", "--format", "json", "--output", str(folder / "report.json"),
    ]


@dataclass
class Outcome:
    line: str
    findings: list[str]
    answers: Counter


def scan_job(job: Job, args) -> Outcome:
    """One wapiti against a site of its own, served from this process: each site's server has
    a core's worth of Python to itself, and no job sees another's payloads."""
    recorders: list[Recorder] = []
    with tempfile.TemporaryDirectory(prefix="clearinghouse-scan-") as scratch, \
            recorded(recorders), running_site() as site:
        folder = (args.keep or Path(scratch)) / f"{job.modules} {job.title}"
        folder.mkdir(parents=True, exist_ok=True)
        skipped = SKIPPED + repeated_fields(site)
        started = time.monotonic()
        with (folder / "wapiti.log").open("w") as log:
            try:
                done = subprocess.run(command(job, site, skipped, folder, args), stdout=log,
                                      stderr=subprocess.STDOUT, check=False,
                                      timeout=args.crawl_time + args.attack_time * 2 + 120)
            except subprocess.TimeoutExpired as error:
                raise ScanFailed(f"wapiti -m {job.modules} ran past {error.timeout} s") from None
        if done.returncode or not (folder / "report.json").exists():
            raise ScanFailed(f"wapiti -m {job.modules} exited with {done.returncode} and no "
                             "report:\n" + (folder / "wapiti.log").read_text()[-3000:])
        line, findings = check(job, folder, time.monotonic() - started)
    return Outcome(line, findings, recorders[0].answers)


def check(job: Job, folder: Path, seconds: float) -> tuple[str, list[str]]:
    """A line about the job, and its findings; refuses a run in which a module did not run,
    or stopped before the end."""
    report = json.loads((folder / "report.json").read_text())
    log = (folder / "wapiti.log").read_text()
    missing = [name for name in job.names if f"Launching module {name}\n" not in log]
    if missing or not report["infos"].get("auth", {}).get("logged_in"):
        raise ScanFailed(f"wapiti -m {job.modules}: {missing} did not run, or the sign-in "
                         f"failed:\n{log[-3000:]}")
    links, forms, attacked = coverage(folder)
    expected = {name: (0 if f"-{name}:get" in job.modules else links)
                + (0 if f"-{name}:post" in job.modules else forms) for name in job.names}
    short = [f"{name} attacked {attacked[name]} of {count}"
             for name, count in expected.items() if attacked[name] < count]
    if short:
        raise ScanFailed(f"wapiti -m {job.modules}: {', '.join(short)} before --attack-time "
                         f"({job.title}); a handler may have become slow")
    line = (f"  {', '.join(job.names)} in {job.title} ({seconds:.0f} s): found {links} links "
            f"and {forms} forms, attacked all")
    line += "".join(f"\n    (not failing) {category}: {item['method']} {item['path']} "
                    f"[{item['parameter']}]" for category, items in report["anomalies"].items()
                    if category not in FAILING_ANOMALIES for item in items)
    findings = [f"{category}: {item['method']} {item['path']} [{item['parameter']}] "
                f"{item['info']}"
                for section, failing in (("vulnerabilities", None),
                                         ("anomalies", FAILING_ANOMALIES))
                for category, items in report[section].items()
                if failing is None or category in failing for item in items]
    return line, findings


def coverage(folder: Path) -> tuple[int, int, Counter]:
    """From wapiti's session: the links and forms it found, and how many of them each module
    finished attacking (one that ran out of time stops short)."""
    [session] = folder.glob("*.db")
    with closing(sqlite3.connect(session)) as db:
        links, forms = db.execute("SELECT count(*) FILTER (WHERE method = 'GET'), "
                                  "count(*) FILTER (WHERE method = 'POST') "
                                  "FROM paths WHERE NOT evil").fetchone()
        attacked = Counter(dict(db.execute(
            "SELECT module, count(DISTINCT path_id) FROM attack_logs GROUP BY module")))
    return links, forms, attacked


def forms_reached(answers: Counter) -> list[str]:
    """One line per endpoint posted to, with how many answers of each status."""
    by_endpoint: dict[str, Counter] = {}
    for (method, endpoint, status), count in answers.items():
        if method == "POST":
            by_endpoint.setdefault(endpoint, Counter())[status] += count
    return [f"  {endpoint}: " + ", ".join(f"{status} ×{count}"
                                          for status, count in sorted(statuses.items()))
            for endpoint, statuses in sorted(by_endpoint.items())]


def scan(args) -> int:
    jobs = JOBS + ([TIME_BASED] if args.time_based else [])
    started = time.monotonic()
    with ProcessPoolExecutor(len(jobs)) as pool:
        outcomes = list(pool.map(scan_job, jobs, [args] * len(jobs)))
    answers = sum((outcome.answers for outcome in outcomes), Counter())
    findings = [finding for outcome in outcomes for finding in outcome.findings]
    print(f"wapiti {len(jobs)} times at once, signed in as {STAFF_EMAIL}: "
          f"{time.monotonic() - started:.0f} s, {sum(answers.values())} requests answered",
          *(outcome.line for outcome in outcomes), sep="\n")
    print("POSTs answered, by endpoint (303 stored, 409 and 422 refused by the service, "
          "400 refused before the view, 500 broken):", *forms_reached(answers), sep="\n")
    print(*findings, sep="\n")
    print(f"{len(findings)} findings.")
    return 1 if findings else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wapiti", type=Path, default=WAPITI,
                        help="the Python that has wapiti3 installed")
    parser.add_argument("--time-based", action="store_true",
                        help="add time-based blind SQL (for databases that can sleep)")
    parser.add_argument("--crawl-time", type=int, default=120,
                        help="seconds of crawling at most (it takes about 10)")
    # The process form's job took 285 s on a two-core machine running all five at once, and
    # over 300 s in a CI run: a cap, not a duration, so headroom costs a fast run nothing.
    parser.add_argument("--attack-time", type=int, default=450,
                        help="seconds each module may attack before the scan fails")
    parser.add_argument("--timeout", type=int, default=5, help="seconds to wait for an answer")
    parser.add_argument("--keep", type=Path, help="a folder to keep wapiti's reports and logs in")
    args = parser.parse_args()
    if not args.wapiti.exists():
        sys.exit(f"{args.wapiti} is missing: python3 -m venv .venv-wapiti && "
                 ".venv-wapiti/bin/pip install wapiti3==3.2.3")
    # Wapiti posts the sign-in form too, with its own values, many times over.
    os.environ["CLEARINGHOUSE_LOGIN_RATE_LIMIT"] = "10000 per minute"
    try:
        return scan(args)
    except ScanFailed as error:
        sys.exit(str(error))


if __name__ == "__main__":
    sys.exit(main())
