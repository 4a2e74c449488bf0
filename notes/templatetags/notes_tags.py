"""Links to a patient's notes for the pages of the apps below notes (the patient page)."""

from __future__ import annotations

from django import template

from notes.access import reads_notes

register = template.Library()


@register.inclusion_tag("notes/_patient_links.html", takes_context=True)
def patient_notes_links(context: template.Context, patient) -> dict:
    user = context["request"].user
    return {"patient": patient, "show": reads_notes(user)}
