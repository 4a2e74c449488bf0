"""Writing, signing, co-signing and correcting session notes.

Every function runs in one transaction and writes its audit events inside it. Rules
about one note are on the model (notes/models.py); due dates in notes/due.py; how
alike two notes are in notes/similarity.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from accounts.audit import Action
from intake.models import Patient
from notes import due, similarity
from notes.access import is_licensed, may_cosign
from notes.models import (
    Clinician,
    CounselingNote,
    NoteAddendum,
    ProgressNote,
    SessionNote,
    clinic_note_format,
)
from scheduling import clinictime
from scheduling.models import PARTIAL_ATTENDANCE, Attendance, Attendee, Session
from treatment.models import Objective, TreatmentPlan

ATTENDED = (Attendance.PRESENT, *PARTIAL_ATTENDANCE)


class NoteError(Exception):
    """A note cannot change that way; the message says why, for the page."""


class IncompleteNote(NoteError):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("Not signed: " + "; ".join(missing) + ".")


class NearDuplicate(NoteError):
    """The note is nearly identical to another; signing needs the counselor's confirmation."""

    def __init__(self, matches: Mapping[ProgressNote, similarity.Match[ProgressNote]]) -> None:
        self.matches = dict(matches)
        super().__init__(
            "Nearly identical to another note: make it about this patient, or confirm "
            "that you sign it as it is."
        )


def _record(request: HttpRequest | None, by: User, action: str, **kwargs: Any) -> None:
    audit.record(request, action, user=by, **kwargs)


def _refuse_if_locked(note: ProgressNote) -> None:
    if note.is_locked:
        raise NoteError("This note is signed and locked; add an addendum to correct it.")


def _locked(note: ProgressNote) -> ProgressNote:
    return ProgressNote.objects.select_for_update().select_related("patient").get(pk=note.pk)


# --- Opening a session's note -------------------------------------------------------------


def attended(session: Session) -> list[Attendee]:
    return [a for a in session.attendees.all() if a.attendance in ATTENDED]


def check_can_open(session: Session, attendees: Iterable[Attendee]) -> None:
    if session.is_cancelled:
        raise NoteError("The session was cancelled: it gets no note.")
    if not session.has_started():
        raise NoteError("A note can be written once the session has started.")
    if not any(a.attendance in ATTENDED for a in attendees):
        raise NoteError("Take attendance first: nobody is marked present, late or left early.")


