"""Faker and factory-boy are development-only: the production import path (every module
of every app, the project package and the URLconf, after django.setup()) loads neither.
Only the `demo.sizes` package (the benchmark clinics, loaded by `seed_demo --size`) may."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: the test process itself has imported both libraries.
SCRIPT = r"""
import importlib, pkgutil, sys

DEV_ONLY = ("faker", "factory")
ALLOWED = {"demo.sizes"}  # the benchmark clinics: `seed_demo --size` imports them when asked


class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in DEV_ONLY:
            raise ImportError(f"{name} is development-only")
        return None


sys.meta_path.insert(0, Refuse())

import django

django.setup()
from django.urls import get_resolver

get_resolver().url_patterns


# Import `package` and every module under it, except the ALLOWED ones and what lies
# under them (walk_packages would import an allowed package to look inside it).
def walk(package):
    module = importlib.import_module(package)
    count = 1
    for info in pkgutil.iter_modules(module.__path__, prefix=f"{package}."):
        if info.name in ALLOWED:
            continue
        if info.ispkg:
            count += walk(info.name)
        else:
            importlib.import_module(info.name)
            count += 1
    return count


imported = sum(walk(package) for package in sys.argv[1:])
loaded = sorted(name for name in sys.modules if name.split(".")[0] in DEV_ONLY)
assert not loaded, loaded
print(imported)
"""


def _packages() -> list[str]:
    """iop and every app of the project (a top-level folder with an apps.py)."""
    apps = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
    return ["iop", *apps]


def test_no_app_module_imports_faker_or_factory_boy():
    packages = _packages()
    assert {"accounts", "programs", "intake", "scheduling", "demo"} <= set(packages)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *packages],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "iop.settings"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.split()[-1]) > 50  # it walked the apps, not nothing
