"""The diagnosis, plan, signature, print and chart pages, as staff use them (no JavaScript:
the add and remove buttons post the page back)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from tests.treatment.conftest import confirm_diagnosis, in_care, signed_plan
from treatment import services
from treatment.models import Diagnosis, Goal, Objective, TreatmentPlan


def _page_data(response) -> dict:
    """What the browser would send back: every field of the page's formsets as shown."""
    data = {}
    for formset in response.context["formsets"].values():
        data.update({
            f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
            f"{formset.prefix}-INITIAL_FORMS": "0",
        })  # fmt: skip
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is None:
                    value = ""
                data[form.add_prefix(name)] = value if isinstance(value, list) else str(value)
    return data


def test_the_diagnosis_is_confirmed_from_the_proposal(counselor_client, patient):
    url = reverse("treatment:diagnosis", args=[patient.uuid])
    page = counselor_client.get(url).content.decode()
    assert "F10.20" in page and "4 criteria counted: moderate" in page
    response = counselor_client.post(url, {"substance": "alcohol", "severity": "moderate"})
    assert response.status_code == 302
    diagnosis = Diagnosis.objects.get(patient=patient)
    assert (diagnosis.code, diagnosis.proposed_code, diagnosis.reason) == ("F10.20", "F10.20", "")
    assert AuditEvent.objects.filter(action="create", object_type="treatment.Diagnosis").exists()


def test_changing_the_diagnosis_needs_a_reason_and_keeps_the_history(counselor_client, patient):
    url = reverse("treatment:diagnosis", args=[patient.uuid])
    counselor_client.post(url, {"substance": "alcohol", "severity": "moderate"})
    data = {"substance": "alcohol", "severity": "severe", "early_remission": "on"}
    response = counselor_client.post(url, data)
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert Diagnosis.objects.filter(patient=patient).count() == 1
    reason = "Six criteria once the family interview was added."
    assert counselor_client.post(url, {**data, "reason": reason}).status_code == 302
    current, earlier = Diagnosis.objects.filter(patient=patient)
    assert current.code == "F10.21" and current.is_current and current.reason == reason
    assert earlier.code == "F10.20" and earlier.superseded_at is not None
    page = counselor_client.get(url).content.decode()
    assert "F10.21 Alcohol use disorder, severe, in early remission" in page
    assert reason in page


def test_intake_staff_read_the_diagnosis_but_do_not_change_it(intake_client, patient, counselor):
    confirm_diagnosis(patient, counselor)
    url = reverse("treatment:diagnosis", args=[patient.uuid])
    page = intake_client.get(url).content.decode()
    assert "F10.20" in page and "Confirm the diagnosis" not in page
    assert intake_client.post(url, {"substance": "alcohol", "severity": "mild"}).status_code == 403
    assert Diagnosis.objects.filter(patient=patient).count() == 1