@transaction.atomic
def open_session_note(
    *, session: Session, by: User, request: HttpRequest | None = None
) -> SessionNote:
    """The session's note, with a draft individual part for each patient who attended
    (made now for anyone marked since). Absent and excused patients get none."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    attendees = list(session.attendees.select_related("patient"))
    check_can_open(session, attendees)
    note, created = SessionNote.objects.get_or_create(
        session=session, defaults={"author": by, "note_format": clinic_note_format()}
    )
    have = set(note.progress_notes.values_list("attendee_id", flat=True))
    due_on = due.due_date(clinictime.local(session.start).date())
    new = [
        ProgressNote(
            session_note=note,
            attendee=a,
            patient=a.patient,
            note_format=note.note_format,
            minutes_attended=a.minutes_attended,
            due_on=due_on,
            author=by,
        )
        for a in attendees
        if a.attendance in ATTENDED and a.pk not in have
    ]
    ProgressNote.objects.bulk_create(new)
    if created:
        _record(request, by, Action.CREATE, obj=note, detail="session note opened")
    for part in new:
        _record(request, by, Action.CREATE, obj=part, patient=part.patient, detail="note drafted")
    return note


@transaction.atomic
def save_shared_part(
    *,
    session_note: SessionNote,
    topic: str,
    group_work: str,
    by: User,
    request: HttpRequest | None = None,
) -> SessionNote:
    session_note = SessionNote.objects.select_for_update().get(pk=session_note.pk)
    if session_note.progress_notes.exists() and not session_note.progress_notes.drafts().exists():
        raise NoteError("Every individual part is signed: the shared part is locked with them.")
    session_note.topic, session_note.group_work = topic, group_work
    session_note.save(update_fields=["topic", "group_work", "updated_at"])
    _record(request, by, Action.CHANGE, obj=session_note, detail="shared part saved")
    return session_note


@transaction.atomic
def save_draft(
    *,
    note: ProgressNote,
    parts: Mapping[str, str],
    by: User,
    objective_ids: Iterable[int] | None = None,
    request: HttpRequest | None = None,
) -> ProgressNote:
    """Keep what was typed in the note's parts (its format's only) and the plan
    objectives it names (None: leave them); refused once signed."""
    note = _locked(note)
    _refuse_if_locked(note)
    for name in note.fields:
        if name in parts:
            setattr(note, name, parts[name])
    note.save()
    if objective_ids is not None:
        _link_objectives(note, objective_ids)
    _record(request, by, Action.CHANGE, obj=note, patient=note.patient, detail="draft saved")
    return note


# --- Signing --------------------------------------------------------------------------------


def missing_for_signing(
    note: ProgressNote, session_note: SessionNote, plan_objectives: list[Objective]
) -> list[str]:
    """What a note lacks before it can be signed. A patient with a signed plan: the note
    names at least one of its objectives (before the first plan is signed, in the first
    days of care, there is none to name)."""
    missing = [
        f"write the {getattr(note._meta.get_field(name), 'verbose_name', name)}"
        for name in note.fields
        if not getattr(note, name).strip()
    ]
    if not session_note.topic.strip():
        missing.insert(0, "give the session's topic")
    if plan_objectives and not note.objectives.exists():
        missing.append("choose the plan objectives this session addressed")
    return missing


def near_duplicates(
    notes: list[ProgressNote],
) -> dict[ProgressNote, similarity.Match[ProgressNote]]:
    """For each of `notes` (parts of one session) the closest other part of the same
    session, or that patient's previous note, at or above the threshold. Two queries."""
    if not notes:
        return {}
    session_note_id = notes[0].session_note_id
    siblings = list(ProgressNote.objects.filter(session_note_id=session_note_id))
    start = Session.objects.filter(session_note__id=session_note_id).values("start")
    previous = {
        p.patient_id: p
        for p in ProgressNote.objects.filter(
            patient__in=[n.patient_id for n in notes],
            session_note__session__start__lt=start,
        )
        .order_by("patient_id", "-session_note__session__start", "-pk")
        .distinct("patient_id")
    }
    found = {}
    for note in notes:
        others = [(o, o.text) for o in siblings if o.pk != note.pk and o.text]
        if note.patient_id in previous:
            earlier = previous[note.patient_id]
            others.append((earlier, earlier.text))
        match = similarity.closest(note.text, others)
        if match is not None:
            found[note] = match
    return found


def _sign(note: ProgressNote, by: User, match: similarity.Match | None) -> None:
    now = timezone.now()
    note.signed_at, note.signed_by = now, by
    note.is_late = due.is_late(note.due_on, clinictime.local(now).date())
    note.needs_cosign = not is_licensed(by)
    if match is not None:
        note.similarity, note.similar_to = round(match.score, 3), match.other
    note.save()


@transaction.atomic
def sign_notes(
    *,
    notes: list[ProgressNote],
    by: User,
    confirm_similar: bool = False,
    request: HttpRequest | None = None,
) -> list[ProgressNote]:
    """Sign drafts of one session, all or none: each complete, none nearly identical to
    another unless the signer confirmed it (recorded on the note and in the audit log)."""
    notes = [_locked(n) for n in notes]
    for note in notes:
        _refuse_if_locked(note)
    session_note = SessionNote.objects.get(pk=notes[0].session_note_id)
    plans = objectives_for_patients([note.patient for note in notes])
    for note in notes:
        missing = missing_for_signing(note, session_note, plans.get(note.patient_id, []))
        if missing:
            raise IncompleteNote([f"{note.patient.display_name}: {m}" for m in missing])
    matches = near_duplicates(notes)
    if matches and not confirm_similar:
        raise NearDuplicate(matches)
    for note in notes:
        match = matches.get(note)
        _sign(note, by, match)
        detail = "signed" + (f" despite {match.score:.0%} similarity" if match else "")
        if note.is_late:
            detail += ", late"
        _record(request, by, Action.CHANGE, obj=note, patient=note.patient, detail=detail)
    return notes


