"""Static files named by their content and kept a year; every text response compressed."""

import gzip
import hashlib
import re

from clearinghouse import ROOT

CSS = (ROOT / "static" / "site.css").read_bytes()
DIGEST = hashlib.sha256(CSS).hexdigest()[:12]


def stylesheet_url(client) -> str:
    page = client.get("/principles").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_pages_link_the_stylesheet_by_a_hash_of_its_content(client):
    assert stylesheet_url(client) == f"/static/site.css?v={DIGEST}"


def test_the_fingerprinted_stylesheet_is_kept_for_a_year(client):
    with client.get(stylesheet_url(client)) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public


def test_a_stale_or_missing_fingerprint_is_not_kept(client):
    for url in ("/static/site.css", "/static/site.css?v=0123456789ab"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert not response.cache_control.immutable and not response.cache_control.max_age


def test_a_missing_static_file_gets_no_fingerprint_and_a_404(app, client):
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="nothing.css") == "/static/nothing.css"
    assert client.get("/static/nothing.css").status_code == 404


def test_pages_are_sent_compressed_to_browsers_that_ask(client):
    plain = client.get("/principles")
    squeezed = client.get("/principles", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in squeezed.headers["Vary"]
    assert gzip.decompress(squeezed.get_data()) == plain.get_data()
    assert len(squeezed.get_data()) < len(plain.get_data()) / 2


def test_the_stylesheet_is_sent_compressed_too(client):
    response = client.get(f"/static/site.css?v={DIGEST}", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.get_data()) < len(CSS) / 2


def test_without_accept_encoding_nothing_is_compressed(client):
    response = client.get("/principles")
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).startswith("<!doctype html>")
