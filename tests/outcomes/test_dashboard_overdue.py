"""The dashboard's "plans and notes overdue" figure: the counselors' own due rules, counted
clinic-wide, small counts hidden, a fixed number of queries at any size."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from notes import due
from notes.models import ProgressNote
from notes.services import open_session_note
from outcomes import dashboard
from outcomes.suppression import HIDDEN_TEXT
from scheduling.services import mark_attendance
from tests.factories import AdmissionFactory, RoomFactory, TrackFactory, program
from tests.notes.conftest import clinic_moment
from tests.scheduling.conftest import group_session

SESSION_DAY = date(2026, 1, 14)  # a Wednesday: its notes are due by the end of Thursday
PLANS = "Treatment plans or reviews overdue"
NOTES = "Session notes unsigned after their due day"
COSIGN = "Session notes waiting for co-signature"


def _group_of(counselor, size: int, code: str = "IOP"):
    """A held group of `size` patients admitted on Jan 5 (no plan yet: overdue from Jan 13),
    all present, with its note opened (drafts only)."""
    patients = [
        AdmissionFactory(
            primary_counselor=counselor, program=program(code), start_date=date(2026, 1, 5)
        ).patient
        for _ in range(size)
    ]
    track = TrackFactory(
        program=program(code),
        room=RoomFactory(),
        lead_counselor=counselor,
        first_date=date(2026, 1, 5),
        weekdays=[2],
        start_time=time(9) if code == "IOP" else time(13),  # the counselor leads both
    )
    session = group_session(track, SESSION_DAY, patients)
    mark_attendance(
        session=session,
        marks={a.pk: ("present", None) for a in session.attendees.all()},
        by=counselor,
    )
    open_session_note(session=session, by=counselor)
    return session


def _filters(**kwargs):
    return dashboard.Filters(start=date(2025, 10, 24), end=date(2026, 1, 16), **kwargs)


def _row(figure, label):
    return next([getattr(c, "text", c) for c in row] for row in figure.rows if row[0] == label)


def _sign(session, count: int, counselor, **fields):
    notes = ProgressNote.objects.filter(session_note__session=session).order_by("pk")[:count]
    ProgressNote.objects.filter(pk__in=[n.pk for n in notes]).update(
        signed_at=clinic_moment(SESSION_DAY, "15:00"), signed_by=counselor, **fields
    )


@pytest.mark.parametrize(
    ("today", "last_overdue"),
    [
        (date(2026, 1, 15), date(2026, 1, 13)),  # Thu: Wednesday's notes are still on time
        (date(2026, 1, 16), date(2026, 1, 14)),  # Fri: Wednesday's are late
        (date(2026, 1, 19), date(2026, 1, 15)),  # Mon: Friday's are due today
        (date(2026, 1, 20), date(2026, 1, 18)),  # Tue: Friday's and the weekend's are late
    ],
)
def test_the_last_overdue_session_day_follows_the_due_rule(today, last_overdue):
    assert due.last_overdue_session_day(today, closed=()) == last_overdue
    assert due.due_date(last_overdue, closed=()) < today
    assert due.due_date(last_overdue + timedelta(days=1), closed=()) >= today


def test_notes_are_overdue_only_after_the_next_business_day(frozen_now, counselor):
    frozen_now(clinic_moment(date(2026, 1, 15), "17:00"))  # Thu: due today, not late
    session = _group_of(counselor, 6)
    assert _row(dashboard.plans_and_notes_overdue(_filters()), NOTES) == [NOTES, "0", "0"]
    frozen_now(clinic_moment(date(2026, 1, 16), "08:00"))  # Fri: late
    figure = dashboard.plans_and_notes_overdue(_filters())
    assert _row(figure, NOTES) == [NOTES, "6", "6"]
    assert _row(figure, PLANS) == [PLANS, "6", "6"]  # admitted Jan 5, no plan: due Jan 12
    _sign(session, 1, counselor)
    assert _row(dashboard.plans_and_notes_overdue(_filters()), NOTES) == [NOTES, "5", "5"]


def test_fewer_than_5_patients_are_not_counted_out(frozen_now, counselor):
    frozen_now(clinic_moment(date(2026, 1, 16), "08:00"))
    session = _group_of(counselor, 6)
    _sign(session, 3, counselor, needs_cosign=True)
    figure = dashboard.plans_and_notes_overdue(_filters())
    assert _row(figure, NOTES) == [NOTES, HIDDEN_TEXT, HIDDEN_TEXT]
    assert _row(figure, COSIGN) == [COSIGN, HIDDEN_TEXT, HIDDEN_TEXT]
    ProgressNote.objects.filter(session_note__session=session).update(cosigned_at=None)
    _sign(session, 6, counselor, needs_cosign=True)
    figure = dashboard.plans_and_notes_overdue(_filters())
    assert _row(figure, COSIGN) == [COSIGN, "6", "6"]
    assert _row(figure, NOTES) == [NOTES, "0", "0"]


def test_the_program_filter_keeps_its_own_tracks(frozen_now, counselor):
    frozen_now(clinic_moment(date(2026, 1, 16), "08:00"))
    _group_of(counselor, 5, "IOP")
    _group_of(counselor, 7, "PHP")
    assert _row(dashboard.plans_and_notes_overdue(_filters(program="PHP")), NOTES)[1] == "7"
    assert _row(dashboard.plans_and_notes_overdue(_filters(program="IOP")), PLANS)[1] == "5"
    assert _row(dashboard.plans_and_notes_overdue(_filters()), NOTES)[1] == "12"


def test_a_patients_earlier_admissions_do_not_count_their_notes_twice(frozen_now, counselor):
    frozen_now(clinic_moment(date(2026, 1, 16), "08:00"))
    session = _group_of(counselor, 5, "IOP")
    for attendee in session.attendees.all():
        for start, end in [
            (date(2025, 11, 3), date(2025, 11, 30)),
            (date(2025, 12, 1), date(2026, 1, 4)),
        ]:
            AdmissionFactory(
                patient=attendee.patient,
                program=program("IOP"),
                primary_counselor=counselor,
                start_date=start,
                end_date=end,
                discharge_reason="stepped_up",
            )
    for program_filter in ("IOP", ""):
        figure = dashboard.plans_and_notes_overdue(_filters(program=program_filter))
        assert _row(figure, NOTES) == [NOTES, "5", "5"]


def test_the_figure_costs_the_same_queries_at_any_size(
    frozen_now, counselor, django_assert_num_queries
):
    frozen_now(clinic_moment(date(2026, 1, 16), "08:00"))
    _group_of(counselor, 5)
    with django_assert_num_queries(QUERIES):
        dashboard.plans_and_notes_overdue(_filters())
    _group_of(counselor, 9, "PHP")
    with django_assert_num_queries(QUERIES):
        dashboard.plans_and_notes_overdue(_filters(program="PHP"))


QUERIES = 6


def test_the_page_shows_the_figure_and_its_csv_is_audited(frozen_now, director_client, counselor):
    frozen_now(clinic_moment(date(2026, 1, 16), "08:00"))
    _group_of(counselor, 6)
    page = director_client.get(reverse("outcomes:dashboard")).content.decode()
    assert "Treatment plans and session notes overdue today" in page
    assert "Fri, Jan 16, 2026" in page  # the census title, in the clinic's date style
    response = director_client.get(reverse("outcomes:dashboard-csv", args=["overdue"]))
    lines = response.content.decode().splitlines()
    assert lines[0] == "Overdue,Patients,Plans or notes"
    assert f"{NOTES},6,6" in lines
    assert AuditEvent.objects.filter(action="export", detail__startswith="dashboard overdue")
