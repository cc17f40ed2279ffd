"""Command-line work: flask --app clearinghouse users|tokens|seed ..."""

import functools
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from . import activity, backups, opendata, vocabulary
from . import seed as seeding
from .auth import service as accounts
from .auth.models import ROLES
from .auth.permissions import SYSTEM
from .exceptions import DomainError
from .extensions import db
from .processes import service as processes

users = AppGroup("users", help="Staff accounts.")
search = AppGroup("search", help="The search index.")
tokens = AppGroup("tokens", help="API tokens for staff accounts.")


def domain_errors(command):
    """Refusals from the services become a one-line message and exit status 1."""

    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (DomainError, seeding.SeedError) as error:
            raise click.ClickException(str(error)) from None

    return wrapped


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="The name shown in public history.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@domain_errors
def create_user(email, role, name, password_stdin):
    """Create a staff account."""
    if password_stdin:
        try:
            password = sys.stdin.readline().rstrip("\r\n")
        except UnicodeDecodeError:
            raise click.ClickException("The password on standard input is not UTF-8.") from None
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    data = {"email": email, "role": role, "name": name, "password": password}
    user = accounts.create_user(data)
    click.echo(f"Created {user.role} account {user.email}.")


@users.command("disable")
@click.argument("email")
@domain_errors
def disable_user(email):
    """Disable an account: it can no longer sign in, and its tokens stop working."""
    accounts.set_active(email, False)
    click.echo(f"Disabled {email}.")


@users.command("enable")
@click.argument("email")
@domain_errors
def enable_user(email):
    """Enable a disabled account again."""
    accounts.set_active(email, True)
    click.echo(f"Enabled {email}.")


@users.command("steward")
@click.argument("email")
@click.argument("process_slug")
@domain_errors
def steward(email, process_slug):
    """Let an editor keep a process (its record, and later its consultations)."""
    processes.add_steward(process_slug, email, SYSTEM)
    click.echo(f"{email} now stewards {process_slug}.")


@tokens.command("create")
@click.argument("email")
@domain_errors
def create_token(email):
    """Create an API token; it is printed once, as the last line."""
    token, secret = accounts.create_token(email)
    click.echo(f"Token {token.id} for {email}. It is shown only now; keep it secret:")
    click.echo(secret)


@tokens.command("revoke")
@click.argument("token_id", type=int)
@domain_errors
def revoke_token(token_id):
    """Revoke a token by its number."""
    token = accounts.revoke_token(token_id)
    click.echo(f"Revoked token {token.id} ({token.prefix}…).")


@click.command("seed")
@with_appcontext
@domain_errors
def seed():
    """Load the bundled data/ through the services; running it again changes nothing."""
    for kind in seeding.KINDS:
        path = seeding.FILES[kind]
        found = seeding.records(kind, path)
        with click.progressbar(length=len(found), label=kind.capitalize()) as bar:
            for _slug in seeding.seed(kind, found, path):
                bar.update(1)
        click.echo(f"Seeded {len(found)} {kind}.")


@click.command("check-principles")
@click.argument("slug", required=False)
@with_appcontext
@domain_errors
def check_principles(slug):
    """Print the scorecard of one process, or the verdicts of all, under the current profile."""
    if slug:
        print_scorecard(processes.scorecard(slug))
        return
    for name, slug_, overall in processes.verdicts_now():
        click.echo(f"{overall:8} {slug_}  {name}")


def print_scorecard(card: dict) -> None:
    click.echo(f"{card['name']} ({card['slug']}): {card['overall']}")
    for principle, result in card["principles"].items():
        click.echo(f"  {vocabulary.PRINCIPLES[principle].label}: {result['verdict']}")
        for finding in result["findings"]:
            click.echo(f"    - {finding}")


