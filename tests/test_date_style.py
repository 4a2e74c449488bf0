"""One date and time style on the staff side: 12-hour times ("4:45 PM"), dates like
"Tue, Dec 1, 2026"; ISO dates only in exports and form inputs.

Renders the main staff pages over the demo clinic and reads their visible text (not
attributes, not form inputs), looking for a 24-hour time or an ISO date.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from intake.models import Assessment, Inquiry, Patient
from scheduling.models import Session, Track
from tests.conftest import _client_for

pytestmark = pytest.mark.django_db

TWENTY_FOUR_HOUR = re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b(?!\s?(?:AM|PM))")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _VisibleText(HTMLParser):
    SKIP = {"script", "style", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _staff_pages() -> list[str]:
    patient = Patient.objects.filter(admissions__isnull=False).first()
    session = Session.objects.filter(track__isnull=False).order_by("start").last()
    return [
        reverse("accounts:home"),
        reverse("accounts:audit-log"),
        reverse("accounts:lockout-list"),
        reverse("intake:inquiry-list"),
        Inquiry.objects.first().get_absolute_url(),
        reverse("intake:patient-list"),
        patient.get_absolute_url(),
        Assessment.objects.filter(completed_at__isnull=False).first().get_absolute_url(),
        reverse("scheduling:week"),
        f"{reverse('scheduling:week')}?date={session.start.date().isoformat()}",
        reverse("scheduling:caseload"),
        reverse("scheduling:track-list"),
        Track.objects.first().get_absolute_url(),
        session.get_absolute_url(),
        reverse("scheduling:patient-attendance", args=[patient.uuid]),
        reverse("outcomes:dashboard"),
        reverse("outcomes:patient-progress", args=[patient.uuid]),
        reverse("notes:patient-notes", args=[patient.uuid]),
        reverse("notes:session-note", args=[session.pk]),
    ]


@pytest.fixture
def demo_director():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return get_user_model().objects.get(username="director")


def test_staff_pages_show_12_hour_times_and_no_iso_dates(demo_director):
    client = _client_for(demo_director)
    problems, twelve_hour = [], 0
    for url in _staff_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        twelve_hour += len(re.findall(r"\b1?\d:[0-5]\d (?:AM|PM)\b", text))
        for pattern in (TWENTY_FOUR_HOUR, ISO_DATE):
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 40) : match.end() + 40]
                problems.append(f"{url}: {match.group()!r} in …{around}…")
    assert not problems, "\n".join(problems)
    assert twelve_hour > 20  # the pages did show times


def test_the_clinic_style_itself():
    from datetime import date, datetime, time

    from django.template import Context, Template
    from django.utils import timezone

    moment = timezone.make_aware(datetime(2026, 12, 1, 16, 45))
    html = Template(
        "{% load clinic_dates %}{{ m }} | {{ d|date }} | {{ t|time }} | "
        "{{ m|time_range:e }} | {{ d|weekday }} | {{ 18|hour_label }} | {{ d|month_day }}"
    ).render(
        Context(
            {"m": moment, "e": moment.replace(hour=18), "d": date(2026, 12, 1), "t": time(9, 5)}
        )
    )

    assert html == (
        "Tue, Dec 1, 2026, 4:45 PM | Tue, Dec 1, 2026 | 9:05 AM | "
        "4:45 PM – 6:45 PM | Tue | 6 PM | Dec 1"
    )
