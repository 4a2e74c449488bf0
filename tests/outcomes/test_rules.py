"""Services and pure helpers: refusals through the service and the page, the weekly
random draw, small-cell protection, and the demo's measures."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from outcomes import draw, scales, services
from outcomes.models import Measurement, ScreenOrder
from outcomes.suppression import HIDDEN_TEXT, protect
from scheduling import clinictime
from tests.outcomes.test_scales import bam_answers

MONDAY = date(2026, 3, 2)
DAYS = [MONDAY, MONDAY + timedelta(2), MONDAY + timedelta(4)]


def test_the_draw_is_a_session_day_and_reproducible():
    for n in range(50):
        day = draw.draw_day(key="k", patient_uuid=f"p{n}", monday=MONDAY, session_days=DAYS)
        assert day in DAYS
        assert day == draw.draw_day(key="k", patient_uuid=f"p{n}", monday=MONDAY, session_days=DAYS)
    assert draw.draw_day(key="k", patient_uuid="p", monday=MONDAY, session_days=[]) is None


def test_the_draw_depends_on_the_secret():
    days = {
        draw.draw_day(key=k, patient_uuid="p", monday=MONDAY, session_days=DAYS) for k in "abcdefgh"
    }
    assert len(days) > 1


def test_heavy_drinking_days_above_drinking_days_are_refused_by_the_service(patient, counselor):
    with pytest.raises(services.Refused) as refused:
        services.record_measurement(
            patient=patient,
            kind=scales.BAM_7,
            taken_on=MONDAY,
            answers=bam_answers(i4=2, i5=3),
            by=counselor,
        )
    assert "5" in refused.value.errors
    assert not Measurement.objects.exists()


def test_the_page_refuses_them_next_to_the_field_and_keeps_the_answers(counselor_client, patient):
    data = {
        "taken_on": date.today().isoformat(),
        **{f"item_{k}": v for k, v in bam_answers(i4=2, i5=3).items()},
    }
    response = counselor_client.post(
        reverse("outcomes:add-measurement", args=[patient.uuid, "bam7"]), data
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "can&#x27;t be more than drinking days" in body
        or "can't be more than drinking days" in body
    )
    assert not Measurement.objects.exists()


def test_a_day_count_above_7_is_refused_on_the_weekly_bam(counselor_client, patient):
    data = {
        "taken_on": date.today().isoformat(),
        **{f"item_{k}": v for k, v in bam_answers(i2=8).items()},
    }
    response = counselor_client.post(
        reverse("outcomes:add-measurement", args=[patient.uuid, "bam7"]), data
    )
    assert response.status_code == 400
    assert not Measurement.objects.exists()


def test_never_two_random_screens_in_one_week(patient):
    ScreenOrder.objects.create(
        patient=patient, reason="random", due_on=MONDAY, week_of=MONDAY, panel=["cocaine"]
    )
    assert services.draw_random_screens(monday=MONDAY) == []
    assert ScreenOrder.objects.filter(reason="random").count() == 1


def test_small_cells_are_hidden_and_not_derivable_from_the_total():
    cells, total = protect([3, 10, 20])
    assert [c.text for c in cells] == [HIDDEN_TEXT, "not shown", "20"]
    assert total.text == "33"
    cells, total = protect([3, 0, 0])
    assert total.text == HIDDEN_TEXT
    cells, total = protect([0, 5, 7])
    assert [c.text for c in cells] == ["0", "5", "7"] and total.text == "12"


def test_the_dashboard_shows_fewer_than_5_for_a_small_census(director_client, patient):
    body = director_client.get(reverse("outcomes:dashboard")).content.decode()
    assert HIDDEN_TEXT in body
    assert patient.legal_last_name not in body


def test_the_dashboard_query_count_is_fixed(
    director_client, django_assert_max_num_queries, counselor
):
    from tests.factories import AdmissionFactory

    AdmissionFactory.create_batch(3, primary_counselor=counselor)
    director_client.get(reverse("outcomes:dashboard"))
    with django_assert_max_num_queries(40) as few:
        director_client.get(reverse("outcomes:dashboard"))
    AdmissionFactory.create_batch(12, primary_counselor=counselor)
    with django_assert_max_num_queries(len(few)):
        director_client.get(reverse("outcomes:dashboard"))


def test_the_draw_command_orders_one_screen_on_a_session_day(patient, counselor):
    from django.core.management import call_command

    from tests.factories import RoomFactory
    from tests.scheduling.conftest import book

    monday = clinictime.monday_of(clinictime.today()) + timedelta(days=7)  # bookable days
    room = RoomFactory(name="Room 9")
    for offset in (1, 3):
        book(patient, counselor, room, monday + timedelta(offset), "10:00")
    call_command("draw_screens", "--week-of", monday.isoformat())
    call_command("draw_screens", "--week-of", monday.isoformat())
    order = ScreenOrder.objects.get(reason="random")
    assert order.due_on in {monday + timedelta(1), monday + timedelta(3)}
    assert order.week_of == monday


GOOD = {"i9": 4, "i10": 7, "i12": 4, "i13": 7, "i14": 1, "i16": 7}  # protective 24


def test_the_stored_status_follows_every_measure_even_a_late_one(patient, counselor):
    from outcomes import progress

    today = clinictime.today()
    services.record_measurement(
        patient=patient,
        kind=scales.BAM_7,
        taken_on=today,
        answers=bam_answers(i4=1, **GOOD),
        by=counselor,
    )
    assert progress.flags_for([patient.pk]) == {}
    # entered later, dated earlier: now two BAMs in a row with use
    services.record_measurement(
        patient=patient,
        kind=scales.BAM_7,
        taken_on=today - timedelta(7),
        answers=bam_answers(i4=2),
        by=counselor,
    )
    assert [f.rule for f in progress.flags_for([patient.pk])[patient.pk]] == ["use"]


def test_an_off_track_flag_asks_treatment_for_a_plan_review(patient, counselor):
    from outcomes.models import ProgressStatus
    from treatment import reviews

    services.record_measurement(
        patient=patient,
        kind=scales.BAM_7,
        taken_on=clinictime.today(),
        answers=bam_answers(i4=1),
        by=counselor,
    )
    reason = reviews.off_track([patient])[patient.pk]
    assert "BAM Protective 0 (low at 12 or less)" in reason
    first = ProgressStatus.objects.get(patient=patient).flagged_at
    # the same reasons a week later keep their date; on track clears it
    services.record_measurement(
        patient=patient,
        kind=scales.BAM_7,
        taken_on=clinictime.today() - timedelta(7),
        answers=bam_answers(**GOOD),
        by=counselor,
    )
    assert ProgressStatus.objects.get(patient=patient).flagged_at == first
