"""Who may see which patient: the one place that decides (minimum necessary access).

Intake staff and clinical directors see every patient. A counselor sees only the
patients on their caseload (an open admission with them as primary counselor) or
in one of their sessions. Anything else answers 404, so a page never confirms
that a patient exists.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, Viewer, roles_of
from intake.models import Patient


def patients_visible_to(user: Viewer) -> QuerySet[Patient]:
    roles = roles_of(user)
    if INTAKE in roles or DIRECTOR in roles:
        return Patient.objects.all()
    if COUNSELOR in roles:
        caseload = Q(admissions__primary_counselor=user, admissions__end_date__isnull=True)
        # scheduling's attendee rows; named by relation so intake never imports scheduling
        in_their_sessions = Q(attendances__session__counselors=user)
        ids = Patient.objects.filter(caseload | in_their_sessions).values("pk")
        return Patient.objects.filter(pk__in=ids)
    return Patient.objects.none()


def get_patient_for_user(user: Viewer, patient_uuid: UUID | str) -> Patient:
    try:
        return patients_visible_to(user).get(uuid=patient_uuid)
    except (Patient.DoesNotExist, ValueError) as exc:
        raise Http404("No such patient.") from exc
