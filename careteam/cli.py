"""flask --app careteam <command>: create-user, demo-data, api-token, worker, audit verify, backup, restore,
export-fhir."""

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

    @app.cli.group("audit")
    def audit_group() -> None:
        """The audit trail."""

    @audit_group.command("verify")
    def audit_verify() -> None:
        """Check the hash chain: "intact, N events" or the first broken link (exit status 1)."""
        from careteam.services.audit_integrity import verify_chain

        result = verify_chain()
        if not result.intact:
            raise click.ClickException(
                f"broken at event {result.broken_at}: {result.reason} "
                f"({result.events - 1} events before it are intact)")
        click.echo(f"intact, {result.events} events; head {result.head}")

    @audit_group.command("grant-runtime-role")
    @click.argument("role")
    def audit_grant_runtime_role(role: str) -> None:
        """PostgreSQL: let ROLE (the app's runtime role) INSERT and SELECT audit events, no more."""
        from careteam.services.runtime_role import grant_runtime_role

        if db.engine.dialect.name != "postgresql":
            raise click.ClickException("Runtime roles are a PostgreSQL feature; SQLite has no roles.")
        try:
            statements = grant_runtime_role(role)
        except (LookupError, ValueError) as error:
            raise click.ClickException(str(error)) from None
        for statement in statements:
            click.echo(statement + ";")

    @app.cli.command("backup")
    @click.argument("path")
    def backup_command(path: str) -> None:
        """Back up the whole database to PATH (PostgreSQL: pg_dump custom format; SQLite: a copy)."""
        from careteam.services.backup import BackupError, backup

        try:
            click.echo(f"backed up to {backup(path)}")
        except BackupError as error:
            raise click.ClickException(str(error)) from None

    @app.cli.command("restore")
    @click.argument("path")
    def restore_command(path: str) -> None:
        """Restore a backup made by `flask backup` into an EMPTY database (refuses any other)."""
        from careteam.services.backup import BackupError, restore

        try:
            click.echo(f"restored from {restore(path)}; now run: flask --app careteam audit verify")
        except BackupError as error:
            raise click.ClickException(str(error)) from None

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
    @click.option("--reset", is_flag=True, help="Drop the demo clinic and load it afresh, dated from today. "
                                                "Refused if the database holds anything but the demo, unless --yes.")
    @click.option("--yes", is_flag=True, help="With --reset: delete everything even when it is not only the demo.")
    def demo_data(if_empty: bool, reset: bool, yes: bool) -> None:
        """Load the demo clinic and print its sign-ins."""
        from careteam.demo import database_is_empty, demo_logins, load_demo_data

        if reset:
            from careteam.demo.reset import contents, reset_demo, warning

            found = contents()
            if not found.only_demo:
                database = db.engine.url.render_as_string(hide_password=True)
                if not yes:
                    raise click.ClickException(warning(found, database) + " Nothing was changed; add --yes to go on.")
                click.echo(warning(found, database), err=True)
            reset_demo()
            click.echo("Demo data reset: everything is dated from today. Sign in at http://127.0.0.1:5000 with:")
            for line in demo_logins():
                click.echo(line)
            return
        if not database_is_empty():
            if if_empty:
                click.echo("The database already has data; demo data not loaded (`make reset-demo` reloads it "
                           "dated from today). Demo sign-ins, if present:")
                for line in demo_logins():
                    click.echo(line)
                return
            raise click.ClickException("The database is not empty; demo data loads only into an empty one "
                                       "(or use --reset).")
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

    @app.cli.command("export-fhir")
    @click.argument("directory")
    @click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Only the records of patients with a change on or after this day (YYYY-MM-DD).")
    def export_fhir(directory: str, since) -> None:
        """Every patient's record as FHIR R4 NDJSON (Bulk Data layout) plus manifest.json in DIRECTORY."""
        from careteam.fhir.bulk import export_all

        try:
            result = export_all(directory, since.date() if since else None)
        except FileExistsError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{result.patients} patients, {result.resources} resources in {len(result.counts)} files; "
                   f"manifest: {result.directory / 'manifest.json'}")

    @app.cli.command("api-token")
    @click.argument("email")
    @click.option("--name", default="cli", show_default=True, help="What the token is for.")
    def api_token(email: str, name: str) -> None:
        """Make a personal API token for an active account and print it (once) on stdout."""
        from sqlalchemy import select

        from careteam.models import User
        from careteam.services.api_tokens import create_token

        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.active:
            raise click.ClickException(f"No active account {email}.")
        try:
            _token, plaintext = create_token(user, name)
        except InvalidInput as error:
            raise click.ClickException("; ".join(str(m) for m in error.errors.values())) from None
        click.echo(plaintext)
