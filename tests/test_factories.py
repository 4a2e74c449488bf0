"""The fictional people tests make: staff names never contain a patient's name nor the
other way round, so "the patient's name is not on this page" holds on a page that shows
the counselor's name, whatever names Faker draws."""

from django.core.validators import validate_email
from faker.providers.person.en_US import Provider

from tests.factories import STAFF_FIRST_NAMES, STAFF_LAST_NAMES, InquiryFactory, UserFactory


def _patient_names() -> set[str]:
    # what PatientFactory and InquiryFactory draw from (factory-boy's locale is en_US)
    pools = ("first_names_male", "first_names_female", "first_names_nonbinary", "last_names")
    return {name for pool in pools for name in getattr(Provider, pool, ())}


def test_staff_and_patient_names_never_contain_one_another():
    patients = _patient_names()
    assert len(patients) > 1000  # the provider's lists were found
    clashes = [
        (staff, patient)
        for staff in (*STAFF_FIRST_NAMES, *STAFF_LAST_NAMES)
        for patient in patients
        if patient in staff or staff in patient
    ]
    assert clashes == []


def test_staff_do_not_share_a_name_within_143_people():
    names = {user.get_full_name() for user in UserFactory.build_batch(143)}
    assert len(names) == 143


def test_made_up_callers_have_real_addresses():
    # Faker's names may begin "Dr." or "Mr."; the address is made from the first word
    for inquiry in InquiryFactory.build_batch(300):
        validate_email(inquiry.email)
