"""A process record to build on, as SPEC section 4 shows one."""

import pytest

from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.issues import service as issues


@pytest.fixture
def access_issue(app):
    with app.app_context():
        issues.create_issue({"slug": "access", "title": "Access", "category": "development"},
                            SYSTEM)


def council(*seats, rule="majority"):
    return {"kind": "vote", "chambers": [{"name": "Council", "pass": rule, "seats": [
        {"stakeholder_group": group, "region": region, "count": count}
        for group, region, count in seats]}]}


@pytest.fixture
def record():
    return {
        "name": "Policy Network on Meaningful Access",
        "issues": ["access"],
        "convener": "Internet Governance Forum",
        "stage": "deliberation",
        "aim": "Recommendations on meaningful access.",
        "modalities": "Open calls, monthly calls, a public draft.",
        "significance": "Feeds the IGF's messages.",
        "participation": {"open": True, "remote": True, "fee": False, "fee_waiver": False},
        "recourse": "https://www.intgovforum.org/en/contact",
        "languages": ["en", "fr"],
        "events": [{"title": "Consultation deadline", "kind": "deadline",
                    "announced_on": "2026-01-05", "starts_at": "2026-02-20T12:00:00Z"}],
        "documents": [{"title": "Terms of reference", "url": "https://example.org/tor",
                       "kind": "modalities"},
                      {"title": "Report", "url": "https://example.org/report", "kind": "outcome"}],
        "participants": [{"stakeholder_group": "civil_society", "country": "KE", "count": 3},
                         {"stakeholder_group": "government", "country": "BR", "count": 2}],
        "decision_rule": council(("government", "africa", 6), ("civil_society", "asia_pacific", 4)),
    }
