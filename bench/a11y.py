"""Every public page, every staff form and the forms' error states through axe-core (WCAG 2.1 A
and AA) in headless Chromium, at 1280 px and at 360 px wide (where nothing may scroll
sideways); Tab through a consultation for the skip link and visible focus; and check that
form errors are announced and tied to their fields.

    npm ci && .venv/bin/python bench/a11y.py [--only PATH ...] [--phone 320]

Prints each violation with the elements it names; exits 1 if there is any.
"""

import argparse
import json
import sys
from pathlib import Path

from _browser import Browser
from _site import STAFF_EMAIL, STAFF_PASSWORD, Site, running_site

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = 360
RUN_AXE = "axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})" \
          ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help," \
          " nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))"
# The elements wider than the viewport that do not sit inside a scrolling box of their own.
OVERFLOW = """(() => {
  const width = document.documentElement.clientWidth, found = [];
  if (document.documentElement.scrollWidth <= width) return found;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && !el.closest('.table-scroll'))
      found.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                 `${el.className && typeof el.className === 'string' ? '.' + el.className : ''}` +
                 ` right=${Math.round(box.right)}`);
  }
  return found.slice(0, 8);
})()"""
# On a form sent back with errors: a summary read out at once (it has focus on arrival), whose
# links lead to the fields, and each error message tied to its field by aria-describedby.
ERRORS_LINKED = """(() => {
  const problems = [], summary = document.querySelector('[role=alert]');
  if (!summary) return ['no error summary with role=alert'];
  if (document.activeElement !== summary) problems.push('the page does not open on its errors');
  for (const link of summary.querySelectorAll('a[href^="#"]'))
    if (!document.getElementById(decodeURIComponent(link.hash.slice(1))))
      problems.push(`summary link ${link.hash} leads nowhere`);
  for (const error of document.querySelectorAll('.field-error'))
    if (!error.id || !document.querySelector(`[aria-describedby~="${error.id}"]`))
      problems.push(`error ${error.id || error.textContent.trim()} is tied to no field`);
  return problems;
})()"""
# The element the keyboard is on: is it on screen, and does it show that it has focus?
FOCUSED = """(() => {
  const el = document.activeElement, box = el.getBoundingClientRect(), style = getComputedStyle(el);
  const shown = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                || style.boxShadow !== 'none';
  const onScreen = box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth;
  return {name: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ` +
                (el.textContent || el.name || '').trim().slice(0, 30), shown, onScreen};
})()"""
# Forms sent empty, to see how their errors are shown: (page, the form's selector).
PUBLIC_FORMS = [("/processes/check", "main form"), ("{consultation}", "main form.record-form")]
STAFF_FORMS = [("/issues/new", "main form"), ("/processes/new", "main form"),
               ("/consultations/new", "main form")]


