"""Clearinghouse: the public registry of how the Internet is governed."""

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    from . import (
        assets,
        caching,
        cli,
        config,
        database,
        errors,
        formatting,
        formdata,
        i18n,
        security,
    )
    from .extensions import csrf, db, limiter, migrate

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config.Defaults)
    app.config.from_prefixed_env("CLEARINGHOUSE")
    if test_config:
        app.config.update(test_config)
    config.finalise(app)

    caching.init_app(app)  # first: it stores and tags responses after all else, compressed
    assets.init_app(app)  # then compressing is the last change made to a response
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"),
        render_as_batch=True, render_item=database.render_item,
    )
    formdata.init_app(app)  # checks a form's body before CSRF protection reads it
    csrf.init_app(app)
    limiter.init_app(app)
    database.init_app(app)
    formatting.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.register(app)
    register_blueprints(app)
    cli.init_app(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Every URL space of the site, in one place."""
    from . import openapi, pages, search_api
    from .auth import views as auth
    from .extensions import csrf
    from .feedback import api as feedback_api
    from .feedback import views as feedback
    from .issues import api as issues_api
    from .issues import views as issues
    from .processes import api as processes_api
    from .processes import views as processes

    for blueprint in (pages.bp, auth.bp, issues.bp, processes.bp, feedback.bp, search_api.bp):
        app.register_blueprint(blueprint)
    for blueprint in (issues_api.bp, processes_api.bp, feedback_api.bp, openapi.bp):
        csrf.exempt(blueprint)  # token-authenticated; cookies never authenticate the API
        app.register_blueprint(blueprint)
