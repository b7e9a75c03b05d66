"""What a use case can answer besides success. The web and API layers map these to HTTP."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    message = "The request could not be completed."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class NotFound(ServiceError):
    # The same words whether the record is missing or hidden: a refusal must not confirm it exists.
    status = 404
    message = "There is nothing here, or you do not have access to it."


class Forbidden(ServiceError):
    status = 403
    message = "You do not have permission to do that."


class InvalidInput(ServiceError):
    """Field messages for the person, keyed by field name ('_' for the whole form)."""

    status = 422
    message = "Some values need attention."

    def __init__(self, errors: dict[str, list[str]] | dict[str, str]):
        super().__init__()
        self.errors = {k: v if isinstance(v, list) else [v] for k, v in errors.items()}


class Conflict(ServiceError):
    """Someone else changed the thing first; `current` is what it is now."""

    status = 409
    message = "Someone else changed this in the meantime."

    def __init__(self, message: str | None = None, current: Any = None):
        super().__init__(message)
        self.current = current


class AuthenticationFailed(ServiceError):
    status = 401
    message = "That e-mail and password do not match an active account."
