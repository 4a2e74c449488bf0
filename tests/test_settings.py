"""Settings from the environment: a yes/no variable accepts only its spellings (a typo
stops the start, naming the variable), and secrets may come from `<NAME>_FILE`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from iop.settings import BOOLEAN_SPELLINGS, envbool, envint, envsecret

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        ("YES", True),
        ("On", True),
        (" yes ", True),
        ("0", False),
        ("false", False),
        ("FALSE", False),
        ("No", False),
        ("off", False),
    ],
)
def test_accepted_spellings_in_any_case(monkeypatch, raw, expected):
    monkeypatch.setenv("IOP_SOME_SWITCH", raw)
    assert envbool("IOP_SOME_SWITCH", "0") is expected


@pytest.mark.parametrize("raw", ["tru", "flase", "2", "-1", "y", "n", "enabled", "0n", "off!"])
def test_any_other_value_is_an_error_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("IOP_SOME_SWITCH", raw)
    with pytest.raises(ImproperlyConfigured, match="IOP_SOME_SWITCH"):
        envbool("IOP_SOME_SWITCH", "0")


def test_unset_or_empty_means_the_default(monkeypatch):
    monkeypatch.delenv("IOP_SOME_SWITCH", raising=False)
    assert envbool("IOP_SOME_SWITCH", "1") is True
    monkeypatch.setenv("IOP_SOME_SWITCH", "")
    assert envbool("IOP_SOME_SWITCH", "0") is False


def test_the_spellings_are_the_documented_ones():
    assert set(BOOLEAN_SPELLINGS) == {"1", "0", "true", "false", "yes", "no", "on", "off"}


def test_a_number_that_is_not_one_names_the_variable(monkeypatch):
    monkeypatch.setenv("IOP_SOME_COUNT", "five")
    with pytest.raises(ImproperlyConfigured, match="IOP_SOME_COUNT"):
        envint("IOP_SOME_COUNT", "5")


def test_a_secret_comes_from_its_file_without_the_trailing_newline(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret value\n")
    monkeypatch.delenv("IOP_SOME_SECRET", raising=False)
    monkeypatch.setenv("IOP_SOME_SECRET_FILE", str(secret))
    assert envsecret("IOP_SOME_SECRET") == "s3cret value"


def test_a_secret_without_a_file_comes_from_the_variable(monkeypatch):
    monkeypatch.delenv("IOP_SOME_SECRET_FILE", raising=False)
    monkeypatch.setenv("IOP_SOME_SECRET", "plain")
    assert envsecret("IOP_SOME_SECRET") == "plain"
    monkeypatch.delenv("IOP_SOME_SECRET")
    assert envsecret("IOP_SOME_SECRET", "fallback") == "fallback"


def test_a_secret_set_both_ways_is_an_error(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from the file")
    monkeypatch.setenv("IOP_SOME_SECRET", "from the variable")
    monkeypatch.setenv("IOP_SOME_SECRET_FILE", str(secret))
    with pytest.raises(ImproperlyConfigured, match="IOP_SOME_SECRET or IOP_SOME_SECRET_FILE"):
        envsecret("IOP_SOME_SECRET")


@pytest.mark.parametrize("content", [None, "", "\n"])
def test_a_missing_or_empty_secret_file_is_an_error(monkeypatch, tmp_path, content):
    secret = tmp_path / "secret"
    if content is not None:
        secret.write_text(content)
    monkeypatch.delenv("IOP_SOME_SECRET", raising=False)
    monkeypatch.setenv("IOP_SOME_SECRET_FILE", str(secret))
    with pytest.raises(ImproperlyConfigured, match="IOP_SOME_SECRET_FILE"):
        envsecret("IOP_SOME_SECRET")


# --- at start-up, as a deployment runs it ---------------------------------------------


SHOWN = "s.DEBUG, s.SECRET_KEY, s.DATABASES['default']['NAME'], s.EMAIL_HOST_PASSWORD"


def _start(show: str = SHOWN, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the settings in a fresh interpreter and print a few of them (`show`)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    for key in ("SECRET_KEY", "SECURE_SSL_REDIRECT", "EMAIL_USE_TLS"):
        base.pop(key, None)
    base.update(env)
    code = f"import django; from django.conf import settings as s; django.setup(); print({show})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "iop.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", ["DEBUG", "SECURE_SSL_REDIRECT", "EMAIL_USE_TLS"])
def test_a_typo_in_a_switch_stops_the_start_naming_it(name):
    result = _start(**{name: "ture"})
    assert result.returncode != 0
    assert f"{name}='ture' is not a yes/no value" in result.stderr


def test_production_reads_its_secrets_from_files(tmp_path):
    files = {
        "SECRET_KEY_FILE": "prod-like-k3y-With-Enough-Variety-0123456789\n",
        "DATABASE_URL_FILE": "postgres://iop:pw@db.internal:5432/iop_from_file\n",
        "EMAIL_HOST_PASSWORD_FILE": "mail-pass\n",
    }
    env = {"DEBUG": "0", "ALLOWED_HOSTS": "iop.clinic.example", "DATABASE_URL": ""}
    for name, content in files.items():
        (tmp_path / name).write_text(content)
        env[name] = str(tmp_path / name)
    result = _start(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "prod-like-k3y-With-Enough-Variety-0123456789",
        "iop_from_file",
        "mail-pass",
    ]


CACHE = "s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION')"


def test_without_cache_url_each_process_has_its_own_memory_cache():
    result = _start(show=CACHE, CACHE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "iop"]


def test_cache_url_shares_a_redis_cache_through_djangos_own_backend():
    result = _start(show=CACHE, CACHE_URL="redis://cache.internal:6379/2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/2",
    ]


@pytest.mark.parametrize(
    ("env", "kept"),
    [
        ({"CACHE_URL": ""}, "False"),
        ({"CACHE_URL": "redis://cache.internal:6379/2"}, "True"),
        ({"CACHE_URL": "redis://cache.internal:6379/2", "SCHEDULE_CACHE": "0"}, "False"),
    ],
)
def test_schedule_builds_are_kept_only_in_a_shared_cache(env, kept):
    result = _start(show="s.SCHEDULE_CACHE", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [kept]


def test_a_cache_url_that_is_not_redis_stops_the_start():
    result = _start(show=CACHE, CACHE_URL="memcached://cache.internal:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a redis://" in result.stderr


def test_connecting_to_the_database_gives_up_after_three_seconds():
    result = _start(show="s.DATABASES['default']['OPTIONS']['connect_timeout']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3"]
    result = _start(
        show="s.DATABASES['default']['OPTIONS']['connect_timeout']", DATABASE_CONNECT_TIMEOUT="5"
    )
    assert result.stdout.split() == ["5"]


def test_server_side_cursors_can_be_turned_off_for_a_transaction_pooler():
    shown = "s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']"
    assert _start(show=shown).stdout.split() == ["False"]
    assert _start(show=shown, DISABLE_SERVER_SIDE_CURSORS="1").stdout.split() == ["True"]
