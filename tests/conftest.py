import os
import time
import zlib
from datetime import datetime
from importlib import import_module

import factory
import factory.random
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sessions
from accounts.roles import COUNSELOR, DIRECTOR, INTAKE
from programs import pagecache
from tests import factories
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Production hashes passwords slowly on purpose; tests sign in hundreds of times.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One process, one local-memory cache: keeping schedule builds is right here, as with a
# shared CACHE_URL in production (scheduling.feedcache.enabled).
settings.SCHEDULE_CACHE = True


# Rows that data migrations make and every test may rely on: (module, function).
REFERENCE_DATA = (
    ("accounts.migrations.0001_roles", "create_roles"),
    ("programs.migrations.0002_catalog", "load_catalog"),
    ("scheduling.migrations.0002_session_types", "add_types"),
)


@pytest.fixture(autouse=True)
def _reference_rows(request, django_db_blocker):
    """Transactional tests (live server, concurrency) flush every table when they end,
    taking the rows of data migrations (roles, the catalog, session types) away from
    the tests after them. Serialized rollback can't bring them back once Playwright
    runs (the test thread then holds another connection object; pytest-django #1117),
    so when they are gone, run those data migrations again (each is idempotent),
    committed, before the test's own transaction begins where possible."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        if not Group.objects.filter(name=INTAKE).exists():
            for module, function in REFERENCE_DATA:
                getattr(import_module(module), function)(django_apps, None)


class SessionClock:
    """accounts.sessions.clock() standing still at `now` until a test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def session_clock(request, monkeypatch):
    """The idle rule's clock stands still during a test, at the whole second it began.
    A request rewrites the activity stamp (a session write: three more queries) only once
    the stamp is a minute old, so on a slow machine a pinned query count would depend
    on whether a minute turned mid-test. Tests of the rule move the clock themselves.
    Live-server tests keep the real clock: a browser waits for real time to pass."""
    if "live_server" in request.fixturenames:
        yield None
        return
    clock = SessionClock(float(int(time.time())))
    monkeypatch.setattr(sessions, "clock", clock)
    yield clock


@pytest.fixture(autouse=True)
def _empty_cache():
    """Django keeps its cache between tests (LocMemCache lives as long as the process):
    the catalog and the call form are cached under a catalog version that a later test
    can reach again, so what a test saw and how many queries it took depended on the
    tests before it. Every test starts cold; so do the public pages' copies
    (programs.pagecache), which are keyed by the catalog version too."""
    cache.clear()
    pagecache.clear()
    yield
    cache.clear()
    pagecache.clear()


@pytest.fixture
def frozen_now(monkeypatch):
    """`frozen_now(moment)` stops the clinic's clock at `moment`: django.utils.timezone.now
    and so timezone.localdate() and scheduling.clinictime.today(). What "today", "this
    week" and "already over" mean then cannot change mid-test (a session ending, midnight,
    a Sunday night), whatever the hour CI runs at. Returns the moment."""

    def freeze(moment: datetime) -> datetime:
        assert moment.tzinfo is not None
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze


def _factory_classes():
    return [
        value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, factory.base.BaseFactory)
        and value._meta.model is not None
        and value._meta.counter_reference is value._meta
    ]


@pytest.fixture(autouse=True)
def _same_fake_data_every_run(request):
    """Faker values and factory sequences depend on the test alone, not on chance nor on
    the tests run before it: a fictional name that happens to collide with page text or
    a unique value fails every run or none. IOP_TEST_SEED=n draws another set (to look
    for such collisions on purpose)."""
    salt = os.environ.get("IOP_TEST_SEED", "0")
    factory.random.reseed_random(zlib.crc32(f"{salt}:{request.node.nodeid}".encode()))
    for factory_class in _factory_classes():
        factory_class.reset_sequence()


def _staff(role: str, username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def intake_user(db):
    return _staff(INTAKE, "intake_worker")


@pytest.fixture
def counselor(db):
    return _staff(COUNSELOR, "counselor_one")


@pytest.fixture
def other_counselor(db):
    return _staff(COUNSELOR, "counselor_two")


@pytest.fixture
def director(db):
    """A clinical director with an authenticator app (two-factor is required for them)."""
    user = _staff(DIRECTOR, "director")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


@pytest.fixture
def site_admin(db):
    """A Django-admin user (staff, superuser) with an authenticator: admins need two-factor."""
    user = UserFactory(username="site_admin", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def _client_for(user) -> Client:
    """A client already signed in as `user`, as the login view leaves a session: idle
    clock started and, for a user with an authenticator, the second factor verified.
    Made without a sign-in request, so tests of other things find no sign-in entries in
    the audit log (tests/accounts/test_login_audit.py covers those)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[sessions.LAST_ACTIVITY] = int(sessions.clock())
    session[sessions.SIGNED_IN] = int(sessions.clock())
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


@pytest.fixture(autouse=True)
def _empty_audit_log_before_flush(request):
    """Transactional tests end with Django emptying every table (TRUNCATE). The audit
    log refuses TRUNCATE while it holds entries (accounts migration 0003), so empty it
    first, with its guard off for that moment: the test database role owns the tables
    and may; production's app role does not (docs/security.md "Database role")."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # so this teardown runs before the flush
    yield
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM accounts_auditevent")
        cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def anon_client() -> Client:
    return Client()


@pytest.fixture
def intake_client(intake_user) -> Client:
    return _client_for(intake_user)


@pytest.fixture
def counselor_client(counselor) -> Client:
    return _client_for(counselor)


@pytest.fixture
def other_counselor_client(other_counselor) -> Client:
    return _client_for(other_counselor)


@pytest.fixture
def director_client(director) -> Client:
    return _client_for(director)


@pytest.fixture
def site_admin_client(site_admin) -> Client:
    return _client_for(site_admin)


@pytest.fixture
def unverified_director_client(director) -> Client:
    """A director past the password step, not yet past the second factor."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(director.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = director.get_session_auth_hash()
    session[sessions.LAST_ACTIVITY] = int(time.time())
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


@pytest.fixture
def fuzz_world(intake_user, counselor, director):
    """The objects the fuzz tests' endpoints act on (tests/fuzzing.py)."""
    from tests.fuzzing import World

    return World(intake_user, counselor, director)
