"""Synthetic records for benchmarks: issues, processes, consultations and submissions
in the shapes the API takes, drawn from one seeded random generator. Pure: no database.
"""

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from .. import vocabulary

TOPICS = (
    "access", "affordability", "spectrum", "jurisdiction", "privacy", "encryption",
    "cybersecurity", "interoperability", "connectivity", "skills", "content", "platforms",
    "domain names", "routing security", "data flows", "artificial intelligence",
    "digital identity", "consumer protection", "misinformation", "cloud services",
    "standards", "open source", "accessibility", "languages", "taxation", "competition",
    "child safety", "surveillance", "net neutrality", "submarine cables", "satellites",
    "e-government", "e-health", "e-learning", "environment", "e-waste", "trust",
)
VERBS = ("improve", "measure", "protect", "coordinate", "finance", "review", "open",
         "govern", "support", "assess", "harmonise", "widen")
WORDS = ("rural", "regional", "global", "national", "public", "private", "community",
         "mobile", "network", "policy", "framework", "capacity", "investment", "users",
         "operators", "regulators", "researchers", "developers", "women", "youth", "cost",
         "quality", "infrastructure", "rights", "markets", "evidence", "principles")
BODIES = ("Internet Governance Forum", "ITU Council Working Group", "ICANN GNSO",
          "UNESCO", "OECD Committee", "Regional Internet Registry", "IETF", "CSTD",
          "Human Rights Council", "African Union Commission", "APEC TEL", "Council of Europe")
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
GROUPS = tuple(vocabulary.STAKEHOLDER_GROUPS)
REGIONS = tuple(vocabulary.REGIONS)
COUNTRIES = tuple(sorted(vocabulary.COUNTRIES))
ACTION_LINES = tuple(vocabulary.ACTION_LINES)
PASS_RULES = tuple(vocabulary.PASS_RULES)
DOCUMENT_KINDS = tuple(vocabulary.DOCUMENT_KINDS)
EVENT_KINDS = tuple(vocabulary.EVENT_KINDS)
STAGES = tuple(vocabulary.STAGES)
# Feedback leans towards civil society and the technical community, as it does in practice.
GROUP_WEIGHTS = (2, 2, 5, 3, 1)


