"""Settings for iop, read from the environment.

Development defaults are safe; production must set DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL. A yes/no variable with any value but the accepted
spellings stops the start with a message naming it; the secrets (SECRET_KEY,
DATABASE_URL, CACHE_URL, EMAIL_HOST_PASSWORD) may instead be read from a file named by
<NAME>_FILE.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


# The spellings a boolean variable may take (any case); anything else stops the start.
BOOLEAN_SPELLINGS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def envbool(name: str, default: str) -> bool:
    """A yes/no variable. Unset or empty means `default`; a value that is none of
    BOOLEAN_SPELLINGS is an error naming the variable (a typo must not turn a
    security switch off)."""
    raw = os.environ.get(name, "").strip() or default
    try:
        return BOOLEAN_SPELLINGS[raw.lower()]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off."
        ) from None


def envint(name: str, default: str) -> int:
    raw = os.environ.get(name, "").strip() or default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envsecret(name: str, default: str = "") -> str:
    """A secret from `name`, or from the file named by `<name>_FILE` (Docker and
    Kubernetes secrets, systemd credentials), without its trailing newline. Setting
    both, or naming a file that cannot be read, is an error."""
    path = os.environ.get(f"{name}_FILE", "")
    if not path:
        return os.environ.get(name, default)
    if os.environ.get(name):
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    try:
        value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}_FILE names a file that cannot be read ({exc.strerror})."
        ) from None
    if not value:
        raise ImproperlyConfigured(f"{name}_FILE names an empty file.")
    return value


DEBUG = envbool("DEBUG", "1")

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # the admin with iop's site class: staff sign in through the app's own login
    "accounts.admin_config.IopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "accounts",
    "programs",
    "intake",
    "scheduling",
    "treatment",
    "notes",
    "outcomes",
    # demo and benchmark data (`seed_demo`, `demo_code`): above every app, imported by none
    "demo",
]

MIDDLEWARE = [
    # first: a 500 caused by the database being away becomes the 503 page (DEBUG on too)
    "accounts.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    # no stored copies of staff pages (public pages for anonymous visitors excepted)
    "accounts.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # an anonymous visitor's public catalog page from this process's copy at the current
    # catalog version: every header above is added to it as to the full path below
    "programs.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # an empty 405 (require_POST) gets the site's error page
    "accounts.errors.MethodNotAllowedPageMiddleware",
    # last, as django-axes asks: turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iop.urls"
WSGI_APPLICATION = "iop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programs.context_processors.clinic",
                "accounts.context_processors.staff_nav",
            ],
        },
    },
]

# The embedded PostgreSQL is started by scripts/withdb.py, which exports
# DATABASE_URL; settings never import it.
DATABASE_URL = envsecret("DATABASE_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test` (they start an "
        "embedded PostgreSQL) or point DATABASE_URL at a PostgreSQL 15+ server."
    )
# The development server (`manage.py runserver`, `make run`) serves each browser
# connection on its own thread; kept-open connections there would mean one PostgreSQL
# connection per thread for as long as the browser or crawler keeps its socket, until
# "too many clients". So under runserver every request closes its connection.
RUNSERVER = sys.argv[1:2] == ["runserver"]
CONN_MAX_AGE = 0 if RUNSERVER else envint("CONN_MAX_AGE", "60")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
    )
}
# A database that is down or unreachable: give up connecting after this many seconds, so
# every page answers quickly with the "we'll be back" page (accounts/outage.py) instead
# of hanging; a kept connection is checked before reuse (conn_health_checks above), so
# the app reconnects by itself once the database is back.
DATABASE_CONNECT_TIMEOUT = envint("DATABASE_CONNECT_TIMEOUT", "3")
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", DATABASE_CONNECT_TIMEOUT
)
# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator(), used by
# the audit-log export) cannot outlive its transaction: turn them off (docs/scaling.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = envbool("DISABLE_SERVER_SIDE_CURSORS", "0")
if os.environ.get("IOP_TEST_DB"):
    # lets several test runs share one server without sharing a test database
    DATABASES["default"]["TEST"] = {"NAME": os.environ["IOP_TEST_DB"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses locked-out accounts before a password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"

# Session notes: DAP (data, assessment, plan) or BIRP (behavior, intervention, response,
# plan); days the clinic is closed, which do not count as business days for a note's due
# date (ISO dates, comma-separated).
NOTE_FORMAT = os.environ.get("NOTE_FORMAT", "DAP").upper()
NOTE_HOLIDAYS = envlist("NOTE_HOLIDAYS", "")
USE_I18N = True
USE_TZ = True
# the clinic's date and time style ("Tue, Dec 1, 2026, 4:45 PM"): iop/formats/en/formats.py
FORMAT_MODULE_PATH = ["iop.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# CACHE_URL (redis://host:6379/0, rediss:// for TLS) shares one cache between every app
# server, through Django's own Redis backend; unset, each process has its own memory.
# Nothing another server must see relies on the local one (docs/scaling.md).
CACHE_URL = envsecret("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "iop"),
            # a Redis that is down must not hang a page either
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "iop",
        }
    }

# Keep built iCal feeds and week grids in the cache (scheduling.feedcache): only right
# when every process shares one cache, so on by default only with CACHE_URL.
SCHEDULE_CACHE = envbool("SCHEDULE_CACHE", "1" if CACHE_URL else "0")
# Keep the public catalog's version in the cache, written there when an edit commits
# (programs/catalog.py), instead of reading it from the database on every public page:
# only right when every process shares one cache, so on by default only with CACHE_URL.
CATALOG_VERSION_CACHE = envbool("CATALOG_VERSION_CACHE", "1" if CACHE_URL else "0")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "iop@clinic.example")

# Behind a TLS-terminating proxy in production.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else envint("SECURE_HSTS_SECONDS", "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The header asks browsers to put the site on their built-in HTTPS-only list; that binds
# every subdomain of the clinic's domain for good, so it is the domain owner's choice
# (docs/security.md). Off by default, and then check --deploy's reminder is silenced.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Staff sessions (docs/security.md "Idle sign-out"): they end when the browser closes and
# after IDLE_TIMEOUT_SECONDS without a request; the page warns IDLE_WARNING_SECONDS after
# the last request and saves open drafts before signing out.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IDLE_TIMEOUT_SECONDS = envint("IDLE_TIMEOUT_SECONDS", "900")
IDLE_WARNING_SECONDS = envint("IDLE_WARNING_SECONDS", "780")
if not 0 < IDLE_WARNING_SECONDS < IDLE_TIMEOUT_SECONDS:
    raise ImproperlyConfigured("IDLE_WARNING_SECONDS must be between 0 and IDLE_TIMEOUT_SECONDS.")
# the longest a session lasts from sign-in, however active (accounts/sessions.py keeps the
# sign-in time; the idle rule never moves it). Django's own expiry is the same figure,
# as a backstop for sessions nobody comes back to.
SESSION_MAX_AGE_SECONDS = envint("SESSION_MAX_AGE_SECONDS", str(12 * 3600))
SESSION_COOKIE_AGE = SESSION_MAX_AGE_SECONDS

# How long a counselor's reason to see a patient lasts (intake/access.py, docs/security.md
# "Who sees which patient"): a session gives access from ACCESS_SESSION_DAYS_BEFORE days
# before it starts to ACCESS_SESSION_DAYS_AFTER days after it ends (cancelled ones: none);
# a caseload admission until ACCESS_CLOSING_DAYS days after the discharge date.
ACCESS_SESSION_DAYS_BEFORE = envint("ACCESS_SESSION_DAYS_BEFORE", "7")
ACCESS_SESSION_DAYS_AFTER = envint("ACCESS_SESSION_DAYS_AFTER", "30")
ACCESS_CLOSING_DAYS = envint("ACCESS_CLOSING_DAYS", "14")

# Sign-in lockout (django-axes): LOGIN_FAILURE_LIMIT failed sign-ins for one username
# within LOGIN_LOCKOUT_MINUTES lock that username until the time has passed without
# further failures or a clinical director unlocks it (Staff > Locked accounts).
# By username, not address: the whole clinic shares one address behind its router.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "30"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the address in the lockout too. Failures are counted per username
# whatever the address or browser, so rotating them gains nothing; locking by address
# would lock out the whole clinic at once (docs/security.md "Sign-in lockout").
SILENCED_SYSTEM_CHECKS += ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
# the app's own audit log records every sign-in and sign-out
AXES_DISABLE_ACCESS_LOG = True
AXES_HTTP_RESPONSE_CODE = 429
# a stale or missing CSRF token: the site's 403 page, saying the form expired
CSRF_FAILURE_VIEW = "accounts.errors.csrf_failure"

# Two-factor sign-in (django-otp): required for clinical directors, available to everyone
# (Staff > Sign-in security).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "iop")

# Content-Security-Policy (django-csp): no inline script, style or event handler anywhere,
# the Django admin included (docs/security.md "Headers"). img-src allows data: because
# Bootstrap's stylesheet draws its small icons (menu button, select arrow, check marks)
# as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page here uses (accounts.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Password-reset e-mail (accounts/password_reset.py): requests an hour from one address
# (beyond: 429) and e-mails an hour to one address typed (beyond: nothing sent, same page).
PASSWORD_RESETS_PER_ADDRESS = envint("PASSWORD_RESETS_PER_ADDRESS", "5")
PASSWORD_RESETS_PER_ACCOUNT = envint("PASSWORD_RESETS_PER_ACCOUNT", "3")

# Public call requests: how many one address may send per hour.
CALL_REQUESTS_PER_HOUR = envint("CALL_REQUESTS_PER_HOUR", "5")
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, use
# REMOTE_ADDR). Behind one proxy every visitor would otherwise share one rate limit.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")

# Clinic details shown on public pages (fictional demo clinic by default).
CLINIC_NAME = os.environ.get("CLINIC_NAME", "Harbor Light Recovery Center")
CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "(213) 555-0100")
CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "1200 Example Avenue, Los Angeles, CA 90012")
# Opening hours, clinic time: an individual session outside them (or on a closed day)
# is booked only after the person booking confirms it (scheduling/limits.py).
CLINIC_OPENS = os.environ.get("CLINIC_OPENS", "07:00")
CLINIC_CLOSES = os.environ.get("CLINIC_CLOSES", "21:00")
CLINIC_OPEN_DAYS = envlist("CLINIC_OPEN_DAYS", "Mon,Tue,Wed,Thu,Fri,Sat")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "filters": {
        # during a database outage: the first failure's traceback, then a count a minute
        "database_outage": {
            "()": "iop.logfilters.DatabaseOutageFilter",
            "interval": envint("LOG_OUTAGE_INTERVAL_SECONDS", "60"),
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # request lines carry URLs only; patients are addressed by UUID, never by name
        "django.server": {"level": "INFO"},
        "django.request": {"filters": ["database_outage"]},
        # django-axes reports each sign-in at INFO; failures and lockouts (WARNING) stay
        "axes": {"level": "WARNING"},
    },
}