class Checker:
    def __init__(self, tab: Browser, site: Site, phone: int = PHONE):
        self.tab, self.site, self.phone = tab, site, phone
        self.axe = AXE.read_text()
        self.failures = 0
        self.by_rule: dict[str, int] = {}

    def check(self, label: str) -> None:
        """axe on the page now shown, at 1280 px and at 360 px; at 360 px, sideways scrolling."""
        if not self.tab.evaluate("typeof axe !== 'undefined'"):
            self.tab.evaluate(self.axe + ";1")
        violations = self.tab.evaluate(RUN_AXE % json.dumps(TAGS))
        self.tab.resize(self.phone, 800)
        seen = {(violation["id"], tuple(violation["nodes"])) for violation in violations}
        violations += [violation for violation in self.tab.evaluate(RUN_AXE % json.dumps(TAGS))
                       if (violation["id"], tuple(violation["nodes"])) not in seen]
        overflow = self.tab.evaluate(OVERFLOW)
        self.tab.resize(1280, 800)
        title = self.tab.evaluate("document.title")
        print(f"{'ok  ' if not violations and not overflow else 'FAIL'} {label}  ({title})")
        for violation in violations:
            self.by_rule[violation["id"]] = self.by_rule.get(violation["id"], 0) + 1
            print(f"     {violation['impact']}: {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:5]:
                print("       -", node.replace("\n", " ")[:400])
        if overflow:
            self.by_rule["phone-overflow"] = self.by_rule.get("phone-overflow", 0) + 1
            print(f"     scrolls sideways at {self.phone} px:", "; ".join(overflow))
        self.failures += len(violations) + bool(overflow)

    def page(self, path: str) -> None:
        self.tab.goto(self.site.base + path)
        self.check(path)

    def error_state(self, path: str, form: str) -> None:
        self.tab.goto(self.site.base + path)
        self.tab.submit_form(form)
        self.check(f"{path} (sent with errors)")
        self.errors_linked()

    def errors_linked(self) -> None:
        for problem in self.tab.evaluate(ERRORS_LINKED):
            self.by_rule["error-links"] = self.by_rule.get("error-links", 0) + 1
            self.failures += 1
            print("     error message:", problem)

    def keyboard(self, path: str, stops: int = 60) -> None:
        """Tab through the page: the skip link comes first and leads to the content; every
        stop after it is on screen with a visible focus indicator."""
        self.tab.goto(self.site.base + path)
        problems = []
        self.tab.press("Tab", 9)
        first = self.tab.evaluate(FOCUSED)
        skip = self.tab.evaluate("document.activeElement.getAttribute('href')") == "#main"
        if not first["name"].startswith("a ") or not skip or not (
                first["onScreen"] and first["shown"]):
            problems.append(f"the first Tab stop is {first}, not a visible skip link")
        self.tab.press("Enter", 13)
        if self.tab.evaluate("document.activeElement.id") != "main":
            problems.append("the skip link does not move focus to the main content")
        for _ in range(stops):
            self.tab.press("Tab", 9)
            focused = self.tab.evaluate(FOCUSED)
            if focused["name"].startswith("body"):
                break
            if not (focused["shown"] and focused["onScreen"]):
                problems.append(f"focus hidden on {focused}")
        print(f"{'FAIL' if problems else 'ok  '} {path} (keyboard, {stops} Tab stops at most)")
        for problem in problems[:8]:
            print("    ", problem)
        self.by_rule["keyboard"] = self.by_rule.get("keyboard", 0) + len(problems)
        self.failures += len(problems)

    def sign_in(self, password: str) -> None:
        self.tab.goto(self.site.base + "/login")
        fill = (f"document.getElementById('email').value = {json.dumps(STAFF_EMAIL)};"
                f"document.getElementById('password').value = {json.dumps(password)}")
        self.tab.submit_form("main form", fill)

    def in_arabic(self, consultation: str) -> None:
        """The reader in Beirut: switches to Arabic with the switcher's link, finds the open
        consultation and sends feedback with the keyboard, right to left."""
        self.tab.goto(self.site.base + "/preferences?lang=ar&next=/")
        for path in ("/", "/consultations", consultation, "/preferences"):
            self.page(path)
        self.keyboard(consultation)
        for path, form in PUBLIC_FORMS:
            self.error_state(path.format(consultation=consultation), form)
        self.tab.goto(self.site.base + "/preferences?lang=en&next=/")

    def everything(self) -> None:
        """Public pages, then the keyboard and the public forms' errors, then as staff."""
        consultation = f"/consultations/{self.site.first('consultations', 'id')}"
        for path in self.site.public_pages():
            self.page(path)
        self.keyboard(consultation)
        for path, form in PUBLIC_FORMS:
            self.error_state(path.format(consultation=consultation), form)
        self.in_arabic(consultation)
        self.sign_in("not the password")
        self.check("/login (wrong password)")
        self.errors_linked()
        self.sign_in(STAFF_PASSWORD)
        for path in [*self.site.staff_pages(), consultation, "/"]:
            self.page(path)
        for path, form in STAFF_FORMS:
            self.error_state(path, form)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="check only these paths, signed out")
    parser.add_argument("--phone", type=int, default=PHONE, help="the narrow width, in px")
    args = parser.parse_args()
    if not AXE.exists():
        sys.exit(f"{AXE} is missing: run `npm ci` at the top of the checkout first.")
    with running_site() as site, Browser() as tab:
        checker = Checker(tab, site, args.phone)
        if args.only:
            for path in args.only:
                checker.page(path)
        else:
            checker.everything()
    print()
    if checker.failures:
        rules = ", ".join(f"{rule} ×{count}" for rule, count in sorted(checker.by_rule.items()))
        print(f"{checker.failures} problems ({rules}).")
        return 1
    print("No axe-core violations at WCAG 2.1 A and AA, nothing scrolls sideways at "
          f"{args.phone} px, focus is visible and errors are tied to their fields.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
