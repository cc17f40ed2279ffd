"""The tamper-evident activity log: every event chained to the one before it."""

import threading
from datetime import UTC, datetime

from sqlalchemy import text

from clearinghouse import activity, chain
from clearinghouse.auth.permissions import SYSTEM
from clearinghouse.extensions import db
from clearinghouse.issues import service as issues


def event(n: int, previous: str, **changes) -> dict:
    content = {"occurred_at": datetime(2026, 1, n, tzinfo=UTC), "actor_name": "A",
               "action": "created", "record_type": "issue", "record_id": n,
               "record_key": f"i{n}", "record_title": f"Issue {n}", "context_type": None,
               "context_id": None, "before": None, "after": {"title": f"Issue {n}"},
               "tags": [f"issue:{n}"], **changes}
    return {**content, "id": n, "prev_hash": previous, "hash": chain.link(previous, content)}


def good_chain(length: int = 3) -> list[dict]:
    events, previous = [], chain.GENESIS
    for n in range(1, length + 1):
        events.append(event(n, previous))
        previous = events[-1]["hash"]
    return events


def test_an_unbroken_chain_verifies():
    assert chain.first_break(good_chain()) is None


def test_an_altered_event_is_named():
    events = good_chain()
    events[1] = {**events[1], "after": {"title": "Rewritten"}}
    assert chain.first_break(events) == chain.Break(2, "its content does not match its hash")


def test_a_removed_event_breaks_the_link_of_the_next():
    events = good_chain()
    del events[1]
    assert chain.first_break(events).event_id == 3


def test_the_serialisation_ignores_key_order_and_time_zone():
    first = event(1, chain.GENESIS)
    reordered = dict(reversed(list(first.items())))
    reordered["tags"] = list(reversed(first["tags"]))
    assert chain.canonical(first) == chain.canonical(reordered)


def create(title: str) -> None:
    issues.create_issue({"title": title, "category": "development"}, SYSTEM)


def test_events_written_by_the_services_form_a_chain(app):
    with app.app_context():
        create("Spam")
        issues.update_issue("spam", {"priority": "high"}, SYSTEM)
        assert activity.verify_log() is None
        count, head = activity.head()
        assert count == 2
        newest = db.session.scalars(db.select(activity.ActivityEvent).order_by(
            activity.ActivityEvent.id)).all()
        assert newest[1].prev_hash == newest[0].hash == chain.link(
            chain.GENESIS, activity.chained_fields(newest[0]))
        assert head == newest[1].hash


def test_altering_an_old_event_in_the_database_is_detected(app, runner):
    with app.app_context():
        for title in ("Spam", "Privacy", "Access"):
            create(title)
        db.session.execute(text("UPDATE activity SET record_title = 'Forged' WHERE id = 2"))
        db.session.commit()
        broken = activity.verify_log()
    assert broken == chain.Break(2, "its content does not match its hash")
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 1
    assert "Event 2 is not as recorded" in result.output


def test_verify_log_reports_an_intact_log_and_its_head(app, runner):
    with app.app_context():
        create("Spam")
        _count, head = activity.head()
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 0
    assert f"The log of 1 events is intact. Head: {head}" in result.output


def test_concurrent_writers_never_fork_the_chain(app):
    def write(number):
        with app.app_context():
            for attempt in range(10):
                create(f"Issue {number}-{attempt}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert activity.head()[0] == 40
        assert activity.verify_log() is None
