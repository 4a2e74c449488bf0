"""The planned discharge date of an open admission: set on its own page by intake staff,
the director or the admission's primary counselor, shown on the patient's page, held to
docs/date-ranges.md (not before the admission began, within a year of today), and
audited. Tried through the page and through the service."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.template.defaultfilters import date as date_filter
from django.urls import reverse

from accounts.models import AuditEvent
from intake import dates, services
from intake.models import Admission, InvalidTransition, Refused
from tests.factories import AdmissionFactory, program
from tests.intake.conftest import days_ago, text, today

pytestmark = pytest.mark.django_db

AHEAD = dates.PLANNED_DISCHARGE_MAX_DAYS_AHEAD


@pytest.fixture
def admission(counselor):
    return AdmissionFactory(
        primary_counselor=counselor, program=program("IOP"), start_date=days_ago(20)
    )


def plan_url(admission) -> str:
    return reverse("intake:plan-discharge", args=[admission.patient.uuid, admission.pk])


def _words(day) -> str:
    """A day as the range messages write it (accounts.validators)."""
    return f"{day:%b} {day.day}, {day.year}"


def _field_errors(response) -> list[str]:
    return response.context["form"].errors.get("planned_discharge_date", [])


# --- through the page -------------------------------------------------------------------


def test_the_counselor_sets_it_and_sees_it_on_the_patients_page(
    counselor_client, counselor, admission
):
    patient_page = counselor_client.get(admission.patient.get_absolute_url())
    assert "No discharge date planned" in text(patient_page)
    assert "Set planned discharge" in text(patient_page)
    assert plan_url(admission) in patient_page.content.decode()

    form = counselor_client.get(plan_url(admission))
    assert form.status_code == 200
    assert "Planned discharge date" in text(form)

    planned = today() + timedelta(days=10)
    response = counselor_client.post(plan_url(admission), {"planned_discharge_date": planned})
    assert response.status_code == 302
    assert response.url == admission.patient.get_absolute_url()
    admission.refresh_from_db()
    assert admission.planned_discharge_date == planned

    shown = text(counselor_client.get(admission.patient.get_absolute_url()))
    assert f"Planned discharge: {date_filter(planned)}" in shown
    assert "Change planned discharge" in shown

    events = AuditEvent.objects.filter(patient_uuid=admission.patient.uuid, actor=counselor)
    assert events.filter(action="view", detail="planned discharge").exists()
    assert events.filter(
        action="change", detail=f"planned discharge: none to {planned.isoformat()}"
    ).exists()


def test_a_date_before_the_admission_is_refused_next_to_the_field(counselor_client, admission):
    too_early = admission.start_date - timedelta(days=1)
    response = counselor_client.post(plan_url(admission), {"planned_discharge_date": too_early})
    assert response.status_code == 400
    assert _field_errors(response) == [
        f"The planned discharge date can't be before {_words(admission.start_date)}."
    ]
    assert f'value="{too_early.isoformat()}"' in response.content.decode()  # kept as typed
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None
    assert not AuditEvent.objects.filter(action="change", object_id=str(admission.pk)).exists()


def test_a_date_more_than_a_year_ahead_is_refused(intake_client, admission):
    too_late = today() + timedelta(days=AHEAD + 1)
    response = intake_client.post(plan_url(admission), {"planned_discharge_date": too_late})
    assert response.status_code == 400
    assert _field_errors(response) == [
        f"The planned discharge date can't be after {_words(today() + timedelta(AHEAD))}."
    ]
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None


def test_nonsense_is_refused_and_nothing_saved(counselor_client, admission):
    response = counselor_client.post(plan_url(admission), {"planned_discharge_date": "soon"})
    assert response.status_code == 400
    assert _field_errors(response) == ["Enter a valid date."]
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None


def test_an_empty_date_clears_the_plan(director_client, admission, director):
    services.plan_discharge(admission=admission, on=today(), by=director)
    response = director_client.post(plan_url(admission), {"planned_discharge_date": ""})
    assert response.status_code == 302
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None
    assert "No discharge date planned" in text(
        director_client.get(admission.patient.get_absolute_url())
    )


def test_intake_staff_may_set_it(intake_client, admission):
    planned = today() + timedelta(days=AHEAD)
    response = intake_client.post(plan_url(admission), {"planned_discharge_date": planned})
    assert response.status_code == 302
    admission.refresh_from_db()
    assert admission.planned_discharge_date == planned


def test_another_counselor_is_refused(other_counselor_client, admission):
    assert other_counselor_client.get(plan_url(admission)).status_code == 404
    posted = other_counselor_client.post(plan_url(admission), {"planned_discharge_date": today()})
    assert posted.status_code == 404
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None
    assert not AuditEvent.objects.filter(patient_uuid=admission.patient.uuid).exists()


def test_a_counselor_who_sees_the_patient_but_is_not_their_counselor_gets_403(
    other_counselor_client, other_counselor, admission, monkeypatch
):
    from intake import access

    # any other reason to see the patient (scheduling adds "in one of their sessions")
    monkeypatch.setattr(
        access,
        "_counselor_rules",
        [lambda user: Admission.objects.filter(pk=admission.pk).values("patient_id")],
    )
    page = other_counselor_client.get(admission.patient.get_absolute_url())
    assert page.status_code == 200
    assert "Set planned discharge" not in text(page)
    assert other_counselor_client.get(plan_url(admission)).status_code == 403
    posted = other_counselor_client.post(plan_url(admission), {"planned_discharge_date": today()})
    assert posted.status_code == 403
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None


def _discharge(admission, by) -> None:
    services.discharge_patient(
        admission=admission, on=today(), reason="completed", note="Finished the program.", by=by
    )


def test_a_closed_admission_has_no_plan_to_set(intake_client, intake_user, admission):
    _discharge(admission, intake_user)
    response = intake_client.get(plan_url(admission))
    assert response.status_code == 302
    response = intake_client.post(plan_url(admission), {"planned_discharge_date": today()})
    assert response.status_code == 302
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None


# --- through the service ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset_from_start", "offset_from_today", "refused"),
    [
        (-1, None, True),  # the day before the admission began
        (0, None, False),  # the day it began
        (None, AHEAD, False),  # a year from today
        (None, AHEAD + 1, True),  # a day more
    ],
)
def test_the_service_holds_the_range(
    admission, counselor, offset_from_start, offset_from_today, refused
):
    if offset_from_start is not None:
        on = admission.start_date + timedelta(days=offset_from_start)
    else:
        on = today() + timedelta(days=offset_from_today)
    if refused:
        with pytest.raises(Refused) as caught:
            services.plan_discharge(admission=admission, on=on, by=counselor)
        assert caught.value.field == "planned_discharge_date"
        admission.refresh_from_db()
        assert admission.planned_discharge_date is None
    else:
        services.plan_discharge(admission=admission, on=on, by=counselor)
        admission.refresh_from_db()
        assert admission.planned_discharge_date == on


def test_the_service_refuses_a_closed_admission(admission, counselor, intake_user):
    _discharge(admission, intake_user)
    with pytest.raises(InvalidTransition, match="already ended"):
        services.plan_discharge(admission=admission, on=today(), by=counselor)


def test_the_service_clears_and_audits(admission, counselor):
    planned = today() + timedelta(days=5)
    services.plan_discharge(admission=admission, on=planned, by=counselor)
    services.plan_discharge(admission=admission, on=None, by=counselor)
    admission.refresh_from_db()
    assert admission.planned_discharge_date is None
    details = list(
        AuditEvent.objects.filter(patient_uuid=admission.patient.uuid, action="change")
        .order_by("at", "pk")
        .values_list("detail", flat=True)
    )
    assert details == [
        f"planned discharge: none to {planned.isoformat()}",
        f"planned discharge: {planned.isoformat()} to none",
    ]


def test_the_database_refuses_a_plan_before_the_start(admission):
    with pytest.raises(IntegrityError), transaction.atomic():
        Admission.objects.filter(pk=admission.pk).update(
            planned_discharge_date=admission.start_date - timedelta(days=1)
        )
