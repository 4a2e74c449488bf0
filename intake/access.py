"""Who may see which patient: the one place that decides (minimum necessary access).

Intake staff and clinical directors see every patient. A counselor sees only the
patients they have a current reason to see, and only while the reason lasts
(docs/security.md "Who sees which patient"):

- their caseload: an admission with them as primary counselor, until the admission's
  end plus `ACCESS_CLOSING_DAYS` (time to write the closing notes);
- whatever the apps above intake contribute through `register_counselor_access`:
  scheduling adds "a patient in one of their sessions, around the session's date" when
  it loads (`SchedulingConfig.ready`), so intake never imports scheduling and works
  without it.

Anything else answers 404, so a page never confirms that a patient exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, Viewer, roles_of
from intake.models import Admission, Patient

# user -> a queryset of patient ids that user may see for the contributing app's reason
# takes the counselor, answers a one-column queryset of patient ids
CounselorAccessRule = Callable[[User], QuerySet]
_counselor_rules: list[CounselorAccessRule] = []


def register_counselor_access(rule: CounselorAccessRule) -> CounselorAccessRule:
    """Add a reason a counselor may see a patient (once: `ready()` may run twice in tests).

    The rule takes the counselor and answers a queryset of `values("patient_id")` (or
    any one-column queryset of patient primary keys) for the patients it grants now.
    """
    if rule not in _counselor_rules:
        _counselor_rules.append(rule)
    return rule


def counselor_access_rules() -> tuple[CounselorAccessRule, ...]:
    return tuple(_counselor_rules)


def caseload_open_since(today: date | None = None) -> date:
    """An admission that ended on or after this day still gives its counselor access."""
    today = timezone.localdate() if today is None else today
    return today - timedelta(days=settings.ACCESS_CLOSING_DAYS)


def caseload_patient_ids(user: User) -> QuerySet:
    """Patients with an admission to `user` that is open or closed within the window."""
    return Admission.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=caseload_open_since()),
        primary_counselor=user,
    ).values("patient_id")


def patients_visible_to(user: Viewer) -> QuerySet[Patient]:
    roles = roles_of(user)
    if INTAKE in roles or DIRECTOR in roles:
        return Patient.objects.all()
    if COUNSELOR in roles and isinstance(user, User):  # a role means a signed-in User
        grants = Q(pk__in=caseload_patient_ids(user))
        for rule in _counselor_rules:
            grants |= Q(pk__in=rule(user))
        return Patient.objects.filter(grants)
    return Patient.objects.none()


def may_plan_discharge(user: Viewer, admission: Admission) -> bool:
    """Intake staff, the director, and the admission's own primary counselor."""
    roles = roles_of(user)
    if INTAKE in roles or DIRECTOR in roles:
        return True
    return COUNSELOR in roles and admission.primary_counselor_id == user.pk


def get_patient_for_user(user: Viewer, patient_uuid: UUID | str) -> Patient:
    try:
        return patients_visible_to(user).get(uuid=patient_uuid)
    except (Patient.DoesNotExist, ValueError) as exc:
        raise Http404("No such patient.") from exc
