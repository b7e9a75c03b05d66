"""flask --app careteam <command>: create-user, demo-data, api-token."""

from __future__ import annotations

import click
from flask import Flask

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
