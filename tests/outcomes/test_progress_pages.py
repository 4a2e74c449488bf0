"""Where flags, due measures and screens show: the progress page (queries fixed at any
history), the caseload, the patient's page, the week; and the seed at benchmark size."""

from datetime import timedelta

from django.urls import reverse

from demo.outcomes_sizes import seed_outcomes_at_scale
from outcomes import scales, services
from outcomes.models import Measurement, ScreenOrder
from scheduling import clinictime
from tests.factories import AdmissionFactory, program
from tests.outcomes.test_scales import bam_answers


def _weekly(patient, counselor, weeks, **answers):
    start = clinictime.today() - timedelta(weeks=weeks)
    for n in range(weeks):
        services.record_measurement(
            patient=patient,
            kind=scales.BAM_7,
            taken_on=start + timedelta(weeks=n),
            answers=bam_answers(**answers),
            by=counselor,
        )


def test_the_progress_page_costs_the_same_at_any_history(
    counselor_client, patient, counselor, django_assert_max_num_queries
):
    url = reverse("outcomes:patient-progress", args=[patient.uuid])
    _weekly(patient, counselor, 2, i4=1)
    with django_assert_max_num_queries(30) as few:
        counselor_client.get(url)
    Measurement.objects.all().delete()
    _weekly(patient, counselor, 12, i4=1)
    with django_assert_max_num_queries(len(few)):
        assert counselor_client.get(url).status_code == 200


def test_the_caseload_names_each_flag(counselor_client, patient, counselor):
    _weekly(patient, counselor, 2, i4=2)
    body = counselor_client.get(reverse("scheduling:caseload")).content.decode()
    assert "Progress flags" in body
    assert "BAM Use above 0 two measurements in a row" in body


def test_the_patient_page_shows_flags_to_counselors_not_to_intake(
    counselor_client, intake_client, patient, counselor
):
    _weekly(patient, counselor, 1, i11=7, i2=7, i3=7, i8=4, i1=4, i15=4)
    url = reverse("intake:patient-detail", args=[patient.uuid])
    body = counselor_client.get(url).content.decode()
    assert "BAM Risk" in body and "Progress and drug screens" in body
    assert "Progress and drug screens" not in intake_client.get(url).content.decode()


def test_the_week_lists_screens_due_today(counselor_client, patient):
    ScreenOrder.objects.create(
        patient=patient, reason="ad_hoc", due_on=clinictime.today(), panel=["cocaine"]
    )
    body = counselor_client.get(reverse("scheduling:week")).content.decode()
    assert "Drug screens due today" in body and patient.mrn in body


def test_the_home_lists_what_is_due_this_week(counselor_client, patient):
    body = counselor_client.get(reverse("accounts:home")).content.decode()
    assert "Measures due this week" in body
    assert "BAM, past 7 days" in body and "(weekly in IOP)" in body


def test_the_benchmark_seed_adds_measures_once(counselor):
    AdmissionFactory.create_batch(
        3,
        primary_counselor=counselor,
        program=program("IOP"),
        start_date=clinictime.today() - timedelta(days=40),
    )
    created = seed_outcomes_at_scale()
    assert created["measures"] >= 3 * 6
    assert seed_outcomes_at_scale() == {}