@transaction.atomic
def save_and_sign(
    *,
    note: ProgressNote,
    parts: Mapping[str, str],
    sign: bool,
    by: User,
    objective_ids: Iterable[int] | None = None,
    confirm_similar: bool = False,
    request: HttpRequest | None = None,
) -> ProgressNote:
    """Save the draft and, when asked, sign it: a refused signature keeps nothing
    (the page shows what was typed again)."""
    note = save_draft(note=note, parts=parts, objective_ids=objective_ids, by=by, request=request)
    if sign:
        (note,) = sign_notes(notes=[note], by=by, confirm_similar=confirm_similar, request=request)
    return note


@transaction.atomic
def cosign_note(
    *, note: ProgressNote, by: User, request: HttpRequest | None = None
) -> ProgressNote:
    note = _locked(note)
    if not note.awaits_cosign:
        raise NoteError("This note is not waiting for a co-signature.")
    if note.signed_by_id == by.pk:
        raise NoteError("A note is co-signed by someone other than the counselor who signed it.")
    if not may_cosign(by):
        raise NoteError("Only a licensed clinician or the clinical director co-signs notes.")
    note.cosigned_at, note.cosigned_by = timezone.now(), by
    note.save(update_fields=["cosigned_at", "cosigned_by", "updated_at"])
    _record(request, by, Action.CHANGE, obj=note, patient=note.patient, detail="co-signed")
    return note


@transaction.atomic
def add_addendum(
    *, note: ProgressNote, text: str, by: User, request: HttpRequest | None = None
) -> NoteAddendum:
    note = _locked(note)
    if not note.is_signed:
        raise NoteError("A draft is still editable; change it directly.")
    addendum = NoteAddendum.objects.create(note=note, text=text, author=by)
    _record(request, by, Action.CREATE, obj=addendum, patient=note.patient, detail="addendum")
    return addendum


# --- Licensure and SUD counseling notes ----------------------------------------------------


@transaction.atomic
def set_licensed(
    *, user: User, licensed: bool, by: User, request: HttpRequest | None = None
) -> Clinician:
    clinician, _ = Clinician.objects.select_for_update().get_or_create(user=user)
    clinician.is_licensed, clinician.updated_by = licensed, by
    clinician.save()
    state = "licensed" if licensed else "not yet licensed"
    _record(request, by, Action.CHANGE, obj=clinician, detail=f"marked {state}")
    return clinician


@transaction.atomic
def write_counseling_note(
    *,
    patient: Patient,
    text: str,
    by: User,
    session: Session | None = None,
    request: HttpRequest | None = None,
) -> CounselingNote:
    note = CounselingNote.objects.create(patient=patient, session=session, text=text, author=by)
    _record(request, by, Action.CREATE, obj=note, patient=patient, detail="SUD counseling note")
    return note


# --- The golden thread: objectives of the patient's current plan ---------------------------


PLAN_ORDER = ("goal__problem__position", "goal__problem__pk", "goal__position", "position", "pk")


def objectives_for_patients(patients: Iterable[Patient]) -> dict[int, list[Objective]]:
    """Each patient's objectives of their current (latest signed) treatment plan, by
    patient id, in plan order. One query for any number of patients."""
    ids = [p.pk for p in patients]
    if not ids:
        return {}
    latest = (
        TreatmentPlan.objects.signed()
        .filter(patient__in=ids)
        .order_by("patient_id", "-version")
        .distinct("patient_id")
        .values("pk")
    )
    found: dict[int, list[Objective]] = {}
    for objective in (
        Objective.objects.filter(goal__problem__plan__in=latest)
        .select_related("goal__problem__plan")
        .order_by(
            "goal__problem__position", "goal__problem__pk", "goal__position", "position", "pk"
        )
    ):
        found.setdefault(objective.goal.problem.plan.patient_id, []).append(objective)
    return found


def objectives_of(note: ProgressNote) -> list[Objective]:
    return list(note.objectives.order_by("pk"))


def _link_objectives(note: ProgressNote, objective_ids: Iterable[int]) -> None:
    """Only objectives of the patient's current plan can be named."""
    allowed = {o.pk for o in objectives_for_patients([note.patient]).get(note.patient_id, [])}
    note.objectives.set([pk for pk in objective_ids if pk in allowed])
