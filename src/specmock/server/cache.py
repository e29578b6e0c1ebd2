"""Answers to repeated GET requests, kept while nothing that decides their bytes has changed.

An answer is a pure function of the request (path, query, every header), the seed, the
clock's second and the state store's version, so a key made of those gives the very bytes a
fresh answer would. The cache is bounded in bytes and forgets the least recently used first.
An answer is kept only when its request comes a second time: a load of unique requests (every
page once) would otherwise fill memory with answers nobody asks for again. The requests seen
once are remembered by their digests, the oldest forgotten first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

Key = bytes


def key_of(path: str, query: bytes, rest: object) -> Key:
    """A 128-bit digest of a request's path, query and the rest (by repr): one small object per key."""
    text = f"{path}\0{query!r}\0{rest!r}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True)
class Cached:
    """One kept answer: status, headers, body, what made it (for the request log) and its seed header."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    source: str
    seed: str = ""

    @property
    def size(self) -> int:
        """Bytes held, roughly: the body and the headers."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


SEEN = 1024  # requests remembered (without their answers) to notice the second one


class ResponseCache:
    """A byte-bounded LRU of answers to requests seen twice; `budget` 0 keeps nothing."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._entries: OrderedDict[Key, Cached] = OrderedDict()
        self._seen: OrderedDict[Key, None] = OrderedDict()
        self._lock = threading.Lock()  # workers are processes, but a threaded host may share an app

    def get(self, key: Key) -> Cached | None:
        """The kept answer for a key, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Key, answer: Cached) -> None:
        """Keep an answer to a request seen before, forgetting the oldest beyond the budget."""
        size = answer.size
        if size > self.budget:
            return
        with self._lock:
            if key not in self._seen:
                self._seen[key] = None
                if len(self._seen) > SEEN:
                    self._seen.popitem(last=False)
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old.size
            self._entries[key] = answer
            self.used += size
            while self.used > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self.used -= dropped.size

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._entries.clear()
            self._seen.clear()
            self.used = 0
