"""The catalog's pages take no input: no endpoint to fuzz, each URL says why."""

from __future__ import annotations

from tests.fuzzing import Endpoint

ENDPOINTS: list[Endpoint] = []

# Every other URL name of the app, and why it is not fuzzed.
NOT_FUZZED = {
    "programs:home": "no input",
    "programs:program-list": "no input",
    "programs:compare": "no input",
    "programs:program-detail": "no input but the slug (404 when unknown)",
    "programs:what-to-expect": "no input",
    "programs:faq": "no input",
}
