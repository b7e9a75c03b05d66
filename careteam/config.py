"""Settings from the environment. Every variable is listed in the README's configuration table."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _secret_key(instance_path: Path) -> str:
    """CARETEAM_SECRET_KEY, or a random key kept in instance/ so sessions survive restarts."""
    configured = os.environ.get("CARETEAM_SECRET_KEY") or os.environ.get("SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'careteam.sqlite'}"
    https = _bool("CARETEAM_HTTPS")
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CARETEAM_CLINIC_NAME": os.environ.get("CARETEAM_CLINIC_NAME", "careteam demo clinic"),
        # Dates and times are stored in UTC and shown in the clinic's zone.
        "CARETEAM_TIMEZONE": os.environ.get("CARETEAM_TIMEZONE", "UTC"),
        # Sessions: a browser-session cookie, an idle timeout and an absolute lifetime.
        "CARETEAM_IDLE_TIMEOUT_MINUTES": _int("CARETEAM_IDLE_TIMEOUT_MINUTES", 30),
        "CARETEAM_SESSION_LIFETIME_HOURS": _int("CARETEAM_SESSION_LIFETIME_HOURS", 12),
        "SESSION_COOKIE_NAME": "careteam_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_DURATION": 0,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "CARETEAM_HTTPS": https,
        "MAX_CONTENT_LENGTH": _int("CARETEAM_MAX_UPLOAD_BYTES", 1024 * 1024),
        # CSRF is checked in a before_request hook so that Bearer-token API calls can skip it.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": https,
        # Rate limits on sign-in (Flask-Limiter syntax).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT": os.environ.get(
            "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour"
        ),
        "CARETEAM_SIGNIN_LIMIT_PER_ADDRESS": os.environ.get(
            "CARETEAM_SIGNIN_LIMIT_PER_ADDRESS", "20 per minute;100 per hour"
        ),
        "CARETEAM_SET_PASSWORD_LINK_HOURS": _int("CARETEAM_SET_PASSWORD_LINK_HOURS", 72),
        # A patient may edit a week's check-in until this many days after the week ends.
        "CARETEAM_CHECKIN_EDIT_DAYS": _int("CARETEAM_CHECKIN_EDIT_DAYS", 7),
        # Graded exposure: an item is mastered after two attempts in a row at or below this expectancy.
        "CARETEAM_MASTERY_THRESHOLD": _int("CARETEAM_MASTERY_THRESHOLD", 20),
        # Outgoing mail for set-password links; without a host the link is shown to the admin only.
        "CARETEAM_SMTP_HOST": os.environ.get("CARETEAM_SMTP_HOST", ""),
        "CARETEAM_SMTP_PORT": _int("CARETEAM_SMTP_PORT", 587),
        "CARETEAM_SMTP_USER": os.environ.get("CARETEAM_SMTP_USER", ""),
        "CARETEAM_SMTP_PASSWORD": os.environ.get("CARETEAM_SMTP_PASSWORD", ""),
        "CARETEAM_SMTP_STARTTLS": _bool("CARETEAM_SMTP_STARTTLS", True),
        "CARETEAM_MAIL_FROM": os.environ.get("CARETEAM_MAIL_FROM", "careteam@localhost"),
        # Handover PDFs: page size (A4 or Letter) and the longest a render may take.
        "CARETEAM_PDF_PAGE_SIZE": os.environ.get("CARETEAM_PDF_PAGE_SIZE", "A4"),
        "CARETEAM_PDF_TIMEOUT_SECONDS": _int("CARETEAM_PDF_TIMEOUT_SECONDS", 30),
        # Render processes per app process (0: one per core) and each one's address-space cap.
        "CARETEAM_PDF_WORKERS": _int("CARETEAM_PDF_WORKERS", 0),
        "CARETEAM_PDF_MEMORY_MB": _int("CARETEAM_PDF_MEMORY_MB", 1024),
        # Prometheus metrics at /metrics: off unless 1; then only with this Bearer token, or
        # without a token only from loopback (see careteam/metrics.py).
        "CARETEAM_METRICS": _bool("CARETEAM_METRICS", False),
        "CARETEAM_METRICS_TOKEN": os.environ.get("CARETEAM_METRICS_TOKEN", ""),
        # JSON API and its OpenAPI document (flask-smorest).
        "API_TITLE": "careteam",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
