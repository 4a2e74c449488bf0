"""One factory per model. Fictional people only; phone numbers in the 555-01xx range."""

import datetime

import factory
import factory.random
from django.contrib.auth.models import User
from django.utils import timezone

from intake.models import Admission, Inquiry, Patient
from programs.models import Program, Service
from scheduling.models import Room, SessionType, Site, Track

TEST_PASSWORD = "correct-horse-battery-staple"

# Staff names come from their own pool: with Faker's they could share a name with a
# patient (or contain one, "Ann" in "Joanne"), and a page that rightly shows the
# counselor's name then failed a test that the patient's name is not on it. None of
# these is or contains a name Faker gives patients (tests/test_factories.py checks);
# 11 and 13 names make 143 different people before one repeats.
STAFF_FIRST_NAMES = (
    "Oriana", "Thaddeus", "Ximena", "Isidore", "Solveig", "Ignatius", "Wilhelmina",
    "Caspian", "Ottoline", "Perpetua", "Ambrosine",
)  # fmt: skip
STAFF_LAST_NAMES = (
    "Okonjo", "Sundqvist", "Abernethy", "Szabo", "Nakagawa", "Fairweather", "Achterberg",
    "Pemberthy", "Kowalczyk", "Oyelaran", "Thistlewood", "Quennell", "Iwasaki",
)  # fmt: skip


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: STAFF_FIRST_NAMES[n % len(STAFF_FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: STAFF_LAST_NAMES[n % len(STAFF_LAST_NAMES)])
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")
    password = factory.django.Password(TEST_PASSWORD)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")


def recent_day(low: int, high: int) -> factory.LazyFunction:
    """A day `low` to `high` days before the clinic's today, by the clock tests can stop
    (tests/conftest.py frozen_now), so a patient admitted "in the last month" is in the
    month before the day the test is set on."""
    return factory.LazyFunction(
        lambda: (
            timezone.localdate()
            - datetime.timedelta(days=factory.random.randgen.randint(low, high))
        )
    )


def program(code: str) -> Program:
    """A catalog level from the data migration (OP, IOP, PHP, INP)."""
    return Program.objects.get(code=code)


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"(213) 555-01{n % 100:02d}")
    # Faker's names may start with "Mr." or "Dr.", and "dr.@example.com" is no address
    email = factory.LazyAttribute(
        lambda i: f"{''.join(filter(str.isalpha, i.name.split()[0].lower()))}@example.com"
    )
    consent_to_contact = True


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=70)
    phone = factory.Sequence(lambda n: f"(323) 555-01{n % 100:02d}")
    email = factory.LazyAttribute(lambda p: f"{p.legal_first_name.lower()}@example.com")

    class Params:
        active = factory.Trait(status=Patient.Status.ACTIVE)


class AdmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Admission

    patient = factory.SubFactory(PatientFactory, active=True)
    program = factory.LazyFunction(lambda: program("IOP"))
    start_date = recent_day(0, 30)
    primary_counselor = factory.SubFactory(UserFactory)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Site {n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Room {n}")
    seats = 14


def session_type(slug: str) -> SessionType:
    """A session type from scheduling's data migration (group-therapy, individual-counseling)."""
    return SessionType.objects.get(slug=slug)


class TrackFactory(factory.django.DjangoModelFactory):
    """A weekly group; defaults to an IOP morning group Mon/Wed/Fri 09:00-12:00."""

    class Meta:
        model = Track

    program = factory.LazyFunction(lambda: program("IOP"))
    name = factory.Sequence(lambda n: f"IOP Group {n}")
    session_type = factory.LazyFunction(lambda: session_type("group-therapy"))
    weekdays = factory.LazyFunction(lambda: [0, 2, 4])
    start_time = datetime.time(9, 0)
    length_minutes = 180
    room = factory.SubFactory(RoomFactory)
    lead_counselor = factory.SubFactory(UserFactory)
    capacity = 12
    first_date = datetime.date(2026, 1, 5)


# --- intake workflow ---------------------------------------------------------------------


class ContactAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.ContactAttempt"

    inquiry = factory.SubFactory(InquiryFactory)
    method = "phone"
    outcome = "reached"
    by = factory.SubFactory(UserFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.Consent"

    patient = factory.SubFactory(PatientFactory)
    recipient = "Dr. Lena Ortiz, Eastside Family Clinic"
    purpose = "Coordinate medical care"
    information = "Attendance, diagnosis and medications"
    signed_on = recent_day(10, 60)
    expiry_event = "end_of_treatment"


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft; the `moderate` trait fills it to a complete IOP-level picture."""

    class Meta:
        model = "intake.Assessment"

    patient = factory.SubFactory(PatientFactory, status="in_assessment")
    referral_source = "self"

    class Params:
        moderate = factory.Trait(
            criteria_met=factory.LazyFunction(
                lambda: ["larger_longer", "cut_down", "craving", "obligations"]
            ),
            criteria_reviewed=True,
            d1=1,
            d2=0,
            d3=1,
            d4=1,
            d5=1,
            d6=2,
            d6_note="Shares a flat with a roommate who drinks most nights.",
        )


class SubstanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.Substance"

    assessment = factory.SubFactory(AssessmentFactory)
    substance = "alcohol"
    is_primary = True
    frequency = "daily"
    route = "oral"
    last_use = factory.LazyAttribute(lambda s: s.assessment.assessment_date)
