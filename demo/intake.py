"""Fictional intake data for the demo clinic: call requests, patients, assessments,
decisions, admissions and consents.

Idempotent: call requests are found by their e-mail and patients by theirs (all
under example.com, all fictional; phone numbers 555-01xx). Everything goes through
intake.services, so the demo obeys the same rules as the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from demo.users import ensure_demo_users
from intake import placement, services
from intake.models import Assessment, Consent, ContactAttempt, Inquiry, Patient, Substance
from programs.models import Program

CRITERIA_KEYS = [key for key, _ in placement.CRITERIA]


@dataclass(frozen=True)
class DemoInquiry:
    email: str
    name: str
    phone: str
    status: str
    hours_ago: int
    message: str = ""
    program: str = ""
    # asked for someone else: the caller's relation to them and their first name
    about: tuple[str, str] | None = None


DEMO_INQUIRIES = (
    DemoInquiry(
        "jordan.reyes@example.com",
        "Jordan Reyes",
        "(213) 555-0111",
        Inquiry.Status.NEW,
        3,
        "I'd like to know whether the evening group could fit around my job.",
        "IOP",
    ),
    DemoInquiry(
        "amara.okafor@example.com",
        "Amara Okafor",
        "(213) 555-0112",
        Inquiry.Status.NEW,
        26,
        "Asking for my brother. He is ready to talk to someone.",
        about=("Sister", "Chidi"),
    ),
    DemoInquiry(
        "wes.lindqvist@example.com",
        "Wes Lindqvist",
        "(323) 555-0113",
        Inquiry.Status.CONTACTED,
        50,
        "",
        "OP",
    ),
    DemoInquiry(
        "hana.sato@example.com",
        "Hana Sato",
        "(323) 555-0114",
        Inquiry.Status.ASSESSMENT_BOOKED,
        75,
        "My doctor suggested an intensive program.",
        "IOP",
    ),
    DemoInquiry(
        "dev.patel.demo@example.com",
        "Dev Patel",
        "(818) 555-0115",
        Inquiry.Status.CLOSED,
        240,
        "",
    ),
)


@dataclass(frozen=True)
class DemoPatient:
    first: str
    last: str
    born: date
    sex: str
    counselor: str  # demo username
    criteria: int
    dimensions: tuple[int, int, int, int, int, int]
    substance: str
    days_in_care: int
    screenings: dict = field(default_factory=dict)
    referral: str = Assessment.ReferralSource.SELF
    step_down_days_before: int | None = None
    stepped_down_from: str = ""  # began at this level, then stepped down
    consent: bool = False
    # the discharge is planned this many days from today (the measures come due before it)
    discharge_in_days: int | None = None

    @property
    def email(self) -> str:
        return f"{self.first}.{self.last}.demo@example.com".lower()


DEMO_PATIENTS = (
    DemoPatient("Alma", "Quintero", date(1986, 4, 2), "female", "counselor", 4, (1, 0, 1, 1, 1, 2),
                "alcohol", 20, {"audit": 18, "audit_c": 8, "phq9": 7, "phq9_item9": 0},
                consent=True, discharge_in_days=30),
    DemoPatient("Brendan", "Foley", date(1979, 9, 14), "male", "counselor", 5, (1, 1, 1, 2, 1, 1),
                "opioids", 34, {"dast10": 6, "cows": 6}, discharge_in_days=4),
    DemoPatient("Camila", "Ruiz", date(1995, 1, 23), "female", "counselor2", 3, (0, 0, 1, 1, 1, 1),
                "cannabis", 12, {"dast10": 3}),
    DemoPatient("Darnell", "Brooks", date(1990, 6, 30), "male", "counselor2", 4, (1, 0, 3, 1, 2, 1),
                "methamphetamine", 9, {"dast10": 7, "phq9": 14, "phq9_item9": 1, "gad7": 12},
                consent=True),
    DemoPatient("Elif", "Demir", date(1983, 11, 5), "female", "counselor", 7, (1, 1, 1, 1, 1, 1),
                "alcohol", 15, {"audit": 24, "ciwa": 6},
                referral=Assessment.ReferralSource.STEP_DOWN_INP, step_down_days_before=9),
    DemoPatient("Felix", "Nakamura", date(1998, 2, 17), "male", "counselor2", 2, (0, 0, 0, 1, 1, 1),
                "cannabis", 40, {"dast10": 2}),
    DemoPatient("Gloria", "Mensah", date(1972, 8, 8), "female", "counselor", 5, (1, 1, 2, 1, 1, 1),
                "sedatives", 26, {"gad7": 16, "phq9": 9, "phq9_item9": 0}, consent=True),
    DemoPatient("Hector", "Alvarado", date(1988, 12, 1), "male", "counselor2", 4, (1, 0, 1, 1, 3, 1),  # noqa: E501
                "cocaine", 5, {"dast10": 6}),
    DemoPatient("Imani", "Carter", date(2001, 3, 19), "female", "counselor", 4, (1, 0, 1, 1, 2, 1),
                "alcohol", 52, {"audit": 16, "audit_c": 6}, stepped_down_from="PHP"),
    DemoPatient("Jonah", "Whitfield", date(1969, 7, 27), "male", "counselor2", 3, (0, 1, 1, 1, 1, 0),  # noqa: E501
                "rx_opioids", 18, {"dast10": 4}),
    DemoPatient("Keiko", "Yamada", date(1993, 5, 11), "female", "counselor", 5, (1, 0, 1, 3, 2, 2),
                "alcohol", 7, {"audit": 21}),
    DemoPatient("Luis", "Serrano", date(1984, 10, 3), "male", "counselor2", 4, (2, 0, 1, 1, 1, 1),
                "opioids", 23, {"cows": 9}),
    # an adolescent (16): the caseload judges their weeks against IOP's adolescent range
    DemoPatient("Tobias", "Lindqvist", date(2010, 5, 9), "male", "counselor", 4, (0, 0, 1, 1, 2, 1),
                "cannabis", 16, {"dast10": 4}, referral=Assessment.ReferralSource.FAMILY),
)  # fmt: skip

# one patient mid-assessment: a draft to resume
DRAFT_PATIENT = DemoPatient(
    "Mara", "Ellison", date(1991, 3, 3), "female", "counselor", 0, (0, 0, 0, 0, 0, 0), "alcohol", 0
)


@transaction.atomic
def ensure_demo_intake() -> None:
    users = {user.username: user for user in ensure_demo_users()}
    intake = users["intake"]
    for demo in DEMO_INQUIRIES:
        _ensure_inquiry(demo, by=intake)
    for number, patient in enumerate(DEMO_PATIENTS, start=50):
        _ensure_patient(
            patient, by=intake, counselor=users[patient.counselor], phone=f"(213) 555-01{number}"
        )
    _ensure_draft(DRAFT_PATIENT, by=intake)


def _ensure_inquiry(demo: DemoInquiry, *, by: User) -> Inquiry:
    existing = Inquiry.objects.filter(email=demo.email).first()
    if existing is not None:
        return existing
    now = timezone.now()
    inquiry = Inquiry.objects.create(
        name=demo.name,
        phone=demo.phone,
        email=demo.email,
        message=demo.message,
        for_whom=Inquiry.ForWhom.OTHER if demo.about else Inquiry.ForWhom.SELF,
        caller_relation=demo.about[0] if demo.about else "",
        patient_first_name=demo.about[1] if demo.about else "",
        consent_to_contact=True,
        program=Program.objects.filter(code=demo.program).first() if demo.program else None,
        created_at=now - timedelta(hours=demo.hours_ago),
    )
    if demo.status == Inquiry.Status.NEW:
        return inquiry
    services.log_contact(
        inquiry=inquiry,
        by=by,
        at=now - timedelta(hours=demo.hours_ago - 2),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.LEFT_MESSAGE,
        note="Left a short message with our number; no details.",
    )
    if demo.status == Inquiry.Status.CLOSED:
        services.log_contact(
            inquiry=inquiry,
            by=by,
            at=now - timedelta(hours=demo.hours_ago - 30),
            method=ContactAttempt.Method.PHONE,
            outcome=ContactAttempt.Outcome.REACHED,
            note="Found a program closer to home.",
        )
        services.close_inquiry(inquiry=inquiry, by=by, reason=Inquiry.CloseReason.REFERRED)
    elif demo.status == Inquiry.Status.ASSESSMENT_BOOKED:
        services.log_contact(
            inquiry=inquiry,
            by=by,
            at=now - timedelta(hours=demo.hours_ago - 20),
            method=ContactAttempt.Method.PHONE,
            outcome=ContactAttempt.Outcome.REACHED,
        )
        services.book_assessment(inquiry=inquiry, by=by, at=now + timedelta(days=2))
    inquiry.refresh_from_db()
    return inquiry


def _new_patient(demo: DemoPatient, *, by: User, phone: str) -> Patient:
    patient = Patient(
        legal_first_name=demo.first,
        legal_last_name=demo.last,
        date_of_birth=demo.born,
        sex_assigned_at_birth=demo.sex,
        phone=phone,
        email=demo.email,
        city="Los Angeles",
        state="CA",
        postal_code="90012",
    )
    return services.create_patient(patient=patient, by=by)


def _fill(assessment: Assessment, demo: DemoPatient) -> None:
    assessment.referral_source = demo.referral
    if demo.step_down_days_before is not None:
        assessment.step_down_ended_on = assessment.assessment_date - timedelta(
            days=demo.step_down_days_before
        )
    assessment.criteria_met = CRITERIA_KEYS[: demo.criteria]
    assessment.criteria_reviewed = True
    for (key, _), rating in zip(placement.DIMENSIONS, demo.dimensions, strict=True):
        setattr(assessment, key, rating)
        if rating >= 2:
            setattr(assessment, f"{key}_note", "Discussed at intake; see the plan.")
    for key, total in demo.screenings.items():
        setattr(assessment, key, total)
    assessment.save()
    Substance.objects.create(
        assessment=assessment,
        substance=demo.substance,
        is_primary=True,
        frequency=Substance.Frequency.DAILY,
        route=Substance.Route.SMOKED
        if demo.substance in ("cannabis", "methamphetamine")
        else Substance.Route.ORAL,
        last_use=assessment.assessment_date - timedelta(days=1),
    )


def _ensure_patient(demo: DemoPatient, *, by: User, counselor: User, phone: str) -> Patient:
    existing = Patient.objects.filter(email=demo.email).first()
    if existing is not None:
        return existing
    patient = _new_patient(demo, by=by, phone=phone)
    today = timezone.localdate()
    start = today - timedelta(days=demo.days_in_care)
    # the record dates from the first visit, a few days before the assessment
    patient.created_at = timezone.now() - timedelta(days=demo.days_in_care + 5)
    Patient.objects.filter(pk=patient.pk).update(created_at=patient.created_at)
    assessment = services.start_assessment(patient=patient, by=by)
    assessment.assessment_date = start - timedelta(days=2)
    _fill(assessment, demo)
    assessment = services.complete_assessment(assessment=assessment, by=by)
    level = demo.stepped_down_from or assessment.recommended_level
    reason = (
        "Started at a more intensive level after a relapse the week before intake."
        if level != assessment.recommended_level
        else ""
    )
    decision = services.decide_placement(
        assessment=assessment, final_level=level, reason=reason, by=by
    )
    admission = services.admit_patient(
        patient=patient,
        program=Program.objects.get(code=decision.final_level),
        start_date=start,
        primary_counselor=counselor,
        decision=decision,
        by=by,
    )
    if demo.discharge_in_days is not None:
        services.plan_discharge(
            admission=admission, on=today + timedelta(days=demo.discharge_in_days), by=counselor
        )
    if demo.stepped_down_from:
        services.change_level(
            admission=admission,
            program=Program.objects.get(code=assessment.recommended_level),
            on=start + timedelta(days=demo.days_in_care // 2),
            primary_counselor=counselor,
            note="Stable for three weeks; ready for fewer hours.",
            by=by,
        )
    if demo.consent:
        services.add_consent(
            consent=Consent(
                recipient="Dr. Nadia Flores, Echo Park Family Medicine (fictional)",
                purpose="Coordinate medical care and prescriptions",
                information="Attendance, diagnosis, medications and treatment progress",
                covers_attendance=True,
                signed_on=start,
                expiry_event=Consent.ExpiryEvent.END_OF_TREATMENT,
            ),
            patient=patient,
            by=by,
        )
        # the one consent most patients sign at admission under the 2024 rule
        services.add_consent(
            consent=Consent(
                kind=Consent.Kind.TPO,
                recipient="",
                purpose="",
                information="My intake assessment and my attendance records",
                covers_assessment=True,
                covers_attendance=True,
                signed_on=start,
                expiry_event=Consent.ExpiryEvent.NONE,
            ),
            patient=patient,
            by=by,
        )
    return patient


def _ensure_draft(demo: DemoPatient, *, by: User) -> Patient:
    existing = Patient.objects.filter(email=demo.email).first()
    if existing is not None:
        return existing
    patient = _new_patient(demo, by=by, phone="(213) 555-0199")
    assessment = services.start_assessment(patient=patient, by=by)
    assessment.referral_source = Assessment.ReferralSource.PHYSICIAN
    assessment.referral_detail = "Primary care physician"
    assessment.criteria_met = CRITERIA_KEYS[:3]
    assessment.d1, assessment.d2 = 1, 0
    assessment.save()
    return patient
