"""The books: an infinite, filterable collection, each book a pure function of (seed, index)."""

from __future__ import annotations

from typing import Any

from generated.bookshop.models import Genre

from mocks.bookshop import generators
from specmock.generators import Categorical, Collection, Context, exhaustive, values

BOOKS = generators.collection("books", default=1_000, low=50, high=1_000_000)
# `specmock check` fails when the spec adds or drops a genre this mapping does not cover
GENRE_WEIGHTS = exhaustive(Genre, {Genre.novel: 50, Genre.poetry: 10, Genre.history: 25, Genre.science: 15})


@generators.memo(maxsize=16)  # one per seed and volume
def books(seed: int, total: int) -> Collection[dict[str, Any]]:
    """The collection: genre is a filterable field, so `?genre=` totals are exact at any volume."""
    genre = Categorical("genre", [(g.value, w) for g, w in GENRE_WEIGHTS.items()])
    collection: Collection[dict[str, Any]] = Collection(total, lambda i: {}, [genre], seed=seed, name="books")

    def book(index: int) -> dict[str, Any]:
        rng = generators.rng(seed, "book", index)
        title = " ".join(w.capitalize() for w in values.words(rng, "title", 3))
        return {"id": index, "title": title, "genre": collection.field_value("genre", index), "reserved": False}

    return collection.at(0, item=book)


def of(ctx: Context) -> Collection[dict[str, Any]]:
    """The books this request sees (its seed and volume)."""
    return books(ctx.seed, BOOKS.total(ctx))
