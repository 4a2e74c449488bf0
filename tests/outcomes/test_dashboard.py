"""Dashboard figures against hand-counted fixtures, the fewer-than-5 rule, the CSV and its
audit event, access."""

from datetime import timedelta

from django.urls import reverse

from accounts.models import AuditEvent
from outcomes import dashboard
from outcomes.suppression import HIDDEN_TEXT
from scheduling import clinictime
from tests.factories import AdmissionFactory, program


def _filters(**kwargs):
    today = clinictime.today()
    return dashboard.Filters(start=today - timedelta(83), end=today, **kwargs)


def _row(figure, label):
    return next(
        [c.text if hasattr(c, "text") else c for c in row] for row in figure.rows if row[0] == label
    )


def test_census_today_counts_open_admissions_by_level(counselor):
    AdmissionFactory.create_batch(7, primary_counselor=counselor, program=program("IOP"))
    AdmissionFactory.create_batch(6, primary_counselor=counselor, program=program("PHP"))
    AdmissionFactory(
        primary_counselor=counselor,
        program=program("OP"),
        start_date=clinictime.today() - timedelta(20),
        end_date=clinictime.today() - timedelta(2),
    )
    figure = dashboard.census_today(_filters())
    assert _row(figure, "IOP") == ["IOP", "7"]
    assert _row(figure, "PHP") == ["PHP", "6"]
    assert _row(figure, "OP") == ["OP", "0"]
    assert _row(figure, "All levels") == ["All levels", "13"]


def test_a_small_cell_is_hidden_with_the_next_smallest_and_the_total_stays_honest(counselor):
    AdmissionFactory.create_batch(8, primary_counselor=counselor, program=program("IOP"))
    AdmissionFactory.create_batch(5, primary_counselor=counselor, program=program("PHP"))
    AdmissionFactory.create_batch(2, primary_counselor=counselor, program=program("OP"))
    figure = dashboard.census_today(_filters())
    assert _row(figure, "OP")[1] == HIDDEN_TEXT
    assert _row(figure, "PHP")[1] == "not shown"
    assert _row(figure, "IOP")[1] == "8"
    assert _row(figure, "All levels")[1] == "15"  # 15 - 8 = 7 = PHP + OP: neither one alone


def test_the_program_filter_keeps_one_level(counselor):
    AdmissionFactory.create_batch(6, primary_counselor=counselor, program=program("IOP"))
    AdmissionFactory.create_batch(6, primary_counselor=counselor, program=program("PHP"))
    figure = dashboard.census_today(_filters(program="PHP"))
    assert [row[0] for row in figure.rows] == ["PHP", "All levels"]
    assert _row(figure, "PHP")[1] == "6"


def test_length_of_stay_medians_by_level_and_reason(counselor):
    today = clinictime.today()
    for days in (10, 20, 30, 40, 50):
        AdmissionFactory(
            primary_counselor=counselor,
            program=program("IOP"),
            start_date=today - timedelta(days + 1),
            end_date=today - timedelta(1),
            discharge_reason="completed",
        )
    AdmissionFactory(
        primary_counselor=counselor,
        program=program("PHP"),
        start_date=today - timedelta(9),
        end_date=today - timedelta(1),
        discharge_reason="against_advice",
    )
    figure = dashboard.length_of_stay(_filters())
    assert _row(figure, "Level IOP") == ["Level IOP", "5", "30"]
    assert _row(figure, "Level PHP") == ["Level PHP", HIDDEN_TEXT, HIDDEN_TEXT]
    assert _row(figure, "Completed the program") == ["Completed the program", "5", "30"]


def test_the_csv_is_the_table_and_is_audited(director_client, counselor):
    AdmissionFactory.create_batch(6, primary_counselor=counselor, program=program("IOP"))
    response = director_client.get(reverse("outcomes:dashboard-csv", args=["census-today"]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == "Level,Patients"
    assert "IOP,6" in text
    assert (
        AuditEvent.objects.filter(
            action="export", detail__startswith="dashboard census-today"
        ).count()
        == 1
    )


def test_the_dashboard_is_the_directors(counselor_client, intake_client, director_client):
    assert counselor_client.get(reverse("outcomes:dashboard")).status_code == 403
    assert intake_client.get(reverse("outcomes:dashboard")).status_code == 403
    assert director_client.get(reverse("outcomes:dashboard")).status_code == 200
    assert director_client.get(reverse("outcomes:dashboard-csv", args=["nope"])).status_code == 404
