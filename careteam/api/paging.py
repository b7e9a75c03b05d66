"""Page-based listing for API list operations: `page` and `limit` in the query, a `Link:
<...>; rel="next"` header while more rows follow. The bodies stay plain arrays.

Pages are offsets into the order the operation documents (newest first, hierarchy order...), so
walking the `next` links while nobody writes returns every row once.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from flask import request
from marshmallow import fields

from careteam.api.schemas import InputSchema
from careteam.domain.limits import LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, PAGE_MAX

LINK_HEADER = {
    "Link": {
        "description": 'While more rows follow: `<url of the next page>; rel="next"` (RFC 8288). '
                       "Absent on the last page.",
        "schema": {"type": "string"},
    }
}


class ListArgs(InputSchema):
    page = fields.Int(load_default=1, metadata={"description": "Page number, from 1."})
    limit = fields.Int(load_default=LIST_LIMIT_DEFAULT, metadata={
        "description": f"Rows per page (default {LIST_LIMIT_DEFAULT}, at most {LIST_LIMIT_MAX})."})


def offset_of(args: dict) -> int:
    return (min(args["page"], PAGE_MAX) - 1) * args["limit"]


def next_link(args: dict) -> dict:
    """The Link header naming the page after `args["page"]`, keeping every other parameter."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    query.append(("page", str(args["page"] + 1)))
    return {"Link": f'<{request.path}?{urlencode(query)}>; rel="next"'}


def page_of(rows: Sequence, args: dict):
    """One page of a list already in its documented order, with a `next` link if more follow."""
    rows = rows if isinstance(rows, Sequence) else list(rows)
    start = offset_of(args)
    items = list(rows[start:start + args["limit"]])
    has_next = len(rows) > start + args["limit"] and args["page"] < PAGE_MAX
    return (items, next_link(args)) if has_next else items


def fetched_page(rows_plus_one: Sequence, args: dict):
    """A page fetched with LIMIT limit+1 OFFSET offset_of(args): the extra row means a next page."""
    items = list(rows_plus_one[:args["limit"]])
    has_next = len(rows_plus_one) > args["limit"] and args["page"] < PAGE_MAX
    return (items, next_link(args)) if has_next else items


def with_next_link(page, body=None):
    """A careteam.services.pagination.Page answered as its object body (`items`, `page`,
    `has_next`), plus the Link header when `has_next`."""
    body = page if body is None else body
    return (body, next_link({"page": page.number})) if page.has_next else body
