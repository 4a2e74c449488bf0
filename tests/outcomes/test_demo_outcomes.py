"""The demo has measures every week, one patient off track, one improving, and screens
with expected and unexpected results; loading it twice adds nothing."""

from demo.outcomes import IMPROVING, OFF_TRACK, ensure_demo_outcomes
from demo.schedule import ensure_demo_schedule
from intake.models import Patient
from outcomes import progress
from outcomes.models import Measurement, ScreenResult


def test_the_demo_outcomes(db):
    ensure_demo_schedule()
    assert ensure_demo_outcomes() > 0
    off, better = Patient.objects.get(email=OFF_TRACK), Patient.objects.get(email=IMPROVING)
    flags = progress.flags_for([off.pk, better.pk])
    assert off.pk in flags
    assert better.pk not in flags
    assert ScreenResult.objects.filter(outcome="positive", expected=True).exists()
    assert ScreenResult.objects.filter(outcome="positive", expected=False).exists()
    count = Measurement.objects.count()
    assert ensure_demo_outcomes() == 0
    assert Measurement.objects.count() == count


def test_the_demo_counselor_sees_measures_due_before_a_planned_discharge(db):
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.urls import reverse

    from demo.outcomes import IMPROVING as PLANNED_SOON  # the demo plans his discharge
    from scheduling import clinictime
    from tests.conftest import _client_for

    ensure_demo_schedule()
    ensure_demo_outcomes()
    patient = Patient.objects.get(email=PLANNED_SOON)
    planned = patient.open_admission().planned_discharge_date
    assert clinictime.today() < planned <= clinictime.today() + timedelta(days=7)
    home = _client_for(User.objects.get(username="counselor")).get(reverse("accounts:home"))
    html = home.content.decode()
    due = html[html.index("Measures due this week") : html.index("Drug screens due today")]
    line = next(li for li in due.split("<li") if patient.mrn in li)
    assert "PHQ-9" in line and "(before the planned discharge)" in line
    assert "GAD-7" in line
