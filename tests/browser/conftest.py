"""Browser tests: real Chromium (Debian's package) driven by Playwright."""

import importlib
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def shoot():
    """Save a full-page screenshot under artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


_axe = Axe()


def assert_accessible(page) -> None:
    """axe-core reports no violations on the page as it is now."""
    results = _axe.run(page)
    violations = results.response["violations"]
    assert not violations, results.generate_report()


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px"


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def reference_rows():
    """Roles and the catalog come from data migrations, which a transactional test's
    flush removes (see tests/browser/test_public_site.py)."""
    from programs.models import Program

    importlib.import_module("accounts.migrations.0001_roles").create_roles(apps, None)
    if not Program.objects.exists():
        importlib.import_module("programs.migrations.0002_catalog").load_catalog(apps, None)


def console_errors(page) -> list[str]:
    """The page's console errors from now on (a script or style the Content-Security-
    Policy blocks shows up as one), less the "Failed to load resource" a form refused
    with 400 logs, which is expected."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    return errors
