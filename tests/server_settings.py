"""Settings for the app servers that tests start under gunicorn (tests/servers.py):
iop.settings read from the environment, then as production answers (DEBUG off, so the
500 handler and the error pages run) but with plain static files, so no collectstatic
is needed, and the tests' fast password hasher (users are made by the test process)."""

from iop.settings import *  # noqa: F403

DEBUG = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
