"""Who is asking: the session cookie for pages, a Bearer token for the API."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for

from careteam.extensions import db, login_manager
from careteam.models import User
from careteam.services.api_tokens import user_for_token
from careteam.services.credentials import same


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def register_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user_from_session(user_key: str) -> User | None:
        if bearer_token() is not None:  # a Bearer request is judged by its token alone
            return None
        user_id, _, session_token = user_key.partition(":")
        if not user_id.isdigit() or not session_token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or not same(user.session_token, session_token):
            return None
        return user

    @login_manager.request_loader
    def load_user_from_bearer(_request) -> User | None:
        token = bearer_token()
        if token is None or not is_api_request():
            return None
        return user_for_token(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        from careteam.web.errors import error_response, wants_json

        if wants_json():
            from flask import g

            return error_response(401, g.get("api_token_refusal") or "Sign in or send a valid API token.")
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target.rstrip("?") if target else None))


def actor() -> User:
    """The signed-in user as a plain model object, for passing to services."""
    from flask_login import current_user

    return current_user._get_current_object()
