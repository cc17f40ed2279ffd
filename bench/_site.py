"""The site as a reader meets it, for the checks in bench/: a temporary instance made with the
CLI (migrate, seed, index), one open consultation with feedback, and a live server."""

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug.serving import make_server

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clearinghouse import create_app  # noqa: E402 — the checkout, not an installed copy

STAFF_EMAIL = "a11y-admin@example.org"
STAFF_PASSWORD = "a long enough passphrase for checks"  # a throwaway instance


def flask(env: dict, *args: str, stdin: str | None = None) -> str:
    command = [sys.executable, "-m", "flask", "--app", "clearinghouse", *args]
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True,
                          cwd=ROOT, check=False)
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(instance: Path, database_url: str | None = None) -> dict:
    """Migrate, seed, index and add a staff account through the CLI; the config it used.

    The database is a new SQLite file in `instance` unless `database_url` names an empty one."""
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance / 'site.sqlite3'}",
        "SEARCH_INDEX_DIR": str(instance / "search-index"),
        "SECRET_KEY": "bench-only",
        "SUBMISSION_RATE_LIMIT": "10000 per minute",
    }
    env = {**os.environ, **{f"CLEARINGHOUSE_{key}": value for key, value in config.items()}}
    for step in (["db", "upgrade"], ["seed"], ["search", "rebuild"]):
        print("flask", *step, file=sys.stderr)
        flask(env, *step)
    flask(env, "users", "create", STAFF_EMAIL, "--role", "admin", "--name", "Checker",
          "--password-stdin", stdin=STAFF_PASSWORD + "\n")
    return config


def add_consultation(app) -> str:
    """An open consultation on the first process, with one published submission; its receipt."""
    from clearinghouse.auth.permissions import SYSTEM
    from clearinghouse.feedback import service as feedback
    from clearinghouse.processes import service as processes

    now = datetime.now(UTC)
    with app.app_context():
        process = processes.list_processes({"page": 1, "per_page": 1}).items[0]
        consultation = feedback.create_consultation({
            "process": process.slug, "title": "Draft recommendations on meaningful access",
            "text": "The draft asks governments to publish spectrum plans.",
            "sections": [{"ref": "1", "title": "Scope"}, {"ref": "2", "title": "Findings"}],
            "questions": [
                {"id": "q1", "kind": "scale", "prompt": "Do you agree with section 2?"},
                {"id": "q2", "kind": "single", "prompt": "What matters most?",
                 "options": ["cost", "skills", "content"]},
                {"id": "q3", "kind": "multiple", "prompt": "Which apply to you?",
                 "options": ["mobile only", "shared device", "metered data"]},
                {"id": "q4", "kind": "text", "prompt": "Anything else?"},
            ],
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat(), "moderation": "post",
        }, SYSTEM)
        _submission, receipt = feedback.submit(consultation.id, {
            "stakeholder_group": "civil_society", "country": "GH", "name": "Ama Mensah",
            "anonymous": False, "organisation": "Accra Digital Rights Hub",
            "on_behalf_of_organisation": True,
            "answers": {"q1": 4, "q2": "skills", "q3": ["metered data"],
                        "q4": "Cheaper devices."},
            "comments": [{"section": "2", "text": "The findings on affordability are sound."}],
            "comment": "General remarks on spectrum policy.", "language": "en",
            "consent_to_publish": True,
        })
    return receipt


@dataclass(frozen=True)
class Site:
    base: str
    receipt: str

    def first(self, collection: str, key: str, query: str = "") -> str | None:
        url = f"{self.base}/api/v1/{collection}?per_page=1&{query}"
        with urllib.request.urlopen(url) as response:  # loopback only
            items = json.load(response)["items"]
        return str(items[0][key]) if items else None

    def processes(self) -> list[str]:
        """One process of each verdict: their pages show different sections."""
        found = (self.first("processes", "slug", f"verdict={verdict}")
                 for verdict in ("meets", "partial", "fails", "unknown"))
        return [f"/processes/{slug}" for slug in found if slug]

    def public_pages(self) -> list[str]:
        """The path of every kind of public page, with a real record for each detail page."""
        issue = self.first("issues", "slug")
        consultation = self.first("consultations", "id")
        return [
            "/", "/issues", f"/issues/{issue}", "/processes", *self.processes(),
            "/processes/check", "/consultations", f"/consultations/{consultation}",
            f"/receipts/{self.receipt}", "/gaps", "/search?q=access", "/search?q=acess",
            "/feeds", "/principles", "/data", "/login", "/preferences",
        ]

    def staff_pages(self) -> list[str]:
        issue, process = self.first("issues", "slug"), self.first("processes", "slug")
        return ["/issues/new", f"/issues/{issue}/edit", "/processes/new",
                f"/processes/{process}/edit", "/consultations/new", "/moderation"]


@contextmanager
def running_site(port: int = 0) -> Iterator[Site]:
    """A seeded site served on 127.0.0.1 for as long as the block runs."""
    with tempfile.TemporaryDirectory(prefix="clearinghouse-bench-") as folder:
        instance = Path(folder)
        config = prepare(instance)
        app = create_app(config)
        app.instance_path = str(instance)  # the open-data export stays out of the checkout
        receipt = add_consultation(app)
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(f"http://127.0.0.1:{server.server_port}", receipt)
        finally:
            server.shutdown()
            thread.join()
