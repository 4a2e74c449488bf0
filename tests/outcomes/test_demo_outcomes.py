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
