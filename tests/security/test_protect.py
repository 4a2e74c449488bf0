"""Part 2: clinical records are never deleted by a cascade.

Every foreign key ON a clinical model (the row that a cascade would delete) and every
foreign key POINTING AT one uses PROTECT (or RESTRICT); SET_NULL only where listed
below as safe. Every model of intake, scheduling, treatment and accounts is classified, so a new
model fails `test_every_model_is_classified` until someone decides what it is.
"""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import models
from django.db.models import ProtectedError
from django.utils import timezone

from intake import services as intake_services
from intake.models import ContactAttempt, Inquiry, PatientMerge, Substance
from scheduling import clinictime
from scheduling import services as scheduling_services
from scheduling.models import Attendee, Session, SessionCounselor
from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    ConsentFactory,
    ContactAttemptFactory,
    InquiryFactory,
    RoomFactory,
    SubstanceFactory,
    TrackFactory,
    program,
    session_type,
)

# Patient data, and records of care, disclosure and access.
CLINICAL = {
    "intake.Inquiry": "a request for help: who asked, how to reach them, what they said",
    "intake.ContactAttempt": "the record of reaching out to someone who asked for help",
    "intake.Patient": "the patient",
    "intake.Consent": "Part 2 consent",
    "intake.Assessment": "intake assessment",
    "intake.Substance": "substances recorded in the assessment",
    "intake.Addendum": "signed addendum to an assessment",
    "intake.PlacementDecision": "level-of-care decision",
    "intake.DecisionAmendment": "a dated correction of a level-of-care decision",
    "intake.PatientMerge": "two records of one person made one, and what moved",
    "intake.Admission": "admission and discharge",
    "intake.Disclosure": "Part 2 record of a disclosure",
    "scheduling.Session": "a session that patients attend(ed)",
    "scheduling.SessionCounselor": "who ran the session",
    "scheduling.Attendee": "attendance",
    "scheduling.TrackEnrollment": "a patient's membership of a group",
    "accounts.AuditEvent": "the audit log",
    "treatment.Diagnosis": "a primary diagnosis and its history",
    "treatment.TreatmentPlan": "a version of a treatment plan",
    "treatment.Problem": "a problem of a treatment plan",
    "treatment.Goal": "a goal of a treatment plan",
    "treatment.Objective": "an objective of a treatment plan",
    "treatment.Intervention": "an intervention of a treatment plan",
    "treatment.PlanSignature": "a signature on a treatment plan",
}
# Models of these apps that hold no patient data.
REFERENCE = {
    "scheduling.Room": "catalog of rooms",
    "scheduling.SessionType": "catalog of session types",
    "scheduling.Track": "a group's weekly rule; its sessions and enrollments PROTECT it",
    "scheduling.CalendarFeed": "a staff member's private calendar link",
    "scheduling.Site": "catalog of the clinic's sites; rooms point at it",
}
CLASSIFIED_APPS = ("intake", "scheduling", "accounts", "treatment")
SAFE = {models.PROTECT, models.RESTRICT, models.DO_NOTHING}
# SET_NULL that loses nothing clinical, and why.
SAFE_SET_NULL = {
    "intake.Inquiry.program": "the program the person was curious about, a catalog row",
}


