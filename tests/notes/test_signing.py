"""Opening, drafting, signing, locking, addenda and co-signature, through the services."""

from datetime import date

import pytest

from accounts.models import AuditEvent
from notes import services
from notes.models import NoteAddendum, ProgressNote
from tests.notes.conftest import DAP, OTHER_DAP, SESSION_DAY, clinic_moment


def _open_and_write(session, counselor, patients):
    services.open_session_note(session=session, by=counselor)
    sn = session.session_note
    services.save_shared_part(
        session_note=sn, topic="Relapse triggers", group_work="Mapped triggers.", by=counselor
    )
    first = ProgressNote.objects.get(patient=patients[0])
    second = ProgressNote.objects.get(patient=patients[1])
    services.save_draft(note=first, parts=DAP, by=counselor)
    services.save_draft(note=second, parts=OTHER_DAP, by=counselor)
    return first, second


def test_it_drafts_a_part_for_each_patient_who_came(session, counselor, patients):
    note = services.open_session_note(session=session, by=counselor)
    parts = {p.patient_id: p for p in note.progress_notes.all()}
    assert set(parts) == {patients[0].pk, patients[1].pk}  # the absent patient gets none
    assert parts[patients[1].pk].minutes_attended == 150
    assert parts[patients[0].pk].minutes_attended == 180
    assert parts[patients[0].pk].due_on == date(2026, 1, 15)
    assert note.note_format == "DAP"
    assert AuditEvent.objects.filter(detail="note drafted").count() == 2


def test_it_opens_once(session, counselor):
    services.open_session_note(session=session, by=counselor)
    services.open_session_note(session=session, by=counselor)
    assert ProgressNote.objects.count() == 2


def test_it_refuses_a_session_without_attendance(now, counselor, patients):
    from tests.factories import RoomFactory, TrackFactory
    from tests.notes.conftest import group_session

    track = TrackFactory(lead_counselor=counselor, room=RoomFactory(name="Room B"))
    session = group_session(track, SESSION_DAY, patients[:1])
    with pytest.raises(services.NoteError, match="Take attendance first"):
        services.open_session_note(session=session, by=counselor)


def test_birp_when_the_clinic_chooses_it(session, counselor, settings):
    settings.NOTE_FORMAT = "BIRP"
    note = services.open_session_note(session=session, by=counselor)
    part = note.progress_notes.first()
    assert part.fields == ("behavior", "intervention", "response", "plan")


def test_it_signs_and_locks(session, counselor, patients):
    first, _ = _open_and_write(session, counselor, patients)
    (signed,) = services.sign_notes(notes=[first], by=counselor)
    assert signed.is_locked and signed.signed_by == counselor and not signed.is_late
    assert not signed.needs_cosign
    with pytest.raises(services.NoteError, match="locked"):
        services.save_draft(note=signed, parts={"data": "changed"}, by=counselor)
    signed.refresh_from_db()
    assert signed.data == DAP["data"]


def test_it_refuses_to_sign_an_incomplete_note(session, counselor, patients):
    services.open_session_note(session=session, by=counselor)
    note = ProgressNote.objects.get(patient=patients[0])
    services.save_draft(note=note, parts={"data": "Only data."}, by=counselor)
    with pytest.raises(services.IncompleteNote) as exc:
        services.sign_notes(notes=[note], by=counselor)
    assert "give the session's topic" in str(exc.value) and "write the plan" in str(exc.value)
    note.refresh_from_db()
    assert not note.is_signed


def test_sign_all_signs_every_draft_or_none(session, counselor, patients):
    first, second = _open_and_write(session, counselor, patients)
    services.save_draft(note=second, parts={"plan": ""}, by=counselor)
    with pytest.raises(services.IncompleteNote):
        services.sign_notes(notes=[first, second], by=counselor)
    assert ProgressNote.objects.signed().count() == 0
    services.save_draft(note=second, parts=OTHER_DAP, by=counselor)
    services.sign_notes(notes=[first, second], by=counselor)
    assert ProgressNote.objects.signed().count() == 2


def test_a_note_signed_after_its_due_day_is_late(session, counselor, patients, frozen_now):
    first, _ = _open_and_write(session, counselor, patients)
    frozen_now(clinic_moment(date(2026, 1, 15), "23:59"))  # the due day: on time
    (on_time,) = services.sign_notes(notes=[first], by=counselor)
    assert not on_time.is_late
    second = ProgressNote.objects.get(patient=patients[1])
    frozen_now(clinic_moment(date(2026, 1, 16), "00:01"))  # Friday, past midnight: late
    (late,) = services.sign_notes(notes=[second], by=counselor)
    assert late.is_late and late.written_on == date(2026, 1, 16)


def test_addenda_are_dated_and_keep_the_note(session, counselor, patients):
    first, _ = _open_and_write(session, counselor, patients)
    with pytest.raises(services.NoteError, match="still editable"):
        services.add_addendum(note=first, text="Correction.", by=counselor)
    services.sign_notes(notes=[first], by=counselor)
    addendum = services.add_addendum(note=first, text="Mood was low, not steady.", by=counselor)
    first.refresh_from_db()
    assert first.data == DAP["data"]
    assert NoteAddendum.objects.get().created_at == addendum.created_at


def test_an_unlicensed_counselors_note_waits_for_a_cosignature(
    session, counselor, other_counselor, director, patients
):
    services.set_licensed(user=counselor, licensed=False, by=director)
    first, _ = _open_and_write(session, counselor, patients)
    counselor = type(counselor).objects.get(pk=counselor.pk)  # a fresh request's user
    (signed,) = services.sign_notes(notes=[first], by=counselor)
    assert signed.awaits_cosign and signed.status_label == "Waiting for co-signature"
    with pytest.raises(services.NoteError, match="someone other"):
        services.cosign_note(note=signed, by=counselor)
    services.cosign_note(note=signed, by=director)
    signed.refresh_from_db()
    assert signed.cosigned_by == director and not signed.awaits_cosign
    with pytest.raises(services.NoteError, match="not waiting"):
        services.cosign_note(note=signed, by=other_counselor)


def test_an_unlicensed_counselor_cannot_cosign(
    session, counselor, other_counselor, director, patients
):
    services.set_licensed(user=counselor, licensed=False, by=director)
    services.set_licensed(user=other_counselor, licensed=False, by=director)
    first, _ = _open_and_write(session, counselor, patients)
    (signed,) = services.sign_notes(notes=[first], by=type(counselor).objects.get(pk=counselor.pk))
    with pytest.raises(services.NoteError, match="licensed clinician"):
        services.cosign_note(
            note=signed, by=type(other_counselor).objects.get(pk=other_counselor.pk)
        )
