"""Use cases: (actor, ids, data) -> authorize -> domain rules -> persist -> audit -> commit."""
