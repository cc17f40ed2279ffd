"""Accounts: hashed passwords and tokens, revocation, disabling, signing in and out."""

import pytest

from clearinghouse.auth import service as accounts
from clearinghouse.auth.models import ApiToken, User
from clearinghouse.exceptions import Conflict, InvalidInput
from clearinghouse.extensions import db
from tests.conftest import PASSWORD, csrf_token

ISSUE = {"title": "Spam", "category": "internet_governance"}


def test_passwords_are_stored_as_argon2_hashes(app, make_user):
    make_user("editor")
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_a_short_password_or_unknown_role_is_refused(app):
    with app.app_context():
        with pytest.raises(InvalidInput) as refused:
            accounts.create_user({"email": "a@example.org", "role": "owner", "password": "short"})
        assert set(refused.value.errors) == {"role", "password"}


def test_an_email_can_hold_only_one_account_whatever_its_case(app, make_user):
    make_user("editor", email="Ama@Example.org")
    with app.app_context(), pytest.raises(Conflict):
        accounts.create_user({"email": "ama@example.org", "role": "admin", "password": PASSWORD})


def test_authentication_needs_the_right_password_and_an_active_account(app, make_user):
    email = make_user("editor")
    with app.app_context():
        assert accounts.authenticate(email.upper(), PASSWORD).email == email
        assert accounts.authenticate(email, "wrong password!") is None
        assert accounts.authenticate("nobody@example.org", PASSWORD) is None
        accounts.set_active(email, False)
        assert accounts.authenticate(email, PASSWORD) is None


def test_only_a_hash_of_each_token_is_stored(app, make_user):
    email = make_user("editor")
    with app.app_context():
        _token, secret = accounts.create_token(email)
        stored = db.session.scalar(db.select(ApiToken))
        assert secret not in (stored.token_hash, stored.prefix)
        assert stored.token_hash == accounts.hash_token(secret)


def test_a_revoked_token_stops_working_at_once(app, client, make_user):
    email = make_user("editor")
    with app.app_context():
        token, secret = accounts.create_token(email)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/issues", json=ISSUE, headers=headers).status_code == 201
    with app.app_context():
        accounts.revoke_token(token.id)
    response = client.patch("/api/v1/issues/spam", json={"title": "x"}, headers=headers)
    assert response.status_code == 401


def test_the_tokens_of_a_disabled_account_stop_working_at_once(app, client, make_user):
    email = make_user("editor")
    with app.app_context():
        _token, secret = accounts.create_token(email)
        accounts.set_active(email, False)
    response = client.post("/api/v1/issues", json=ISSUE,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_signing_in_with_a_wrong_password_says_so_and_signs_nobody_in(client, make_user):
    email = make_user("editor")
    form = {"email": email, "password": "wrong", "csrf_token": csrf_token(client, "/login")}
    response = client.post("/login", data=form)
    assert response.status_code == 422
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/issues/new").status_code == 302


def test_signing_in_returns_to_the_page_asked_for_but_never_to_another_site(client, make_user):
    email = make_user("editor")
    form = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    assert client.post("/login", data={**form, "next": "/issues/new"}).location == "/issues/new"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    form["csrf_token"] = csrf_token(client, "/login")
    assert client.post("/login", data={**form, "next": "//evil.example"}).location == "/"


def test_signing_out_ends_the_session(client, login):
    login("editor")
    assert client.get("/issues/new").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/issues/new").status_code == 302


def test_signing_in_without_the_csrf_token_is_refused(client, make_user):
    email = make_user("editor")
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
