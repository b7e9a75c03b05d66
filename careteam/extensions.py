"""Flask extensions, created unbound and initialised in create_app()."""

import logging

from flask import Flask, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names so that Alembic can alter and drop them on every backend
# (SQLite batch mode needs names to find a constraint again).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()


class RouteLimiter(Limiter):
    """Flask-Limiter, doing its work only on the routes that carry a limit.

    Flask-Limiter hooks into every request: a before_request check of application and default
    limits, an after_request that adds headers and conditional deductions, and a teardown. careteam
    has no application or default limits, only limits decorated on a few routes (which check
    themselves when their view is called), so the before hook goes and the other two run only
    where a decorated limit was checked. That was ~15 % of the trivial route's CPU.

    Its log goes to careteam's handler as "careteam.ratelimit", warnings only: the one line when
    the storage (Redis) is unreachable and the in-process fallback takes over. (Its info lines
    name the limit's key, which can be an e-mail address.)
    """

    _USED = "_careteam_rate_limit_checked"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.logger = logging.getLogger("careteam.ratelimit")
        self.logger.setLevel(logging.WARNING)

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        self._storage_dead = False  # a new storage: not known to be away
        manager = self.limit_manager
        if not self.enabled or manager._application_limits or manager._default_limits:
            return  # limits on every route need the hooks on every route
        before = app.before_request_funcs.get(None, [])
        if self._check_request_limit in before:
            before.remove(self._check_request_limit)
        for hooks in (app.after_request_funcs.get(None, []), app.teardown_request_funcs.get(None, [])):
            for index, hook in enumerate(hooks):
                if self._is_own_hook(hook):
                    hooks[index] = self._only_where_checked(hook)

    def _is_own_hook(self, hook) -> bool:
        owner = getattr(hook, "__self__", None) or next(iter(getattr(hook, "args", ())), None)
        return owner is self

    def _only_where_checked(self, hook):
        def hook_where_checked(value):
            return hook(value) if g.get(self._USED) else value

        return hook_where_checked

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        g.setdefault(self._USED, True)
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)


limiter = RouteLimiter(key_func=get_remote_address)
