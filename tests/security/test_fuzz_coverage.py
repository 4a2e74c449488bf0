"""Every URL of the project is fuzzed by an app's file (tests/<app>/test_fuzz_<app>.py)
or says there why not; the harness is tests/fuzzing.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests import fuzzing


def url_names() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if entry.namespace and namespace:
                    inner = f"{namespace}:{entry.namespace}"
                if inner == "admin":
                    found.add("admin:*")
                    continue
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                name = entry.name or f"<unnamed {entry.pattern}>"
                found.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, None)
    return found


def test_every_url_is_fuzzed_or_says_why_not():
    fuzzed = {endpoint.name.split(" ")[0] for endpoint in fuzzing.all_endpoints()}
    not_fuzzed = set(fuzzing.all_not_fuzzed())
    missing = sorted(url_names() - fuzzed - not_fuzzed)
    assert not missing, f"URLs neither fuzzed nor listed in an app's NOT_FUZZED: {missing}"
    assert not fuzzed & not_fuzzed
    assert not (fuzzed | not_fuzzed) - url_names(), "stale names"


def test_every_app_file_is_found():
    """The gathering sees each app's file (a file it missed would hide its URLs)."""
    names = {module.__name__ for module in fuzzing.fuzz_modules()}
    assert {
        "tests.accounts.test_fuzz_accounts",
        "tests.programs.test_fuzz_programs",
        "tests.intake.test_fuzz_intake",
        "tests.scheduling.test_fuzz_scheduling",
        "tests.notes.test_fuzz_notes",
    } <= names
