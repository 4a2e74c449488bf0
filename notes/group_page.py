"""What the group note page shows, in a fixed number of queries whatever the group size:
the shared part, one individual part per patient who attended (its draft form, or the
signed note), the patients absent or excused, and the near-duplicate warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from intake.models import Patient
from notes import services
from notes.forms import ProgressNoteForm, SharedPartForm
from notes.models import FORMAT_FIELDS, ProgressNote, SessionNote, clinic_note_format
from notes.similarity import Match
from scheduling.models import Attendee, Session

WORK_LABEL_INDIVIDUAL = "What the session covered"


@dataclass
class Row:
    attendee: Attendee
    note: ProgressNote | None
    form: ProgressNoteForm | None
    match: Match[ProgressNote] | None = None
    warning: str = ""
    objectives: list = field(default_factory=list)

    @property
    def patient(self) -> Patient:
        return self.attendee.patient


@dataclass
class GroupPage:
    session: Session
    session_note: SessionNote | None
    shared_form: SharedPartForm | None
    note_format: str
    rows: list[Row]
    not_attending: list[Attendee]
    attendance_taken: bool

    @property
    def patients(self) -> list[Patient]:
        return [row.patient for row in self.rows] + [a.patient for a in self.not_attending]

    @property
    def drafts(self) -> int:
        return sum(1 for row in self.rows if row.note is None or not row.note.is_signed)

    @property
    def signed(self) -> int:
        return sum(1 for row in self.rows if row.note is not None and row.note.is_signed)

    @property
    def labels(self) -> list[str]:
        return [name.capitalize() for name in FORMAT_FIELDS[self.note_format]]


def _initial(note: ProgressNote | None) -> dict:
    if note is None:
        return {}
    initial: dict = {name: getattr(note, name) for name in note.fields}
    initial["objectives"] = [o.pk for o in note.objectives.all()]
    return initial


def build_group_page(
    session: Session,
    *,
    shared_form: SharedPartForm | None,
    bound: dict[int, ProgressNoteForm],
    warnings: dict[int, str],
) -> GroupPage:
    attendees = list(session.attendees.select_related("patient"))
    session_note = SessionNote.objects.filter(session=session).first()
    note_format = session_note.note_format if session_note else clinic_note_format()
    notes = {
        n.attendee_id: n
        for n in ProgressNote.objects.filter(attendee__in=attendees)
        .select_related("signed_by", "cosigned_by")
        .prefetch_related("objectives")
    }
    drafts = [n for n in notes.values() if not n.is_signed and n.text]
    matches = services.near_duplicates(drafts)
    locked = session_note is not None and bool(notes) and all(n.is_signed for n in notes.values())
    if shared_form is None and not locked:
        shared_form = SharedPartForm(instance=session_note)
    if shared_form is not None and session.is_individual:
        shared_form.fields["group_work"].label = WORK_LABEL_INDIVIDUAL
    objectives = services.objectives_for_patients([a.patient for a in attendees])
    rows = []
    for attendee in attendees:
        if attendee.attendance not in services.ATTENDED:
            continue
        note = notes.get(attendee.pk)
        form = bound.get(attendee.pk)
        if form is None and (note is None or not note.is_signed):
            form = ProgressNoteForm(
                initial=_initial(note),
                prefix=f"p{attendee.pk}",
                note_format=note.note_format if note else note_format,
                patient_name=attendee.patient.display_name,
                objectives=objectives.get(attendee.patient_id, []),
            )
        match = matches.get(note) if note else None
        if form is not None and match is None and attendee.pk not in warnings:
            # the confirmation is asked for only where a near-duplicate was found
            form.fields["confirm_similar"].widget = forms.HiddenInput()
        rows.append(
            Row(
                attendee,
                note,
                form,
                match=match,
                warning=warnings.get(attendee.pk, ""),
                objectives=objectives.get(attendee.patient_id, []),
            )
        )
    return GroupPage(
        session=session,
        session_note=session_note,
        shared_form=shared_form,
        note_format=note_format,
        rows=rows,
        not_attending=[a for a in attendees if a.attendance not in services.ATTENDED],
        attendance_taken=any(a.is_marked for a in attendees),
    )
