"""Merging two records of one person: through the service (everything moves, the
refusals move nothing) and through the director's page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from intake import services
from intake.models import Consent, Patient, PatientMerge, Refused
from scheduling.models import Attendee, TrackEnrollment
from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    ConsentFactory,
    PatientFactory,
    RoomFactory,
    TrackFactory,
)
from tests.scheduling.conftest import group_session

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 4)
REASON = "The same person: same name, date of birth and phone."


@pytest.fixture
def track(counselor):
    return TrackFactory(
        room=RoomFactory(name="Group Room A"), lead_counselor=counselor, first_date=date(2026, 1, 5)
    )


def _admitted(**kwargs) -> Patient:
    return AdmissionFactory(start_date=date(2026, 1, 5), **kwargs).patient


def _counts(patient: Patient) -> tuple:
    return (
        Attendee.objects.filter(patient=patient).count(),
        TrackEnrollment.objects.filter(patient=patient).count(),
        Consent.objects.filter(patient=patient).count(),
        patient.admissions.count(),
        patient.assessments.count(),
    )


def test_every_row_moves_to_the_survivor_and_the_duplicate_goes(track, director):
    survivor = PatientFactory()
    duplicate = _admitted()
    ConsentFactory(patient=duplicate)
    AssessmentFactory(patient=duplicate)
    group_session(track, DAY, [duplicate])
    assert _counts(duplicate) == (1, 1, 1, 1, 1)

    merge = services.merge_patients(
        survivor=survivor, duplicate=duplicate, reason=REASON, by=director
    )

    assert _counts(survivor) == (1, 1, 1, 1, 1)
    assert not Patient.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    assert survivor.status == Patient.Status.ACTIVE  # the moved open admission
    assert merge.merged_uuid == duplicate.uuid and merge.merged_mrn == duplicate.mrn
    assert merge.moved["attendees"] == 1 and merge.moved["consents"] == 1
    assert merge.reason == REASON and merge.by == director
    assert merge.merged_details["legal_first_name"] == duplicate.legal_first_name
    assert list(survivor.merged_uuids().values_list("merged_uuid", flat=True)) == [duplicate.uuid]
    change = AuditEvent.objects.get(action="change", patient_uuid=survivor.uuid)
    assert "merged" in change.detail and change.actor == director
    assert AuditEvent.objects.filter(action="delete", patient_uuid=duplicate.uuid).exists()


def test_merging_a_record_into_itself_is_refused(director):
    patient = PatientFactory()
    with pytest.raises(Refused, match="same record"):
        services.merge_patients(survivor=patient, duplicate=patient, reason=REASON, by=director)
    assert not PatientMerge.objects.exists()


def test_two_open_admissions_are_refused_and_nothing_moves(director):
    survivor, duplicate = _admitted(), _admitted()
    ConsentFactory(patient=duplicate)
    with pytest.raises(Refused, match="Both records have an open admission"):
        services.merge_patients(survivor=survivor, duplicate=duplicate, reason=REASON, by=director)
    assert _counts(duplicate) == (0, 0, 1, 1, 0)
    assert not PatientMerge.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["change", "delete"]).exists()


def test_both_booked_in_one_session_is_refused_naming_it_and_nothing_moves(track, director):
    survivor, duplicate = _admitted(), _admitted()
    group_session(track, DAY, [survivor, duplicate])
    survivor.admissions.update(end_date=date(2026, 3, 20))  # so only the clash remains
    ConsentFactory(patient=duplicate)
    before = (_counts(survivor), _counts(duplicate))
    with pytest.raises(Refused, match="can't be merged") as refusal:
        services.merge_patients(survivor=survivor, duplicate=duplicate, reason=REASON, by=director)
    assert "nothing was moved" in str(refusal.value)
    assert (_counts(survivor), _counts(duplicate)) == before
    assert Patient.objects.filter(pk=duplicate.pk).exists()
    assert not PatientMerge.objects.exists()


def test_a_merge_needs_a_real_reason(director):
    with pytest.raises(Refused):
        services.merge_patients(
            survivor=PatientFactory(), duplicate=PatientFactory(), reason="x", by=director
        )
    assert Patient.objects.count() == 2


# --- the page --------------------------------------------------------------------------


def _url(patient: Patient) -> str:
    return reverse("intake:merge-patient", args=[patient.uuid])


def test_the_patient_page_links_the_merge_for_directors_only(director_client, intake_client):
    patient = PatientFactory()
    assert "Merge a duplicate record" in director_client.get(patient.get_absolute_url()).text
    assert "Merge a duplicate record" not in intake_client.get(patient.get_absolute_url()).text


def test_counselors_and_intake_staff_may_not_merge(intake_client, counselor_client):
    survivor, duplicate = PatientFactory(), PatientFactory()
    data = {"other_mrn": duplicate.mrn, "reason": REASON, "confirmed": "on"}
    assert intake_client.get(_url(survivor)).status_code == 403
    assert intake_client.post(_url(survivor), data).status_code == 403
    assert counselor_client.post(_url(survivor), data).status_code == 403
    assert Patient.objects.count() == 2


def test_the_director_reviews_what_moves_then_merges(director_client):
    survivor, duplicate = PatientFactory(), PatientFactory()
    ConsentFactory(patient=duplicate)
    AssessmentFactory.create_batch(2, patient=duplicate)
    assert director_client.get(_url(survivor)).status_code == 200
    data = {"other_mrn": duplicate.mrn.lower(), "reason": REASON}
    review = director_client.post(_url(survivor), data)
    assert review.status_code == 200
    assert "Confirm the merge" in review.text
    assert "<li>1 consent</li>" in review.text and "<li>2 assessments</li>" in review.text
    assert Patient.objects.count() == 2  # the review changes nothing
    done = director_client.post(_url(survivor), {**data, "confirmed": "on"})
    assert done.status_code == 302 and done.url == survivor.get_absolute_url()
    assert not Patient.objects.filter(pk=duplicate.pk).exists()
    page = director_client.get(survivor.get_absolute_url()).text
    assert "Records merged into this one" in page and duplicate.mrn in page
    assert "1 consent, 2 assessments" in page or "2 assessments, 1 consent" in page


def test_an_unknown_mrn_or_the_same_record_is_shown_next_to_the_field(director_client):
    survivor = PatientFactory()
    unknown = director_client.post(
        _url(survivor), {"other_mrn": "MRN-999999", "reason": REASON, "confirmed": "on"}
    )
    assert unknown.status_code == 400 and "No record has that MRN" in unknown.text
    same = director_client.post(
        _url(survivor), {"other_mrn": survivor.mrn, "reason": REASON, "confirmed": "on"}
    )
    assert same.status_code == 400 and "same record" in same.text
    assert REASON in same.text  # what was typed is kept


def test_a_refused_merge_shows_the_reason_and_moves_nothing(director_client):
    survivor, duplicate = _admitted(), _admitted()
    response = director_client.post(
        _url(survivor), {"other_mrn": duplicate.mrn, "reason": REASON, "confirmed": "on"}
    )
    assert response.status_code == 400
    assert "Both records have an open admission" in response.text
    assert Patient.objects.count() == 2 and not PatientMerge.objects.exists()
