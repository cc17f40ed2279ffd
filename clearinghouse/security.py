"""Security headers on every response, and cookies marked Secure when the site is on HTTPS.

HTTPS is a setting (CLEARINGHOUSE_HTTPS=true), not guessed from each request: behind a
proxy that ends TLS, gunicorn sees plain HTTP, so `request.is_secure` would say no.
"""

import base64
import hashlib

from flask import Flask, Response, current_app

# The one inline style the site writes: the SVG charts' frame (charts.py). Allowed by its
# hash alone, so an injected style attribute would still be refused.
CHART_STYLE = "max-width:28rem;background:#fff"


def style_hash(style: str) -> str:
    digest = hashlib.sha256(style.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# The site has no JavaScript, loads nothing from elsewhere and is never framed.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    f"style-src 'self' 'unsafe-hashes' {style_hash(CHART_STYLE)}",
    "img-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors' twin, for browsers without CSP 2
    # Links out tell no other site which page, receipt or search a reader came from.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"  # a year; no includeSubDomains: other hosts of the domain are not ours


def init_app(app: Flask) -> None:
    app.config.setdefault("HTTPS", False)
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    app.after_request(add_headers)


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