@click.command("verify-log")
@with_appcontext
def verify_log():
    """Check the activity log's hash chain from the first event to the newest."""
    broken = activity.verify_log()
    if broken is not None:
        raise click.ClickException(f"Event {broken.event_id} is not as recorded: "
                                   f"{broken.reason}. Every event after it is suspect.")
    count, newest = activity.head()
    click.echo(f"The log of {count} events is intact. Head: {newest}")


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
@domain_errors
def export_data(directory):
    """Write the whole public dataset to DIRECTORY: one JSON dump, CSV files, a README."""
    try:
        result = opendata.export(directory, progress=lambda kind, n: click.echo(f"  {kind}: {n}"))
    except OSError as error:
        raise click.ClickException(
            f"Cannot write the export to {directory}: {error.strerror}.") from None
    click.echo(f"Exported {result['events']} events to {directory}. Head: {result['head']}")


@click.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
@domain_errors
def import_data(directory):
    """Load an export into this instance, which must hold no records yet."""
    result = opendata.import_(directory, progress=lambda kind, n: click.echo(f"  {kind}: {n}"))
    click.echo(f"Imported {result['events']} events. Head: {result['head']}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup(path, force):
    """Copy the SQLite database to PATH, whole and consistent, while the site goes on writing.

    On PostgreSQL it prints the pg_dump command to run instead."""
    try:
        source, target, counts, head = backups.backup(db.engine.url, path, force=force)
    except backups.Refused as error:
        raise click.ClickException(str(error)) from None
    figures = ", ".join(f"{n} {label}" for label, n in zip(backups.FIGURES, counts, strict=True))
    size = target.stat().st_size / 1024 / 1024
    click.echo(f"Backed up {source} to {target}: {size:.1f} MiB; {figures}. Log head: {head}")


@click.command("demo")
@click.option("--issues", default=100, show_default=True, type=click.IntRange(0, 10**6))
@click.option("--processes", default=1000, show_default=True, type=click.IntRange(0, 10**6))
@click.option("--consultations", type=click.IntRange(0, 10**6),
              help="Default: one for every ten processes.")
@click.option("--submissions", default=10_000, show_default=True,
              type=click.IntRange(0, 10**7))
@click.option("--seed", default=1, show_default=True, help="The same seed, the same records.")
@with_appcontext
@domain_errors
def demo(issues, processes, consultations, submissions, seed):
    """Fill the database with synthetic records at scale, for benchmarks."""
    from . import demo as demo_data

    if consultations is None:
        consultations = max(processes // 10, 1 if processes and submissions else 0)
    made = demo_data.generate(issues, processes, consultations, submissions, seed,
                              progress=lambda kind, n: click.echo(f"  {kind}: {n}"))
    click.echo("Made " + ", ".join(f"{n} {kind}" for kind, n in made.items())
               + ". Then: flask --app clearinghouse search rebuild")


@search.command("rebuild")
def search_rebuild():
    """Build a new index from the database and swap it in; searches go on meanwhile."""
    from . import indexing

    total = sum(1 for _ in indexing.every_document())
    with click.progressbar(length=total, label="Indexing") as bar:
        count = indexing.rebuild(lambda done: bar.update(1))
    click.echo(f"Indexed {count} documents.")


@search.command("check")
def search_check():
    """Report records missing from the index and index entries for nothing."""
    from . import indexing

    missing, extra = indexing.drift()
    if missing or extra:
        raise click.ClickException(
            f"The index has drifted: {len(missing)} missing ({', '.join(sorted(missing)[:5])}), "
            f"{len(extra)} extra ({', '.join(sorted(extra)[:5])}). "
            "Run 'flask --app clearinghouse search rebuild'.")
    click.echo("The index matches the database.")


@search.command("worker")
@click.option("--interval", default=0.2, show_default=True, help="Seconds between polls.",
              type=click.FloatRange(0.05, 3600))  # 0 would poll the database without pause
def search_worker(interval):
    """Keep the index up to date: apply each committed change, in order, within a second."""
    from . import indexing

    click.echo("Indexing changes as they are committed. Stop with Ctrl-C.")
    indexing.work(interval)


def init_app(app: Flask) -> None:
    commands = (users, tokens, search, seed, demo, check_principles, verify_log, export_data,
                import_data, backup)
    for command in commands:
        app.cli.add_command(command)
