"""The near-duplicate warning, both sides of the threshold, as a pure rule and on signing."""

import pytest

from accounts.models import AuditEvent
from notes import services, similarity
from notes.models import ProgressNote
from tests.notes.conftest import DAP, OTHER_DAP

BASE = (
    "Patient engaged well in group and shared about cravings at the weekend; "
    "used the urge surfing skill twice and called a sponsor on Saturday night."
)


def _variant(changed_words: int) -> str:
    words = BASE.split()
    for n in range(changed_words):
        words[n * 2] = f"zz{n}"
    return " ".join(words)


def test_identical_texts_score_one():
    assert similarity.similarity(BASE, BASE) == 1.0
    assert similarity.similarity(BASE, BASE.upper().replace(" ", "  ")) == 1.0


def test_just_above_the_threshold_is_a_near_duplicate():
    score = similarity.similarity(BASE, _variant(2))
    assert score >= similarity.NEAR_DUPLICATE
    assert similarity.closest(BASE, [("other", _variant(2))]) is not None


def test_just_below_the_threshold_is_not():
    score = similarity.similarity(BASE, _variant(5))
    assert score < similarity.NEAR_DUPLICATE
    assert similarity.closest(BASE, [("other", _variant(5))]) is None


def test_empty_text_is_never_similar():
    assert similarity.similarity("", BASE) == 0.0


def _two_drafts(session, counselor, patients, first_parts, second_parts):
    services.open_session_note(session=session, by=counselor)
    services.save_shared_part(
        session_note=session.session_note,
        topic="Cravings",
        group_work="Urge surfing.",
        by=counselor,
    )
    first = ProgressNote.objects.get(patient=patients[0])
    second = ProgressNote.objects.get(patient=patients[1])
    services.save_draft(note=first, parts=first_parts, by=counselor)
    services.save_draft(note=second, parts=second_parts, by=counselor)
    return first, second


def test_signing_a_copy_of_another_patients_part_asks_first(session, counselor, patients):
    first, second = _two_drafts(session, counselor, patients, DAP, DAP)
    with pytest.raises(services.NearDuplicate) as exc:
        services.sign_notes(notes=[first], by=counselor)
    assert exc.value.matches[first].other == second
    first.refresh_from_db()
    assert not first.is_signed


def test_signing_anyway_is_allowed_and_recorded(session, counselor, patients):
    first, second = _two_drafts(session, counselor, patients, DAP, DAP)
    (signed,) = services.sign_notes(notes=[first], by=counselor, confirm_similar=True)
    assert signed.is_signed and signed.similar_to == second and signed.similarity == 1.0
    assert AuditEvent.objects.filter(detail__startswith="signed despite 100% similarity").exists()


def test_different_parts_sign_without_a_warning(session, counselor, patients):
    first, second = _two_drafts(session, counselor, patients, DAP, OTHER_DAP)
    services.sign_notes(notes=[first, second], by=counselor)
    assert ProgressNote.objects.filter(similarity__isnull=True).signed().count() == 2


def test_a_copy_of_the_patients_previous_note_asks_first(session, counselor, patients, frozen_now):
    from datetime import date

    from scheduling.services import mark_attendance
    from tests.notes.conftest import clinic_moment, group_session

    first, second = _two_drafts(session, counselor, patients, DAP, OTHER_DAP)
    services.sign_notes(notes=[first, second], by=counselor)
    friday = date(2026, 1, 16)
    frozen_now(clinic_moment(friday, "13:00"))
    later = group_session(session.track, friday)
    attendee = later.attendees.get(patient=patients[0])
    mark_attendance(session=later, marks={attendee.pk: ("present", None)}, by=counselor)
    services.open_session_note(session=later, by=counselor)
    services.save_shared_part(
        session_note=later.session_note, topic="Coping", group_work="Role play.", by=counselor
    )
    repeat = ProgressNote.objects.get(attendee=attendee)
    services.save_draft(note=repeat, parts=DAP, by=counselor)
    with pytest.raises(services.NearDuplicate) as exc:
        services.sign_notes(notes=[repeat], by=counselor)
    assert exc.value.matches[repeat].other == first