def relations():
    """(label 'app.Model.field', field) for every concrete FK and one-to-one."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.concrete:
                yield f"{model._meta.label}.{field.name}", field


def needs_protection(field: models.ForeignKey) -> bool:
    source, target = field.model._meta.label, field.related_model._meta.label
    return source in CLINICAL or target in CLINICAL


def test_every_model_is_classified():
    labels = {m._meta.label for m in apps.get_models() if m._meta.app_label in CLASSIFIED_APPS}
    unclassified = sorted(labels - set(CLINICAL) - set(REFERENCE))
    assert not unclassified, f"add these models to CLINICAL or REFERENCE: {unclassified}"
    assert not set(CLINICAL) & set(REFERENCE)
    stale = sorted((set(CLINICAL) | set(REFERENCE)) - {m._meta.label for m in apps.get_models()})
    assert not stale, f"no such models: {stale}"


def test_keys_on_and_to_clinical_records_protect():
    offending = []
    for label, field in relations():
        if not needs_protection(field):
            continue
        on_delete = field.remote_field.on_delete
        if on_delete in SAFE or (on_delete is models.SET_NULL and label in SAFE_SET_NULL):
            continue
        offending.append(f"{label} -> {field.related_model._meta.label}: {on_delete.__name__}")
    assert not offending, "clinical data must not be deleted by a cascade:\n" + "\n".join(offending)


def test_users_behind_clinical_records_are_protected():
    """Every key from a clinical record to a staff member protects the user row."""
    to_users = [
        (label, field)
        for label, field in relations()
        if field.related_model is User and field.model._meta.label in CLINICAL
    ]
    assert len(to_users) >= 15  # the audit really looked at them
    for label, field in to_users:
        assert field.remote_field.on_delete is models.PROTECT, label


def test_safe_set_null_entries_are_set_null():
    fields = dict(relations())
    for label in SAFE_SET_NULL:
        assert fields[label].remote_field.on_delete is models.SET_NULL, label


# --- deleting for real -----------------------------------------------------------------


def patient_with_a_full_record(counselor, intake_user):
    """A patient with every kind of clinical record the app keeps."""
    today = timezone.localdate()
    inquiry = InquiryFactory(status="assessment_booked")
    ContactAttemptFactory(inquiry=inquiry, by=intake_user)
    assessment = AssessmentFactory(moderate=True, created_by=intake_user)
    patient = assessment.patient
    patient.inquiry = inquiry
    patient.save(update_fields=["inquiry"])
    SubstanceFactory(assessment=assessment)
    assessment = intake_services.complete_assessment(assessment=assessment, by=intake_user)
    intake_services.add_addendum(assessment=assessment, text="Later detail.", by=intake_user)
    decision = intake_services.decide_placement(
        assessment=assessment,
        final_level="PHP",
        reason="Recorded in a hurry at intake.",
        by=intake_user,
    )
    intake_services.amend_decision(
        decision=decision, new_level="IOP", reason="PHP was chosen by mistake.", by=intake_user
    )
    PatientMerge.objects.create(
        survivor=patient,
        merged_uuid=uuid.uuid4(),
        merged_mrn="MRN-999999",
        merged_name="A second record of this person",
        reason="The same person was registered twice.",
        by=intake_user,
    )
    AdmissionFactory(
        patient=patient,
        program=program("IOP"),
        primary_counselor=counselor,
        start_date=today - timedelta(days=14),
        decision=decision,
    )
    consent = ConsentFactory(
        patient=patient,
        signed_on=today - timedelta(days=20),
        covers_assessment=True,
        covers_attendance=True,
    )
    intake_services.disclose_records(
        patient=patient, consent=consent, what="assessment", by=intake_user
    )
    session = scheduling_services.book_individual_session(
        patient=patient,
        counselor=counselor,
        room=RoomFactory(name="Protect Room"),
        start=clinictime.local_to_utc(today - timedelta(days=1), time(10, 0)),
        minutes=50,
        session_type=session_type("individual-counseling"),
        by=counselor,
    )
    scheduling_services.mark_all_present(session=session, by=counselor)
    track = TrackFactory(lead_counselor=counselor, first_date=today - timedelta(days=14))
    scheduling_services.enroll_patient(
        track=track, patient=patient, joined=today - timedelta(days=7), today=today
    )
    _treatment_record(patient, assessment, counselor)
    return patient


def _treatment_record(patient, assessment, counselor) -> None:
    """A confirmed diagnosis and a plan with one row of every kind, signed by both."""
    from treatment.models import (
        Diagnosis,
        Goal,
        Intervention,
        Objective,
        PlanSignature,
        Problem,
        TreatmentPlan,
    )

    diagnosis = Diagnosis.objects.create(
        patient=patient,
        assessment=assessment,
        substance="alcohol",
        severity="moderate",
        code="F10.20",
        proposed_code="F10.20",
        recorded_by=counselor,
    )
    plan = TreatmentPlan.objects.create(
        patient=patient,
        diagnosis=diagnosis,
        created_by=counselor,
        status="signed",
        signed_at=timezone.now(),
    )
    problem = Problem.objects.create(plan=plan, dimensions=["d6"], statement="My roommate drinks")
    goal = Goal.objects.create(problem=problem, text="A sober place to live")
    Objective.objects.create(
        goal=goal, text="Visit two sober homes", target_date=timezone.localdate()
    )
    Intervention.objects.create(
        problem=problem, what="Case management", how_often="weekly", who="Counselor"
    )
    PlanSignature.objects.create(plan=plan, role="counselor", by=counselor)


def clinical_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in CLINICAL}


@pytest.mark.django_db
def test_deleting_a_patient_with_a_record_is_refused_and_changes_nothing(counselor, intake_user):
    patient = patient_with_a_full_record(counselor, intake_user)
    before = clinical_counts()
    assert all(before[label] for label in CLINICAL if label != "accounts.AuditEvent"), before

    with pytest.raises(ProtectedError):
        patient.delete()

    assert clinical_counts() == before
    assert type(patient).objects.filter(pk=patient.pk).exists()


@pytest.mark.django_db
def test_deleting_a_counselor_with_clinical_records_is_refused(counselor, intake_user):
    patient_with_a_full_record(counselor, intake_user)
    before = clinical_counts()

    for user in (counselor, intake_user):
        with pytest.raises(ProtectedError):
            user.delete()

    assert clinical_counts() == before


@pytest.mark.django_db
def test_deleting_a_session_with_attendance_is_refused(counselor, intake_user):
    patient_with_a_full_record(counselor, intake_user)
    session = Session.objects.filter(attendees__attendance="present").get()
    before = clinical_counts()

    with pytest.raises(ProtectedError):
        session.delete()

    assert clinical_counts() == before
    assert Attendee.objects.filter(session=session).exists()
    assert SessionCounselor.objects.filter(session=session).exists()


@pytest.mark.django_db
def test_deleting_an_assessment_keeps_its_substances(intake_user):
    assessment = AssessmentFactory(moderate=True, created_by=intake_user)
    SubstanceFactory(assessment=assessment)

    with pytest.raises(ProtectedError):
        assessment.delete()

    assert Substance.objects.filter(assessment=assessment).count() == 1


@pytest.mark.django_db
def test_deleting_an_inquiry_keeps_its_contact_log(intake_user):
    inquiry = InquiryFactory(status="contacted")
    ContactAttemptFactory(inquiry=inquiry, by=intake_user)

    with pytest.raises(ProtectedError):
        inquiry.delete()

    assert Inquiry.objects.filter(pk=inquiry.pk).exists()
    assert ContactAttempt.objects.filter(inquiry=inquiry).count() == 1