class Generator:
    """Every record of one demo dataset; the same seed gives the same records."""

    def __init__(self, seed: int, now: datetime):
        self.random = random.Random(seed)  # noqa: S311 (reproducible demo data, no secrets)
        self.now = now

    def sentence(self, words: int = 12) -> str:
        r = self.random
        picked = [r.choice(WORDS + TOPICS) for _ in range(words - 2)]
        return f"{r.choice(VERBS).capitalize()} {r.choice(TOPICS)} " + " ".join(picked) + "."

    def text(self, sentences: int) -> str:
        return " ".join(self.sentence(self.random.randint(8, 16)) for _ in range(sentences))

    def issue(self, n: int) -> dict:
        r = self.random
        topic = TOPICS[n % len(TOPICS)]
        return {
            "slug": f"demo-issue-{n}", "title": f"{topic.capitalize()}: {r.choice(WORDS)} {n}",
            "summary": self.sentence(), "description": self.text(4),
            "category": r.choice(tuple(vocabulary.CATEGORIES)),
            "priority": r.choice(tuple(vocabulary.PRIORITIES)),
            "controversy": r.choice(tuple(vocabulary.CONTROVERSY)),
            "aspects": [self.sentence(6) for _ in range(r.randint(1, 3))],
            "action_lines": sorted(r.sample(ACTION_LINES, r.randint(1, 3))),
        }

    def process(self, n: int, issue_slugs: list[str]) -> dict:
        r = self.random
        documented = r.random() < 0.8  # one in five lacks an aim or modalities, and fails P2
        return {
            "slug": f"demo-process-{n}",
            "name": f"{r.choice(BODIES)} group on {r.choice(TOPICS)} {n}",
            "issues": sorted(r.sample(issue_slugs, min(len(issue_slugs), r.randint(1, 3)))),
            "convener": r.choice(BODIES), "stage": r.choice(STAGES),
            "aim": self.text(2) if documented else "",
            "modalities": self.text(2) if documented or r.random() < 0.5 else "",
            "significance": self.text(1), "intended_outcomes": self.text(1),
            "delegated_to": None,
            "participation": {"open": r.random() < 0.6, "remote": r.random() < 0.7,
                              "fee": r.random() < 0.2, "fee_waiver": r.random() < 0.1},
            "recourse": "https://example.org/complaints" if r.random() < 0.5 else "",
            "languages": sorted(r.sample(LANGUAGES, r.randint(1, 3))),
            "illustrative": [],
            "events": [self.event() for _ in range(r.randint(1, 4))],
            "documents": [self.document(kind) for kind in r.sample(DOCUMENT_KINDS, 3)],
            "participants": self.participants(),
            "decision_rule": self.decision_rule(),
        }

    def event(self) -> dict:
        r = self.random
        starts = self.now + timedelta(days=r.randint(-400, 300), hours=r.randint(8, 17))
        notice = r.choice((7, 14, 30, 45, 60, 90))
        return {"title": f"{r.choice(('Session', 'Meeting', 'Deadline'))} on {r.choice(TOPICS)}",
                "kind": r.choice(EVENT_KINDS), "announced_on": starts.date() - timedelta(notice),
                "starts_at": starts, "location": None if r.random() < 0.5 else "Geneva",
                "remote": r.random() < 0.7}

    def document(self, kind: str) -> dict:
        return {"title": f"{kind.capitalize()} paper", "kind": kind,
                "url": f"https://example.org/{kind}/{self.random.randint(1, 10**6)}"}

    def participants(self) -> list[dict]:
        """Rows over several groups and regions; some processes leave a group or region out."""
        r = self.random
        groups = r.sample(GROUPS, r.randint(2, len(GROUPS)))
        rows = []
        for _ in range(r.randint(3, 12)):
            country = r.choice(COUNTRIES)
            rows.append({"name": "", "organisation": "", "stakeholder_group": r.choice(groups),
                         "country": country, "region": vocabulary.region_of(country),
                         "count": r.randint(1, 20)})
        return rows

    def decision_rule(self) -> dict:
        r = self.random
        kind = r.choice(("consensus", "rough_consensus", "unilateral", "vote", "vote"))
        if kind == "unilateral":
            return {"kind": kind, "decider": {"stakeholder_group": r.choice(GROUPS)}}
        if kind != "vote":
            return {"kind": kind}
        if r.random() < 0.3:
            return {"kind": "vote"}  # one seat per participant
        chambers = [{"name": f"Chamber {c + 1}", "pass": r.choice(PASS_RULES),
                     "seats": [{"stakeholder_group": r.choice(GROUPS), "region": r.choice(REGIONS),
                                "count": r.randint(1, 5), "weight": 1}
                               for _ in range(r.randint(2, 6))]}
                    for c in range(r.randint(1, 2))]
        return {"kind": "vote", "chambers": chambers}

    def consultation(self, n: int) -> dict:
        r = self.random
        opens = self.now - timedelta(days=r.randint(1, 60))
        closes = self.now + timedelta(days=r.randint(-20, 60))  # most open, some closed
        return {
            "title": f"Draft recommendations on {r.choice(TOPICS)} v{n}", "text": self.text(6),
            "url": None, "sections": [{"ref": str(s), "title": r.choice(TOPICS).capitalize()}
                                      for s in range(1, 4)],
            "questions": [
                {"id": "q1", "kind": "scale", "prompt": "Do you agree with section 2?"},
                {"id": "q2", "kind": "single", "prompt": "The first priority?",
                 "options": ["cost", "skills", "content"]},
                {"id": "q3", "kind": "multiple", "prompt": "Who should act?",
                 "options": ["governments", "operators", "communities"]},
                {"id": "q4", "kind": "text", "prompt": "Anything else?"},
            ],
            "opens_at": opens, "closes_at": max(closes, opens + timedelta(days=1)),
            "moderation": "pre" if r.random() < 0.1 else "post",
        }

    def campaign_texts(self, count: int = 3) -> list[str]:
        return [self.text(3) for _ in range(count)]

    def submission(self, campaigns: list[str]) -> dict:
        r = self.random
        country = r.choice(COUNTRIES)
        anonymous = r.random() < 0.3
        on_behalf = r.random() < 0.4
        comment = r.choice(campaigns) if r.random() < 0.1 else self.text(r.randint(1, 3))
        return {
            "stakeholder_group": r.choices(GROUPS, GROUP_WEIGHTS)[0], "country": country,
            "name": "" if anonymous else f"Participant {r.randint(1, 10**6)}",
            "anonymous": anonymous, "on_behalf_of_organisation": on_behalf,
            "organisation": f"Organisation {r.randint(1, 5000)}" if on_behalf else "",
            "answers": {"q1": r.randint(1, 5), "q2": r.choice(("cost", "skills", "content")),
                        "q3": sorted(r.sample(("governments", "operators", "communities"),
                                              r.randint(1, 3))),
                        "q4": self.sentence()},
            "comments": [{"section": str(r.randint(1, 3)), "text": self.sentence()}],
            "comment": comment, "language": r.choice(LANGUAGES),
            "consent_to_publish": r.random() < 0.9,
        }

    def status(self, moderation: str) -> str:
        roll = self.random.random()
        if moderation == "pre" and roll < 0.5:
            return "pending"
        return "withdrawn" if roll > 0.97 else "rejected" if roll > 0.95 else "accepted"

    def spread(self, total: int, buckets: int) -> Iterator[int]:
        """Which bucket each of `total` items falls in: a few buckets get most, as in life."""
        for _ in range(total):
            yield min(int(self.random.paretovariate(1.2)) - 1, buckets - 1) \
                if self.random.random() < 0.3 else self.random.randrange(buckets)
