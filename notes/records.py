"""SUD counseling notes as a kind of record that can leave the clinic (intake/records.py).

Only a consent for SUD counseling notes lets them out (`records.may_disclose` asks
`Consent.allows`); no other kind of consent ever reaches this section.
"""

from __future__ import annotations

from datetime import timedelta

from django.template.loader import render_to_string

from intake import records
from intake.models import Disclosure, RecordKind
from notes.models import CounselingNote
from scheduling import clinictime


def _counseling_notes_section(disclosure: Disclosure) -> records.Section:
    """The patient's SUD counseling notes, oldest first, in the disclosure's period when
    it has one. One query."""
    notes = CounselingNote.objects.filter(patient=disclosure.patient).select_related("author")
    if disclosure.attendance_from:
        notes = notes.filter(created_at__gte=clinictime.local_midnight(disclosure.attendance_from))
    if disclosure.attendance_to:
        end = clinictime.local_midnight(disclosure.attendance_to + timedelta(days=1))
        notes = notes.filter(created_at__lt=end)
    html = render_to_string(
        "notes/_counseling_notes_record.html", {"notes": list(notes.order_by("created_at")), "h": 3}
    )
    return records.Section("SUD counseling notes", html)


def register_sections() -> None:
    records.register(RecordKind.COUNSELING_NOTES, _counseling_notes_section)
