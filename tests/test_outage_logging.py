"""During a database outage the log gets the first failure's traceback, then one line
per interval with a count, not a traceback per request (iop/logfilters.py)."""

import logging
import sys

import pytest
from django.db.utils import IntegrityError, OperationalError
from django.urls import reverse

from iop.logfilters import DatabaseOutageFilter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def outage_filter(monkeypatch):
    """The filter configured on django.request, on a clock the test moves."""
    (found,) = [
        f
        for f in logging.getLogger("django.request").filters
        if isinstance(f, DatabaseOutageFilter)
    ]
    clock = Clock()
    monkeypatch.setattr(found, "clock", clock)
    monkeypatch.setattr(found, "_window_start", None)
    monkeypatch.setattr(found, "_suppressed", 0)
    return clock


@pytest.fixture
def broken_home(monkeypatch, intake_client):
    def fail(request):
        raise OperationalError('connection to server on socket "/tmp/.s.PGSQL.5432" failed')

    monkeypatch.setattr("accounts.home.panels_for", fail)
    intake_client.raise_request_exception = False
    return intake_client


def _errors(caplog):
    return [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_an_outage_logs_one_traceback_then_a_count_per_interval(broken_home, outage_filter, caplog):
    home = reverse("accounts:home")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        for _ in range(50):
            assert broken_home.get(home).status_code in (500, 503)
            outage_filter.now += 0.5  # 50 requests in 25 s
        first = _errors(caplog)
        assert len(first) == 1
        assert first[0].exc_info is not None  # the first one with its traceback
        outage_filter.now += 40  # 65 s after the first failure
        broken_home.get(home)
    records = _errors(caplog)
    assert len(records) == 2
    summary = records[1]
    assert summary.exc_info is None
    assert summary.getMessage().startswith(
        "Database unavailable: 50 more failed requests in the last 65 s (OperationalError:"
    )


@pytest.mark.django_db
def test_a_new_outage_logs_its_first_traceback_again(broken_home, outage_filter, caplog):
    home = reverse("accounts:home")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        broken_home.get(home)
        broken_home.get(home)
        outage_filter.now += 600  # the database was back for ten minutes
        broken_home.get(home)
    records = _errors(caplog)
    assert len(records) == 2
    assert all(record.exc_info is not None for record in records)


def test_other_errors_keep_every_traceback():
    outage = DatabaseOutageFilter(interval=60, clock=Clock())
    for _ in range(3):
        try:
            raise IntegrityError("duplicate key")
        except IntegrityError:
            record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), None)
            record.exc_info = sys.exc_info()
        assert outage.filter(record) is True
        assert record.exc_info is not None


def test_a_wrapped_driver_error_counts_as_an_outage():
    outage = DatabaseOutageFilter(interval=60, clock=Clock())
    records = []
    for _ in range(3):
        try:
            try:
                raise ConnectionRefusedError("refused")
            except ConnectionRefusedError as cause:
                raise OperationalError("server closed the connection") from cause
        except OperationalError:
            record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), None)
            record.exc_info = sys.exc_info()
            records.append(outage.filter(record))
    assert records == [True, False, False]
