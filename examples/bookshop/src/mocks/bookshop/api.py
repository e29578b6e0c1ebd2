"""Handlers: a Context in; a JSON-able value, a Reply, or a ProblemError out."""

from __future__ import annotations

from typing import Any

from mocks.bookshop import books, generators
from specmock.generators import Context, EntityExists, ProblemError

RESERVED = "reservations"  # the store entity: book id -> who reserved it


def _book(ctx: Context, book_id: int) -> dict[str, Any]:
    collection = books.of(ctx)
    if not 0 <= book_id < collection.total:
        # the spec declares 404 with an Error body: the client gets exactly that
        raise ProblemError(404, f"no book {book_id}", body={"message": f"No book {book_id}"})
    book = collection.get(book_id)
    return {**book, "reserved": ctx.entity(RESERVED).get(str(book_id)) is not None}


@generators.operation("listBooks")
def list_books(ctx: Context) -> dict[str, Any]:
    """GET /books: a page, filtered by genre with an exact total."""
    filters = {"genre": [ctx.params["genre"]]} if ctx.params.get("genre") else None
    page = books.of(ctx).page(ctx.params["offset"], ctx.params["limit"], filters)
    reserved = dict(ctx.entity(RESERVED).items())  # only the writes: O(page + writes)
    return {"books": [{**b, "reserved": str(b["id"]) in reserved} for b in page.items], "total": page.total}


@generators.operation("getBook")
def get_book(ctx: Context) -> dict[str, Any]:
    """GET /books/{bookId}."""
    return _book(ctx, ctx.params["bookId"])


@generators.operation("reserveBook")
def reserve_book(ctx: Context) -> dict[str, Any]:
    """POST /books/{bookId}/reserve: the first caller wins, atomically (across workers too);
    later ones get the declared 409."""
    book = _book(ctx, ctx.params["bookId"])
    try:
        ctx.entity(RESERVED).create(str(book["id"]), {"at": ctx.now.isoformat()})
    except EntityExists:
        raise ProblemError(
            409, "already reserved", body={"message": f"Book {book['id']} is already reserved"}
        ) from None
    return {**book, "reserved": True}
