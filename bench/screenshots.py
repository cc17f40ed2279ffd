"""Refresh docs/screenshots/: the main pages at 360 px (a small phone) and 1280 px wide,
from a freshly seeded site in headless Chromium.

    .venv/bin/python bench/screenshots.py

The home page and a consultation are also shot in Arabic, right to left.
Phone shots show the top 1,600 px of the page, desktop shots the first screen; with
Debian's pngquant installed, each is cut to 64 colours (about a third of the size).
"""

import shutil
import subprocess
import sys
from pathlib import Path

from _browser import Browser
from _site import running_site

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZES = {"phone": (360, 1600), "desktop": (1280, 800)}


def pages(site) -> dict[str, str]:
    return {
        "home": "/",
        "issues": "/issues",
        "process": site.processes()[0],
        "consultation": f"/consultations/{site.first('consultations', 'id')}",
        "gaps": "/gaps",
        "principles": "/principles",
    }


def in_arabic(site) -> dict[str, str]:
    """The same site read right to left, after the switcher's own link."""
    consultation = site.first("consultations", "id")
    return {"home-ar": "/", "consultation-ar": f"/consultations/{consultation}"}


def squeeze(png: Path) -> None:
    """Fewer colours, same look: text and flat colours need few. Skipped without pngquant."""
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--quality", "70-95", "--speed", "1", "--strip", "--force",
                        "--output", str(png), "64", str(png)], check=True)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with running_site() as site, Browser() as tab:
        shoot(tab, site, pages(site))
        tab.goto(site.base + "/preferences?lang=ar&next=/")
        shoot(tab, site, in_arabic(site))
    return 0


def shoot(tab, site, named: dict[str, str]) -> None:
    for name, path in named.items():
        for size, (width, height) in SIZES.items():
            tab.resize(width, height)
            tab.goto(site.base + path)
            target = OUT / f"{name}-{size}.png"
            tab.screenshot(target, full_page=size == "phone", max_height=height)
            squeeze(target)
            print(f"{target.relative_to(OUT.parent.parent)}  {path}  "
                  f"{target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    sys.exit(main())
