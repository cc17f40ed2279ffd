"""Security headers on every response, a policy that blocks nothing the site itself uses,
and session cookies that stay on HTTPS when the site is served over it."""

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest

from clearinghouse import create_app
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.extensions import db
from clearinghouse.feedback import service as feedback
from clearinghouse.processes import service as processes
from clearinghouse.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD

PATHS = ["/", "/issues", "/login", "/no-such-page", "/api/v1/issues", "/api/v1/nothing",
         "/api/v1/openapi.json", "/feeds/updates.atom", "/consultations.ics",
         "/static/site.css"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def directives() -> dict[str, list[str]]:
    return {name: values for name, *values in
            (part.split() for part in CONTENT_SECURITY_POLICY.split(";"))}


def test_the_policy_runs_no_script_at_all_and_forbids_framing():
    policy = directives()
    assert "script-src" not in policy and policy["default-src"] == ["'none'"]
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.fixture
def pages_with_charts(app) -> list[str]:
    """A process with participants and a consultation with answers: both draw charts."""
    now = datetime.now(UTC)
    with app.app_context():
        process = processes.create_process({"name": "Process", "participants": [
            {"stakeholder_group": "civil_society", "country": "GH", "count": 3}]}, SYSTEM)
        consultation = feedback.create_consultation({
            "process": process.slug, "title": "Draft",
            "questions": [{"id": "q1", "kind": "scale", "prompt": "Agree?"}],
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat()}, SYSTEM)
        feedback.submit(consultation.id, {"stakeholder_group": "civil_society",
                                          "country": "GH", "answers": {"q1": 4},
                                          "consent_to_publish": True})
    return [f"/processes/{process.slug}", f"/consultations/{consultation.id}",
            "/processes/check", "/", "/login"]


def allowed_style(style: str) -> bool:
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return f"'sha256-{digest}'" in directives()["style-src"]


def test_the_policy_blocks_nothing_the_pages_use(client, pages_with_charts):
    pages = {path: client.get(path).get_data(as_text=True) for path in pages_with_charts}
    assert all("<svg" in pages[path] for path in pages_with_charts[:2])  # the charts drawn
    for path, page in pages.items():
        assert not re.search(r"<script|<style|\son\w+=", page, re.IGNORECASE), path
        styles = re.findall(r'\sstyle="([^"]*)"', page)
        assert [style for style in styles if not allowed_style(style)] == [], path
        external = re.findall(r'\s(?:src|href)="((?:https?:)?//[^"]*)"', page)
        loaded = [url for url in external if re.search(
            rf'<(?:link|img|script)[^>]*"{re.escape(url)}"', page)]
        assert loaded == [], path


def session_cookie(client, app, base_url="http://localhost") -> str:
    login = f"{base_url}/login"
    page = client.get(login).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"email": "admin@example.org", "password": PASSWORD, "csrf_token": token}
    response = client.post(login, data=form, headers={"Referer": login})
    assert response.status_code == 302
    return next(value for value in response.headers.getlist("Set-Cookie")
                if value.startswith(app.config["SESSION_COOKIE_NAME"] + "="))


def test_over_plain_http_the_session_cookie_is_httponly_and_same_site(app, client,
                                                                      make_user):
    make_user("admin")
    cookie = session_cookie(client, app)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_on_https_the_session_cookie_is_secure_and_browsers_are_told_to_stay(app, make_user):
    make_user("admin")
    secure = create_app({"TESTING": True, "SECRET_KEY": "test", "HTTPS": True,
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    secure.instance_path = app.instance_path
    client = secure.test_client()
    cookie = session_cookie(client, secure, "https://localhost")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("https://localhost/")
    assert home.headers["Strict-Transport-Security"] == "max-age=31536000"
    with secure.app_context():
        db.engine.dispose()


def test_a_receipt_page_keeps_its_private_link_from_other_sites_but_not_from_its_own_forms(
        app, client):
    """A no-referrer meta tag would strip the Referer from the page's own form posts,
    which CSRF protection requires over HTTPS: the header's same-origin does the job."""
    with app.app_context():
        process = processes.create_process({"name": "A process"}, SYSTEM)
        now = datetime.now(UTC)
        consultation = feedback.create_consultation(
            {"process": process.slug, "title": "Draft", "opens_at": now - timedelta(days=1),
             "closes_at": now + timedelta(days=1)}, SYSTEM)
        _submission, token = feedback.submit(
            consultation.id, {"stakeholder_group": "government", "country": "KE"})
    receipt = client.get(f"/receipts/{token}")
    assert receipt.status_code == 200
    assert receipt.headers["Referrer-Policy"] == "same-origin"
    assert 'name="referrer"' not in receipt.get_data(as_text=True)
