"""How alike two notes are: payers reject individual parts that are copies of each other.

difflib's ratio over the words of both texts (case and spacing ignored), from 0 (nothing
in common) to 1 (the same words in the same order). At NEAR_DUPLICATE or above, signing
asks for a confirmation. Pure functions, no ORM.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Generic, TypeVar

NEAR_DUPLICATE = 0.85

T = TypeVar("T")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def similarity(a: str, b: str) -> float:
    left, right = _words(a), _words(b)
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


@dataclass(frozen=True)
class Match(Generic[T]):
    other: T
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def closest(text: str, others: Iterable[tuple[T, str]]) -> Match[T] | None:
    """The most similar of `others` ((item, text) pairs) at or above the threshold."""
    best: Match[T] | None = None
    for item, other_text in others:
        score = similarity(text, other_text)
        if score >= NEAR_DUPLICATE and (best is None or score > best.score):
            best = Match(item, score)
    return best