def test_writing_a_plan_without_javascript(counselor_client, patient, counselor):
    confirm_diagnosis(patient, counselor)
    response = counselor_client.post(reverse("treatment:start-plan", args=[patient.uuid]))
    plan = TreatmentPlan.objects.get(patient=patient)
    assert response.url == reverse("treatment:edit-plan", args=[plan.uuid])
    page = counselor_client.get(response.url)
    assert "Shares a flat with a roommate" in page.content.decode()  # proposed from D6
    data = _page_data(page)
    data["problems-0-statement"] = "My roommate drinks every night and I join in"

    # add a goal: the page comes back with an empty goal and what was typed kept
    page = counselor_client.post(page.request["PATH_INFO"], {**data, "add": "goals"})
    assert page.status_code == 200
    assert "My roommate drinks every night and I join in" in page.content.decode()
    data = _page_data(page)
    assert data["goals-TOTAL_FORMS"] == "1" and data["goals-0-problem"] == "0"
    data["goals-0-text"] = "A home where nobody drinks"
    for kind in ("objectives", "interventions"):
        data = _page_data(counselor_client.post(page.request["PATH_INFO"], {**data, "add": kind}))
    assert data["goals-0-text"] == "A home where nobody drinks"

    # saving with the new rows left empty: messages next to the fields, nothing saved
    response = counselor_client.post(page.request["PATH_INFO"], {**data, "save": "1"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Goal.objects.filter(problem__plan=plan).exists()

    data.update({
        "objectives-0-text": "Visit two sober living homes",
        "objectives-0-target_date": (timezone.localdate() + timedelta(days=21)).isoformat(),
        "interventions-0-what": "Case management",
        "interventions-0-how_often": "Weekly",
        "interventions-0-who": "Primary counselor",
    })  # fmt: skip
    response = counselor_client.post(page.request["PATH_INFO"], {**data, "save": "1"})
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert Objective.objects.get(goal__problem__plan=plan).text == "Visit two sober living homes"

    # sign, then the patient signs; the plan is in force and locked
    assert (
        counselor_client.post(reverse("treatment:sign-plan", args=[plan.uuid])).status_code == 302
    )
    sign_url = reverse("treatment:patient-signature", args=[plan.uuid])
    unticked = counselor_client.post(sign_url, {"action": "sign", "typed_name": "Nobody Here"})
    assert unticked.status_code == 400 and "must confirm" in unticked.content.decode()
    wrong = {"action": "sign", "typed_name": "Nobody Here", "attested": "on"}
    refused = counselor_client.post(sign_url, wrong)
    assert refused.status_code == 400
    assert "Type the patient&#x27;s full name" in refused.content.decode()
    assert not plan.signatures.filter(role="patient").exists()
    ok = counselor_client.post(
        sign_url, {"action": "sign", "typed_name": patient.legal_name, "attested": "on"}
    )
    assert ok.status_code == 302
    assert services.current_plan(patient) == plan
    edit = counselor_client.get(reverse("treatment:edit-plan", args=[plan.uuid]))
    assert edit.status_code == 302 and edit.url == plan.get_absolute_url()


def test_removing_a_problem_removes_what_belongs_to_it(counselor_client, patient, counselor):
    plan = services.start_plan(patient=patient, by=counselor)
    from tests.treatment.conftest import rows

    services.save_plan(plan=plan, rows=rows(extra_goal=True), by=counselor)
    url = reverse("treatment:edit-plan", args=[plan.uuid])
    data = _page_data(counselor_client.get(url))
    data = _page_data(counselor_client.post(url, {**data, "add": "problems"}))
    data["problems-1-statement"] = "I can't sleep without a drink"
    data = _page_data(counselor_client.post(url, {**data, "remove": "problems-0"}))
    assert data["problems-TOTAL_FORMS"] == "1"
    assert data["problems-0-statement"] == "I can't sleep without a drink"
    assert data["goals-TOTAL_FORMS"] == data["objectives-TOTAL_FORMS"] == "0"
    assert data["interventions-TOTAL_FORMS"] == "0"
    assert plan.problems.count() == 1  # nothing saved until "Save the draft"


def test_intake_staff_see_the_current_plan_only(intake_client, patient, counselor):
    first = signed_plan(patient, counselor)
    second = signed_plan(patient, counselor)  # a review, signed
    assert intake_client.get(second.get_absolute_url()).status_code == 200
    assert intake_client.get(first.get_absolute_url()).status_code == 404
    assert intake_client.get(reverse("treatment:chart", args=[patient.uuid])).status_code == 403


def test_a_review_shows_the_changes_and_the_earlier_version_stays(
    counselor_client, patient, counselor
):
    first = signed_plan(patient, counselor)
    review = services.start_plan(patient=patient, by=counselor)
    objective = Objective.objects.get(goal__problem__plan=review, text__startswith="Visit")
    objective.status = "met"
    objective.save()
    page = counselor_client.get(review.get_absolute_url()).content.decode()
    assert "Changes since version 1" in page
    assert "<del>In progress</del> → <ins>Met</ins>" in page
    old = counselor_client.get(first.get_absolute_url()).content.decode()
    assert "In progress" in old and "Changes since" not in old


def test_the_printout_carries_the_notice_and_the_diagnosis(intake_client, patient, counselor):
    plan = signed_plan(patient, counselor)
    page = intake_client.get(reverse("treatment:print-plan", args=[plan.uuid])).content.decode()
    assert page.count("42 CFR 2.32") >= 2
    assert "F10.20 Alcohol use disorder, moderate" in page
    assert AuditEvent.objects.filter(action="print", object_type="treatment.TreatmentPlan").exists()


def test_the_patient_page_shows_the_diagnosis_and_links_to_the_plan(
    counselor_client, patient, counselor
):
    plan = signed_plan(patient, counselor)
    page = counselor_client.get(patient.get_absolute_url()).content.decode()
    assert "Diagnosis and treatment plan" in page
    assert "F10.20 Alcohol use disorder, moderate" in page
    assert plan.get_absolute_url() in page
    assert reverse("treatment:chart", args=[patient.uuid]) in page


def test_the_chart_takes_the_same_queries_at_any_length_of_stay(
    counselor_client, counselor, intake_user, django_assert_max_num_queries
):
    from scheduling import clinictime
    from scheduling import services as scheduling_services
    from tests.factories import RoomFactory, session_type

    patient = in_care(counselor, intake_user, days_ago=90)
    url = reverse("treatment:chart", args=[patient.uuid])
    room = RoomFactory(name="Chart Room")

    def attend(days: range) -> None:
        for n in days:
            day = timezone.localdate() - timedelta(days=n)
            session = scheduling_services.book_individual_session(
                patient=patient, counselor=counselor, room=room,
                start=clinictime.local_to_utc(day, clinictime.time(10, 0)), minutes=50,
                session_type=session_type("individual-counseling"), by=counselor,
            )  # fmt: skip
            scheduling_services.mark_all_present(session=session, by=counselor)

    attend(range(1, 3))
    counselor_client.get(url)  # warm per-process caches
    with django_assert_max_num_queries(20) as few:
        assert counselor_client.get(url).status_code == 200
    signed_plan(patient, counselor)
    attend(range(3, 60))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = counselor_client.get(url)
    assert page.context["page"].has_next
    assert len(page.context["page"].entries) == 25
    only_plans = counselor_client.get(url, {"kind": "plan"}).context["page"].entries
    assert [e.kind for e in only_plans] == ["plan"]


def _big_rows():
    """Three problems, each with two goals of two objectives and two interventions."""
    from treatment.services import GoalRow, InterventionRow, ObjectiveRow, PlanRows, ProblemRow

    target = timezone.localdate() + timedelta(days=30)
    return PlanRows(
        problems=[ProblemRow(f"Problem {p}", ["d5"]) for p in range(3)],
        goals=[GoalRow(p, f"Goal {p}.{g}") for p in range(3) for g in range(2)],
        objectives=[ObjectiveRow(g, f"Step {g}.{o}", target) for g in range(6) for o in range(2)],
        interventions=[
            InterventionRow(p, f"Help {p}.{i}", "weekly", "Counselor")
            for p in range(3)
            for i in range(2)
        ],
    )


def test_a_reviews_page_takes_the_same_queries_however_many_rows_its_versions_have(
    counselor_client, counselor, intake_user, django_assert_num_queries
):
    """The page shows the rows and what changed since the version before: both versions'
    rows come in four queries, not one per problem and goal."""
    small, big = in_care(counselor, intake_user), in_care(counselor, intake_user)
    reviews = []
    for patient, plan_rows in ((small, None), (big, _big_rows())):
        signed_plan(patient, counselor, plan_rows=plan_rows)
        reviews.append(signed_plan(patient, counselor, plan_rows=plan_rows))
    counselor_client.get(reviews[0].get_absolute_url())  # the first request refreshes the sign-in
    for review, problems in zip(reviews, (1, 3), strict=True):
        with django_assert_num_queries(PLAN_PAGE_QUERIES):
            page = counselor_client.get(review.get_absolute_url()).content.decode()
        assert page.count('class="plan-problem') == problems
        assert "Changes since version 1" in page


PLAN_PAGE_QUERIES = 11


def test_the_chart_shows_a_step_down_as_a_level_change_and_a_discharge_as_one(
    counselor_client, counselor, intake_user
):
    from intake.models import Admission
    from tests.factories import AdmissionFactory, program

    patient = in_care(counselor, intake_user, days_ago=60)
    today = timezone.localdate()
    Admission.objects.filter(patient=patient).update(
        end_date=today - timedelta(days=30), discharge_reason="stepped_down"
    )
    AdmissionFactory(
        patient=patient, program=program("OP"), primary_counselor=counselor,
        start_date=today - timedelta(days=30), end_date=today - timedelta(days=2),
        discharge_reason="completed",
    )  # fmt: skip
    url = reverse("treatment:chart", args=[patient.uuid])
    discharges = counselor_client.get(url, {"kind": "discharge"}).context["page"].entries
    assert [(e.title, e.detail) for e in discharges] == [
        (f"Left {program('OP').name}", "Completed the program")
    ]
    levels = counselor_client.get(url, {"kind": "level"}).context["page"].entries
    assert [e.title.split(":")[0] for e in levels] == ["Stepped down", "Admitted"]
