"""SUD counseling notes: private to their author and the director, never on a page
others see, and out of the clinic only under a consent for SUD counseling notes."""

from django.urls import reverse

from intake import records
from intake.models import Disclosure, RecordKind
from notes import services
from notes.models import CounselingNote
from tests.factories import ConsentFactory

TEXT = "Countertransference after the session: take it to supervision."


def _url(patient):
    return reverse("notes:counseling-notes", args=[patient.uuid])


def test_the_author_writes_and_reads_one(counselor_client, patients):
    response = counselor_client.post(_url(patients[0]), {"text": TEXT})
    assert response.status_code == 302
    assert CounselingNote.objects.get().text == TEXT
    assert TEXT in counselor_client.get(_url(patients[0])).content.decode()


def test_an_empty_note_is_refused_with_a_message(counselor_client, patients):
    response = counselor_client.post(_url(patients[0]), {"text": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not CounselingNote.objects.exists()


def test_only_the_author_and_the_director_read_it(
    counselor, patients, other_counselor, other_counselor_client, director_client, intake_client
):
    services.write_counseling_note(patient=patients[0], text=TEXT, by=counselor)
    assert TEXT in director_client.get(_url(patients[0])).content.decode()
    assert intake_client.get(_url(patients[0])).status_code == 403
    assert other_counselor_client.get(_url(patients[0])).status_code == 404
    assert CounselingNote.objects.readable_by(other_counselor).count() == 0


def test_it_is_not_on_the_patients_session_notes_page(counselor_client, counselor, patients):
    services.write_counseling_note(patient=patients[0], text=TEXT, by=counselor)
    page = counselor_client.get(reverse("notes:patient-notes", args=[patients[0].uuid]))
    assert TEXT not in page.content.decode()


def test_it_leaves_only_under_a_consent_for_counseling_notes(counselor, patients):
    services.write_counseling_note(patient=patients[0], text=TEXT, by=counselor)
    for_notes = ConsentFactory(patient=patients[0], kind="counseling_notes")
    other = ConsentFactory(patient=patients[0])
    assert records.may_disclose(for_notes, RecordKind.COUNSELING_NOTES)
    assert not records.may_disclose(other, RecordKind.COUNSELING_NOTES)
    section = records._renderers[RecordKind.COUNSELING_NOTES](
        Disclosure(patient=patients[0], consent=for_notes)
    )
    assert TEXT in section.html


def test_a_counselor_in_the_patients_session_still_cannot_read_it(
    counselor, other_counselor, other_counselor_client, session, patients
):
    """The other counselor co-runs the group, so the patient's page opens for them; the
    SUD counseling note written by its author does not."""
    from scheduling.models import SessionCounselor

    link = session.counselor_links.get()
    SessionCounselor.objects.create(
        session=session, counselor=other_counselor, start=link.start, end=link.end
    )
    services.write_counseling_note(patient=patients[0], text=TEXT, by=counselor)
    response = other_counselor_client.get(_url(patients[0]))
    assert response.status_code == 200
    assert TEXT not in response.content.decode()
