"""Small-cell protection for aggregate figures: counts of 1-4 patients are shown as
"fewer than 5", and a shown total never gives a hidden cell away.

Pure. When exactly one cell of a group with a shown total is hidden, the smallest
other non-zero cell is hidden too (complementary suppression); when every non-zero
cell is hidden and the total is small or would equal a single hidden cell, the total
is hidden as well. Zero is shown: it identifies nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SMALL = 5
HIDDEN_TEXT = "fewer than 5"
SECONDARY_TEXT = "not shown"  # a larger cell hidden so that a small one can't be worked out


@dataclass(frozen=True)
class Cell:
    value: float | None  # None when hidden
    text: str

    @property
    def hidden(self) -> bool:
        return self.value is None


def is_small(count: int) -> bool:
    return 0 < count < SMALL


def count_cell(count: int) -> Cell:
    return Cell(None, HIDDEN_TEXT) if is_small(count) else Cell(count, str(count))


def hide(text: str = HIDDEN_TEXT) -> Cell:
    return Cell(None, text)


def protect(counts: Sequence[int]) -> tuple[list[Cell], Cell]:
    """The cells of one group and its total, with nothing hidden derivable."""
    hidden = {i for i, c in enumerate(counts) if is_small(c)}
    secondary: set[int] = set()
    if len(hidden) == 1:
        others = sorted((c, i) for i, c in enumerate(counts) if c > 0 and i not in hidden)
        if others:
            secondary.add(others[0][1])
    total = sum(counts)
    cells = [
        Cell(None, HIDDEN_TEXT)
        if i in hidden
        else Cell(None, SECONDARY_TEXT)
        if i in secondary
        else Cell(c, str(c))
        for i, c in enumerate(counts)
    ]
    hidden |= secondary
    hidden_nonzero = [i for i in hidden if counts[i] > 0]
    total_hidden = is_small(total) or len(hidden_nonzero) == 1
    return cells, (Cell(None, HIDDEN_TEXT) if total_hidden else Cell(total, str(total)))


def rate_cell(numerator: float, denominator: float, *, people: int) -> Cell:
    """A percentage, hidden when it is about fewer than 5 people (`people`: the
    smallest group of people the rate would reveal)."""
    if denominator == 0:
        return Cell(None, "—")
    if is_small(people):
        return Cell(None, HIDDEN_TEXT)
    value = round(100 * numerator / denominator, 1)
    return Cell(value, f"{value:g}%")
