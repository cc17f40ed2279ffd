"""Signing in is throttled per address and per account, so passwords cannot be guessed fast."""

from tests.conftest import PASSWORD, csrf_token

WRONG = "not the password"


def attempt(client, email: str, password: str = WRONG, address: str = "192.0.2.1"):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token}, environ_base=environ)


def test_an_address_guessing_passwords_is_stopped_with_429(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    email = make_user("editor")
    assert [attempt(client, email).status_code for _ in range(3)] == [422, 422, 422]
    refused = attempt(client, email, PASSWORD)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_guesses_at_one_account_count_together_from_many_addresses(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    email = make_user("editor")
    for n in range(3):
        assert attempt(client, email.upper(), address=f"198.51.100.{n}").status_code == 422
    assert attempt(client, email, PASSWORD, address="203.0.113.9").status_code == 429
    assert attempt(client, "other@example.org", address="203.0.113.9").status_code == 422


def test_reading_the_sign_in_page_is_never_throttled(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 200]
