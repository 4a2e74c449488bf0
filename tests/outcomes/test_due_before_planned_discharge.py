"""The discharge PHQ-9 and GAD-7 come due before a planned discharge date (domain.md
"Progress measures": every 4 weeks and at discharge): in every Monday-based clinic week
that overlaps the 7 days up to and including the planned date, unless one was taken on
or after the planned date less 7 days. A planned date that passes without a discharge
keeps them due ("planned discharge passed") until taken or discharged."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from intake.services import plan_discharge
from outcomes import progress, scales, services
from scheduling import clinictime
from tests.conftest import _client_for
from tests.factories import AdmissionFactory, PatientFactory, program

TODAY = date(2026, 3, 11)  # a Wednesday; its week runs Mon 9 to Sun 15 March
START = date(2026, 2, 1)
EARLIER = date(2026, 2, 25)  # the last 4-weekly pair; the next is due from 25 March
BEFORE = "before the planned discharge"
PASSED = "planned discharge passed"
BOTH = (scales.PHQ9, scales.GAD7)


@pytest.fixture
def today(frozen_now):
    frozen_now(clinictime.local_to_utc(TODAY, time(12, 0)))
    return TODAY


def _take(patient, kind, day, by):
    answers = {item.key: 0 for item in scales.ITEMS[kind]}
    services.record_measurement(patient=patient, kind=kind, taken_on=day, answers=answers, by=by)


def _discharge_measures(admission, monday):
    found = progress.due_for([admission], monday=monday)
    return {(d.kind, d.why) for d in found.get(admission.patient_id, []) if d.kind in BOTH}


def _both(why):
    return {(kind, why) for kind in BOTH} if why else set()


CASES = [
    # (planned date, Monday of the week asked, PHQ-9 and GAD-7 last taken, due why)
    pytest.param(date(2026, 3, 30), date(2026, 3, 16), EARLIER, None, id="the-week-before"),
    pytest.param(date(2026, 3, 22), date(2026, 3, 9), EARLIER, BEFORE, id="window-opens-sunday"),
    pytest.param(date(2026, 3, 23), date(2026, 3, 9), EARLIER, None, id="window-opens-monday"),
    pytest.param(date(2026, 3, 12), date(2026, 3, 9), EARLIER, BEFORE, id="the-week-of"),
    pytest.param(date(2026, 3, 16), date(2026, 3, 16), EARLIER, BEFORE, id="planned-on-a-monday"),
    pytest.param(date(2026, 3, 15), date(2026, 3, 9), EARLIER, BEFORE, id="planned-on-a-sunday"),
    pytest.param(date(2026, 3, 4), date(2026, 3, 9), date(2026, 2, 20), PASSED, id="date-passed"),
    pytest.param(date(2026, 3, 12), date(2026, 3, 9), date(2026, 3, 5), None, id="taken-in-window"),
    pytest.param(
        date(2026, 3, 12), date(2026, 3, 9), date(2026, 3, 4), BEFORE, id="taken-a-day-too-soon"
    ),
    pytest.param(date(2026, 3, 4), date(2026, 3, 9), date(2026, 3, 10), None, id="taken-after-it"),
    pytest.param(None, date(2026, 3, 9), EARLIER, None, id="no-planned-date"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("planned", "monday", "taken", "why"), CASES)
def test_due_before_the_planned_discharge(today, counselor, planned, monday, taken, why):
    admission = AdmissionFactory(
        primary_counselor=counselor,
        program=program("IOP"),
        start_date=START,
        planned_discharge_date=planned,
    )
    for kind in BOTH:
        _take(admission.patient, kind, taken, counselor)
    assert _discharge_measures(admission, monday) == _both(why)


@pytest.mark.django_db
def test_each_kind_counts_on_its_own(today, counselor):
    admission = AdmissionFactory(
        primary_counselor=counselor, start_date=START, planned_discharge_date=date(2026, 3, 13)
    )
    _take(admission.patient, scales.PHQ9, date(2026, 3, 6), counselor)  # the first day in
    _take(admission.patient, scales.GAD7, date(2026, 3, 5), counselor)  # one day too soon
    assert _discharge_measures(admission, date(2026, 3, 9)) == {(scales.GAD7, BEFORE)}


@pytest.mark.django_db
def test_never_taken_is_due_for_the_discharge_not_twice(today, counselor):
    admission = AdmissionFactory(
        primary_counselor=counselor, start_date=TODAY, planned_discharge_date=TODAY
    )
    found = progress.due_for([admission], monday=date(2026, 3, 9))[admission.patient_id]
    assert sorted(d.why for d in found if d.kind == scales.PHQ9) == [BEFORE]


@pytest.mark.django_db
def test_once_discharged_the_at_discharge_rule_takes_over(today, counselor):
    from intake.services import discharge_patient

    admission = AdmissionFactory(
        primary_counselor=counselor, start_date=START, planned_discharge_date=date(2026, 3, 12)
    )
    for kind in BOTH:
        _take(admission.patient, kind, EARLIER, counselor)
    discharge_patient(
        admission=admission, on=TODAY, reason="completed", note="Finished IOP.", by=counselor
    )
    admission.refresh_from_db()
    assert _discharge_measures(admission, date(2026, 3, 9)) == _both("at discharge")


@pytest.mark.django_db
def test_one_query_whatever_the_plans(today, counselor, django_assert_num_queries):
    admissions = [
        AdmissionFactory(primary_counselor=counselor, start_date=START, planned_discharge_date=day)
        for day in (None, date(2026, 3, 12), date(2026, 3, 4))
    ]
    with django_assert_num_queries(1):
        progress.due_for(admissions, monday=date(2026, 3, 9))


# --- on the counselor's home, in the clinic's week -------------------------------------


@pytest.fixture
def planned_patient(today, counselor):
    admission = AdmissionFactory(
        patient=PatientFactory(legal_first_name="Nell", legal_last_name="Ortega"),
        primary_counselor=counselor,
        program=program("IOP"),
        start_date=START,
    )
    for kind in BOTH:
        _take(admission.patient, kind, EARLIER, counselor)
    return admission


def _home(client) -> str:
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 200, response
    return response.content.decode()


@pytest.mark.django_db
def test_the_home_lists_them_before_the_planned_date(planned_patient, counselor, counselor_client):
    assert f"({BEFORE})" not in _home(counselor_client)
    plan_discharge(admission=planned_patient, on=TODAY + timedelta(days=4), by=counselor)
    home = _home(counselor_client)
    assert planned_patient.patient.mrn in home
    for label in ("PHQ-9 (depression)", "GAD-7 (anxiety)"):
        assert f'{label}</a> <span class="small text-body-secondary">({BEFORE})' in home


@pytest.mark.django_db
def test_sunday_night_is_still_the_clinics_week(planned_patient, counselor, frozen_now):
    # planned for Monday 23 March: the window opens on Monday 16 March. At 23:30 on Sunday
    # 15 March in Los Angeles it is already Monday in UTC, but the clinic's week is not.
    plan_discharge(admission=planned_patient, on=date(2026, 3, 23), by=counselor)
    sunday_night = clinictime.local_to_utc(date(2026, 3, 15), time(23, 30))
    assert sunday_night.date() == date(2026, 3, 16)
    frozen_now(sunday_night)
    client = _client_for(counselor)  # signed in at that moment (a session has an age)
    assert f"({BEFORE})" not in _home(client)
    frozen_now(clinictime.local_to_utc(date(2026, 3, 16), time(0, 30)))
    assert f"({BEFORE})" in _home(client)
