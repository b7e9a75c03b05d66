"""Two API clients at the same moment, for the PostgreSQL concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from careteam import create_app
from careteam.extensions import db
from tests import factories
from tests.conftest import make_config

Send = Callable[[factories.JsonClient, int], object]


def two_clients_at_once(database_url: str, tokens: list[str], held_model: type, send: Send,
                        ) -> dict[int, tuple[int, dict]]:
    """Run `send(client, n)` for n = 0 and 1 in two threads, each client on an app (own engine,
    own connections) of its own. A barrier in the flush holds each request as it is about to
    insert a `held_model` row until the other gets there too, so the database decides the race,
    not timing. Returns {n: (status, JSON body)}.
    """
    # The apps are made here, not in the threads: making one compiles its URL rules with
    # ast.parse, which is not thread-safe on Python 3.11 (SystemError under a race).
    apps = [create_app(make_config(database_url)) for _ in range(2)]
    both_about_to_write = threading.Barrier(2, timeout=20)
    results: dict[int, tuple[int, dict]] = {}

    def hold(session, _context, _instances):
        if any(isinstance(obj, held_model) for obj in session.new):
            both_about_to_write.wait()

    def client(n: int) -> None:
        response = send(factories.JsonClient(apps[n].test_client(), tokens[n]), n)
        results[n] = (response.status_code, response.get_json())

    event.listen(Session, "before_flush", hold)
    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(Session, "before_flush", hold)
        for app in apps:
            with app.app_context():
                db.engine.dispose()
    return results
