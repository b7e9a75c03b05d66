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
        # Database connections (careteam/database.py builds the engine options from these): a
        # connect timeout and a statement timeout bound how long a request can wait on a database
        # that is away; connections are replaced after RECYCLE seconds, and one that sat idle in
        # the pool longer than PING_AFTER_IDLE seconds is checked before use (not on every request).
        "CARETEAM_DB_CONNECT_TIMEOUT_SECONDS": _int("CARETEAM_DB_CONNECT_TIMEOUT_SECONDS", 5),
        "CARETEAM_DB_STATEMENT_TIMEOUT_SECONDS": _int("CARETEAM_DB_STATEMENT_TIMEOUT_SECONDS", 10),
        # SQLite: how long a transaction waits for the single write lock before the request gets a
        # 503. The worker's short transactions and a busy machine can hold it for seconds.
        "CARETEAM_SQLITE_BUSY_TIMEOUT_SECONDS": _int("CARETEAM_SQLITE_BUSY_TIMEOUT_SECONDS", 10),
        "CARETEAM_DB_POOL_RECYCLE_SECONDS": _int("CARETEAM_DB_POOL_RECYCLE_SECONDS", 1800),
        "CARETEAM_DB_PING_AFTER_IDLE_SECONDS": _int("CARETEAM_DB_PING_AFTER_IDLE_SECONDS", 60),
        "CARETEAM_CLINIC_NAME": os.environ.get("CARETEAM_CLINIC_NAME", "careteam demo clinic"),
        # Dates and times are stored in UTC and shown in the clinic's zone.
        "CARETEAM_TIMEZONE": os.environ.get("CARETEAM_TIMEZONE", "UTC"),
        # The pages' language tag (<html lang>) and the order of day and month in dates shown.
        "CARETEAM_LOCALE": os.environ.get("CARETEAM_LOCALE", "en-GB"),
        # Sessions: a browser-session cookie, an idle timeout and an absolute lifetime.
        "CARETEAM_IDLE_TIMEOUT_MINUTES": _int("CARETEAM_IDLE_TIMEOUT_MINUTES", 30),
        "CARETEAM_SESSION_LIFETIME_HOURS": _int("CARETEAM_SESSION_LIFETIME_HOURS", 12),
        # Under HTTPS the __Host- prefix makes the browser refuse the cookie unless it is Secure,
        # for Path=/ and without Domain: no sibling host or plain-http page can plant or read it.
        "SESSION_COOKIE_NAME": "__Host-careteam_session" if https else "careteam_session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_DURATION": 0,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "CARETEAM_HTTPS": https,
        # How many proxies in front of careteam set X-Forwarded-For/-Proto/-Host (0: none, trust
        # nothing). With the right number, sign-in limits, audit addresses and generated links
        # use the real client and scheme; too many lets a client forge its address.
        "CARETEAM_TRUSTED_PROXIES": _int("CARETEAM_TRUSTED_PROXIES", 0),
        "MAX_CONTENT_LENGTH": _int("CARETEAM_MAX_UPLOAD_BYTES", 1024 * 1024),
        # CSRF is checked in a before_request hook so that Bearer-token API calls can skip it.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": https,
        # Rate limits on sign-in (Flask-Limiter syntax).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Storage away (Redis down): the same limits are counted in this process instead, with
        # one warning in the log; an error of the storage never becomes a 500. The Redis client
        # gives up after a second rather than hang a sign-in (the memory storage ignores these).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT": os.environ.get(
            "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour"
        ),
        "CARETEAM_SIGNIN_LIMIT_PER_ADDRESS": os.environ.get(
            "CARETEAM_SIGNIN_LIMIT_PER_ADDRESS", "20 per minute;100 per hour"
        ),
        # Writes (any POST/PUT/PATCH/DELETE) per signed-in user, pages and API together; past it
        # 429. Empty: no limit. Generous for people; it stops one account flooding a record.
        "CARETEAM_WRITE_LIMIT_PER_USER": os.environ.get(
            "CARETEAM_WRITE_LIMIT_PER_USER", "30 per minute;300 per hour;1000 per day"
        ),
        # First-time onboarding links (may be shown to the admin) and reset links (e-mailed only).
        "CARETEAM_SET_PASSWORD_LINK_HOURS": _int("CARETEAM_SET_PASSWORD_LINK_HOURS", 72),
        "CARETEAM_RESET_LINK_MINUTES": _int("CARETEAM_RESET_LINK_MINUTES", 60),
        # Two-factor sign-in (TOTP): required for clinicians and admins when on.
        "CARETEAM_REQUIRE_MFA": _bool("CARETEAM_REQUIRE_MFA"),
        "CARETEAM_MFA_LIMIT_PER_ACCOUNT": os.environ.get(
            "CARETEAM_MFA_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour"
        ),
        # Optional k-anonymity breach look-up for new passwords (e.g. https://api.pwnedpasswords.com/range).
        "CARETEAM_BREACH_CHECK_URL": os.environ.get("CARETEAM_BREACH_CHECK_URL", ""),
        "CARETEAM_BREACH_CHECK_TIMEOUT_SECONDS": _int("CARETEAM_BREACH_CHECK_TIMEOUT_SECONDS", 2),
        # Personal API tokens: lifetime offered by default and the longest allowed.
        "CARETEAM_API_TOKEN_DAYS": _int("CARETEAM_API_TOKEN_DAYS", 90),
        "CARETEAM_API_TOKEN_MAX_DAYS": _int("CARETEAM_API_TOKEN_MAX_DAYS", 365),
        # A patient may edit a week's check-in until this many days after the week ends.
        "CARETEAM_CHECKIN_EDIT_DAYS": _int("CARETEAM_CHECKIN_EDIT_DAYS", 7),
        # Graded exposure: an item is mastered after two attempts in a row at or below this expectancy.
        "CARETEAM_MASTERY_THRESHOLD": _int("CARETEAM_MASTERY_THRESHOLD", 20),
        # Break-glass: how long a clinician outside the care team may read a record in an emergency.
        "CARETEAM_BREAK_GLASS_MINUTES": _int("CARETEAM_BREAK_GLASS_MINUTES", 60),
        # Emergency-access requests that name no record (a wrong number or e-mail) per account:
        # the form must not become a way to probe which addresses are patients here.
        "CARETEAM_BREAK_GLASS_LIMIT_PER_ACCOUNT": os.environ.get(
            "CARETEAM_BREAK_GLASS_LIMIT_PER_ACCOUNT", "5 per 10 minutes;20 per day"),
        # Outgoing mail for set-password links; without a host the link is shown to the admin only.
        "CARETEAM_SMTP_HOST": os.environ.get("CARETEAM_SMTP_HOST", ""),
        "CARETEAM_SMTP_PORT": _int("CARETEAM_SMTP_PORT", 587),
        "CARETEAM_SMTP_USER": os.environ.get("CARETEAM_SMTP_USER", ""),
        "CARETEAM_SMTP_PASSWORD": os.environ.get("CARETEAM_SMTP_PASSWORD", ""),
        "CARETEAM_SMTP_STARTTLS": _bool("CARETEAM_SMTP_STARTTLS", True),
        "CARETEAM_MAIL_FROM": os.environ.get("CARETEAM_MAIL_FROM", "careteam@localhost"),
        # SMTP over TLS from the first byte (port 465) instead of STARTTLS.
        "CARETEAM_SMTP_SSL": _bool("CARETEAM_SMTP_SSL"),
        # Without an SMTP host, notification e-mails are written here as .eml files.
        "CARETEAM_MAIL_DIR": os.environ.get("CARETEAM_MAIL_DIR", str(instance / "mail")),
        # Links in e-mails start with this (they go through sign-in and the normal access checks).
        "CARETEAM_BASE_URL": os.environ.get("CARETEAM_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Task queue: empty = SQLite file in instance/ (no server needed); redis://host:6379/0 for
        # workers on several machines; inline:// runs jobs in the asking process (tests).
        "CARETEAM_QUEUE_URL": os.environ.get("CARETEAM_QUEUE_URL", ""),
        # E-mail delivery: attempts before a notification is marked failed, first retry delay
        # (doubling after each failure).
        "CARETEAM_MAIL_MAX_ATTEMPTS": _int("CARETEAM_MAIL_MAX_ATTEMPTS", 6),
        "CARETEAM_MAIL_RETRY_SECONDS": _int("CARETEAM_MAIL_RETRY_SECONDS", 60),
        # Red-flag alerts: unacknowledged this long -> the rest of the team; twice as long -> the
        # clinic's escalation address.
        "CARETEAM_ALERT_ESCALATE_MINUTES": _int("CARETEAM_ALERT_ESCALATE_MINUTES", 120),
        "CARETEAM_ESCALATION_EMAIL": os.environ.get("CARETEAM_ESCALATION_EMAIL", ""),
        # The clinic's contact details, shown with the red-flag guidance, the flare-up page and the
        # crisis guidance after a questionnaire safety flag. Empty: only the emergency number shows.
        "CARETEAM_CLINIC_PHONE": os.environ.get("CARETEAM_CLINIC_PHONE", ""),
        "CARETEAM_CLINIC_HOURS": os.environ.get("CARETEAM_CLINIC_HOURS", ""),
        "CARETEAM_EMERGENCY_NUMBER": os.environ.get("CARETEAM_EMERGENCY_NUMBER", "112"),
        # A clinic day's bundle of handover PDFs (made by the worker) is deleted after this long.
        "CARETEAM_BUNDLE_KEEP_HOURS": _int("CARETEAM_BUNDLE_KEEP_HOURS", 24),
        "CARETEAM_FILES_DIR": os.environ.get("CARETEAM_FILES_DIR", ""),
        # Handover PDFs: page size (A4 or Letter) and the longest a render may take.
        "CARETEAM_PDF_PAGE_SIZE": os.environ.get("CARETEAM_PDF_PAGE_SIZE", "A4"),
        "CARETEAM_PDF_TIMEOUT_SECONDS": _int("CARETEAM_PDF_TIMEOUT_SECONDS", 30),
        # Questionnaires: a clinic's own (licensed) definition files, read and checked at start-up.
        "CARETEAM_INSTRUMENTS_DIR": os.environ.get("CARETEAM_INSTRUMENTS_DIR", str(instance / "instruments")),
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
