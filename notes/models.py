"""Session notes: a group's shared part once, one individual part per patient who came.

A `SessionNote` belongs to one session (a group or an individual session) and holds the
shared part: the topic and what the group did. Each patient present, late or leaving
early gets a `ProgressNote` (DAP, or BIRP if the clinic chooses it), drafted and signed
on its own. A signed note is locked; corrections are dated `NoteAddendum`s. A note by a
counselor who is not yet licensed (`Clinician`) waits for a licensed co-signer.

`CounselingNote` is the Part 2 "SUD counseling note": a counselor's private analysis,
kept apart from the record, readable by its author and the clinical director only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient
from scheduling import clinictime
from scheduling.models import Attendee, Session


class NoteFormat(models.TextChoices):
    DAP = "DAP", "DAP (data, assessment, plan)"
    BIRP = "BIRP", "BIRP (behavior, intervention, response, plan)"


# the parts each format asks for, in the order they are written
FORMAT_FIELDS: dict[str, tuple[str, ...]] = {
    NoteFormat.DAP: ("data", "assessment", "plan"),
    NoteFormat.BIRP: ("behavior", "intervention", "response", "plan"),
}


def clinic_note_format() -> str:
    """The format new notes are written in (settings.NOTE_FORMAT, DAP unless the clinic
    chose BIRP)."""
    chosen = getattr(settings, "NOTE_FORMAT", NoteFormat.DAP)
    return chosen if chosen in FORMAT_FIELDS else NoteFormat.DAP


class Clinician(models.Model):
    """What the notes need to know about a staff member: are they licensed yet?

    No row means licensed; the clinical director marks a counselor "not yet licensed"
    on the Licensure page, and that counselor's notes then wait for a co-signature.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    is_licensed = models.BooleanField("licensed", default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return (
            f"Clinician {self.user_id} ({'licensed' if self.is_licensed else 'not yet licensed'})"
        )


class SessionNote(models.Model):
    """The shared part of a session's note: written once for the whole group."""

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="session_note")
    topic = models.CharField(max_length=200, blank=True)
    group_work = models.TextField("what the group did", blank=True)
    note_format = models.CharField(max_length=4, choices=NoteFormat.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Session note {self.pk} of session {self.session_id}"

    def get_absolute_url(self) -> str:
        return reverse("notes:session-note", args=[self.session_id])

    @property
    def fields(self) -> tuple[str, ...]:
        return FORMAT_FIELDS[self.note_format]


class ProgressNoteQuerySet(models.QuerySet):
    def drafts(self) -> ProgressNoteQuerySet:
        return self.filter(signed_at__isnull=True)

    def signed(self) -> ProgressNoteQuerySet:
        return self.filter(signed_at__isnull=False)

    def awaiting_cosign(self) -> ProgressNoteQuerySet:
        return self.filter(signed_at__isnull=False, needs_cosign=True, cosigned_at__isnull=True)

    def for_list(self) -> ProgressNoteQuerySet:
        """What a list of notes shows, in one query."""
        return self.select_related(
            "patient",
            "author",
            "session_note__session__session_type",
            "session_note__session__track",
        ).order_by("due_on", "session_note__session__start", "pk")


class ProgressNote(models.Model):
    """One patient's individual part of a session note, with the minutes they attended."""

    session_note = models.ForeignKey(
        SessionNote, on_delete=models.PROTECT, related_name="progress_notes"
    )
    attendee = models.OneToOneField(
        Attendee, on_delete=models.PROTECT, related_name="progress_note"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="progress_notes")
    note_format = models.CharField(max_length=4, choices=NoteFormat.choices)
    data = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    behavior = models.TextField(blank=True)
    intervention = models.TextField(blank=True)
    response = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    minutes_attended = models.PositiveSmallIntegerField(null=True)
    # the golden thread: what of the patient's current plan this session served
    objectives = models.ManyToManyField(
        "treatment.Objective",
        blank=True,
        related_name="progress_notes",
        verbose_name="plan objectives addressed",
    )
    due_on = models.DateField(help_text="End of the next business day after the session.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(default=False)
    needs_cosign = models.BooleanField(default=False)
    cosigned_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # signed although this close to another note (recorded for an auditor)
    similarity = models.FloatField(null=True, blank=True)
    similar_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ProgressNoteQuerySet.as_manager()

    class Meta:
        ordering = ["session_note__session__start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by__isnull=True)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="progress_note_signed_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(cosigned_at__isnull=True)
                | Q(signed_at__isnull=False, cosigned_by__isnull=False),
                name="progress_note_cosigned_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return f"Progress note {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("notes:note-detail", args=[self.pk])

    @property
    def fields(self) -> tuple[str, ...]:
        return FORMAT_FIELDS[self.note_format]

    def parts(self) -> list[tuple[str, str]]:
        """(label, text) of each part of the note's format, in order."""
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in self.fields
        ]

    @property
    def text(self) -> str:
        """Every part of the note, for comparing it with another."""
        return "\n".join(getattr(self, name) for name in self.fields).strip()

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_locked(self) -> bool:
        return self.is_signed

    @property
    def awaits_cosign(self) -> bool:
        return self.is_signed and self.needs_cosign and self.cosigned_at is None

    @property
    def written_on(self):
        return clinictime.local(self.signed_at).date() if self.signed_at else None

    def is_overdue(self, today) -> bool:
        """Still unsigned after its due day."""
        return not self.is_signed and today > self.due_on

    @property
    def status_label(self) -> str:
        if not self.is_signed:
            return "Draft"
        if self.awaits_cosign:
            return "Waiting for co-signature"
        return "Co-signed" if self.cosigned_at else "Signed"


class NoteAddendum(models.Model):
    """A dated correction or addition to a signed note (the note itself stays as signed)."""

    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Addendum {self.pk} to progress note {self.note_id}"


class CounselingNoteQuerySet(models.QuerySet):
    def readable_by(self, user) -> CounselingNoteQuerySet:
        from accounts.roles import is_director

        return self if is_director(user) else self.filter(author=user)


class CounselingNote(models.Model):
    """A SUD counseling note (42 CFR 2.11): the counselor's private analysis of a session,
    apart from the rest of the record; readable by its author and the clinical director,
    never disclosed unless a consent names SUD counseling notes."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="counseling_notes")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CounselingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"SUD counseling note {self.pk}"
