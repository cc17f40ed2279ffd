"""The weight of each public page as sent: its HTML and the stylesheet it links, raw and
compressed (gzip and brotli, as the server answers each), against the 30 KB budget.

    .venv/bin/python bench/weights.py

Exits 1 if a page's HTML and CSS together weigh more than the budget gzipped, if a page
loads anything from another site (scripts, fonts, images, stylesheets) or carries a script.
"""

import re
import sys
import urllib.request

from _site import running_site

BUDGET = 30 * 1024
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
# Anything a browser would fetch by itself: a resource on another host is a third-party request.
FETCHED = re.compile(r'<(?:script|img|iframe|source|link)\b[^>]*?(?:src|href)="(?:https?:)?//'
                     r'|@import|@font-face|url\(\s*["\']?(?:https?:)?//')


def fetch(url: str, encoding: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request) as response:  # loopback only
        return response.read(), response.headers.get("Content-Encoding", "identity")


def weigh(url: str) -> dict:
    """Raw, gzip and brotli sizes of what `url` sends, and the raw text."""
    raw, _ = fetch(url, "identity")
    sizes = {"raw": len(raw)}
    for encoding in ("gzip", "br"):
        body, used = fetch(url, encoding)
        sizes[encoding] = len(body) if used == encoding else len(raw)
    return {**sizes, "text": raw.decode()}


def kb(size: int) -> str:
    return f"{size / 1024:6.1f}"


def main() -> int:
    problems = []
    with running_site() as site:
        pages = site.public_pages()
        print(f"{'page':<44} {'HTML':>6} {'gzip':>6} {'br':>6}   HTML+CSS: {'raw':>6} "
              f"{'gzip':>6} {'br':>6}  (KB)")
        css_cache: dict[str, dict] = {}
        for path in pages:
            html = weigh(site.base + path)
            css_urls = STYLESHEET.findall(html["text"])
            for css_url in css_urls:
                if css_url not in css_cache:
                    css_cache[css_url] = weigh(site.base + css_url.replace("&amp;", "&"))
            total = {key: html[key] + sum(css_cache[url][key] for url in css_urls)
                     for key in ("raw", "gzip", "br")}
            label = path if len(path) <= 44 else path[:43] + "…"
            print(f"{label:<44} {kb(html['raw'])} {kb(html['gzip'])} {kb(html['br'])}   "
                  f"{'':>9}{kb(total['raw'])} {kb(total['gzip'])} {kb(total['br'])}")
            if total["gzip"] > BUDGET:
                problems.append(f"{path}: {kb(total['gzip']).strip()} KB gzipped, over "
                                f"{BUDGET // 1024} KB")
            third_party = [match.group(0) for match in FETCHED.finditer(html["text"])]
            third_party += [match.group(0) for url in css_urls
                            for match in FETCHED.finditer(css_cache[url]["text"])]
            if third_party:
                problems.append(f"{path} loads from elsewhere: {third_party[:3]}")
            if "<script" in html["text"]:
                problems.append(f"{path} carries a script: every page works without one")
    print()
    for problem in problems:
        print("FAIL", problem)
    if not problems:
        print(f"Every public page is under {BUDGET // 1024} KB gzipped (HTML and CSS), "
              "with no script and nothing from another site.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
