"""flask --app careteam <command>: create-user, demo-data."""

from __future__ import annotations

import click
from flask import Flask, current_app

from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.services.errors import InvalidInput


def register_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--name", default=None, help="Full name; defaults to the part of the e-mail before @.")
    @click.password_option("--password", prompt="Password", confirmation_prompt=True,
                           help="Asked for when not given; at least 12 characters.")
    def create_user(email: str, role: str, name: str | None, password: str) -> None:
        """Create an account (e.g. the first admin)."""
        from careteam.services.accounts import add_user

        try:
            user = add_user(email, name or email.split("@")[0], role, password)
        except InvalidInput as error:
            db.session.rollback()
            for field, messages in error.errors.items():
                click.echo(f"{field}: {' '.join(messages)}", err=True)
            raise SystemExit(1) from None
        db.session.commit()
        click.echo(f"created {user.email} ({user.role})")

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
    def demo_data(if_empty: bool) -> None:
        """Load the demo clinic and print its sign-ins."""
        from careteam.demo import database_is_empty, demo_logins, load_demo_data

        if not database_is_empty():
            if if_empty:
                click.echo("The database already has data; demo data not loaded. Demo sign-ins, if present:")
                for line in demo_logins():
                    click.echo(line)
                return
            raise click.ClickException("The database is not empty; demo data loads only into an empty one.")
        load_demo_data()
        click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000 with:")
        for line in demo_logins():
            click.echo(line)


    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Run every due job once and exit (for cron and tests).")
    @click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
    def worker(burst: bool, threads: int) -> None:
        """Run the background worker: reminders, alert escalation, e-mail delivery, PDF bundles."""
        from careteam import jobs
        from careteam.services import email_transport

        click.echo(email_transport.describe())
        app = current_app._get_current_object()
        if burst:
            click.echo(f"ran {jobs.run_burst(app)} job(s)")
            return
        jobs.use_app(app)
        click.echo(f"Worker started: queue {jobs.huey.storage.__class__.__name__}; Ctrl-C stops it.")
        jobs.huey.create_consumer(workers=threads, worker_type="thread", periodic=True).run()
