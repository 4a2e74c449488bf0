"""Docstrings and comments say what is, never when or by which piece of work it came:
no "issue 6", "added by the placement work" in the code, the tests or the templates
(the issue tracker and git history keep that)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STALE = re.compile(
    r"\bissues? #?\d+\b|\b(?:added|introduced|written|built) (?:by|for|in) the [\w -]+ work\b",
    re.IGNORECASE,
)
SUFFIXES = {".py", ".html", ".js", ".css", ".txt"}


def sources() -> list[Path]:
    """The project's own code, tests and templates (apps, iop, tests, templates,
    static/js and static/css, bench, scripts); migrations left out."""
    tops = ["iop", "tests", "templates", "bench", "scripts", "static/js", "static/css"]
    tops += sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
    return [
        path
        for top in tops
        for path in sorted((ROOT / top).rglob("*"))
        if path.suffix in SUFFIXES
        and "migrations" not in path.parts
        and path != Path(__file__).resolve()
    ]


def test_no_comment_says_which_issue_or_work_brought_it():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in sources()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if STALE.search(line)
    ]
    assert not found, "say what is, not where it came from:\n" + "\n".join(found)


def test_the_pattern_catches_both_kinds():
    assert STALE.search("Hostile input (issue 5): never a 500")
    assert STALE.search("Added by the placement work (also stable):")
    assert not STALE.search("An issue with the 5 sessions")
