"""Two records of one person made one: the survivor keeps every row of the duplicate.

Rows of every app point at a patient; the apps above intake are not imported here, so
the move walks `Patient._meta.related_objects` and re-points each relation in turn.
A clash a constraint forbids (both booked in one session, two open admissions) refuses
the whole merge: the transaction rolls back and nothing has moved.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.http import HttpRequest

from intake.models import Patient, PatientMerge, Refused
from intake.services.common import Action, _reason, _record

# the details copied into PatientMerge.merged_details when the duplicate's differ
_DETAIL_FIELDS = [
    f.name
    for f in Patient._meta.concrete_fields
    if f.editable and not f.primary_key and not f.is_relation and f.name != "created_at"
]
# a status further along wins when the survivor's is earlier
_STATUS_ORDER: list[str] = [
    Patient.Status.PROSPECT,
    Patient.Status.IN_ASSESSMENT,
    Patient.Status.DISCHARGED,
    Patient.Status.ACTIVE,
]


def _relations() -> list[models.ForeignObjectRel]:
    """Every relation pointing at a patient, except the merge log itself."""
    return [
        rel
        for rel in Patient._meta.related_objects
        if rel.related_model is not PatientMerge and not rel.many_to_many
    ]


def _model(rel: models.ForeignObjectRel) -> type[models.Model]:
    return cast(type[models.Model], rel.related_model)


def _kind(rel: models.ForeignObjectRel) -> str:
    return str(_model(rel)._meta.verbose_name_plural)


def merge_preview(duplicate: Patient) -> dict[str, int]:
    """What a merge would move from `duplicate`: a count per kind of row (nonzero only)."""
    counts: dict[str, int] = {}
    for rel in _relations():
        n = _model(rel)._base_manager.filter(**{rel.field.name: duplicate.pk}).count()
        if n:
            counts[_kind(rel)] = counts.get(_kind(rel), 0) + n
    return counts


def _check_mergeable(survivor: Patient, duplicate: Patient) -> None:
    if survivor.pk == duplicate.pk:
        raise Refused(
            "That is this same record; choose the other record of this person.", field="other_mrn"
        )
    if (
        survivor.admissions.filter(end_date__isnull=True).exists()
        and duplicate.admissions.filter(end_date__isnull=True).exists()
    ):
        raise Refused(
            f"Both records have an open admission ({survivor.mrn} and {duplicate.mrn}). "
            "Discharge the one entered by mistake first; nothing was moved.",
            field="other_mrn",
        )


def _clash_message(rel: models.ForeignObjectRel, exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None) or "a uniqueness rule"
    return (
        f"These records can't be merged: their {_kind(rel)} clash "
        f"(rule “{name.replace('_', ' ')}”), for example both booked in one session. "
        "Correct it on one record first; nothing was moved."
    )


def _move_rows(survivor: Patient, duplicate: Patient) -> dict[str, int]:
    moved: dict[str, int] = {}
    for rel in _relations():
        rows = _model(rel)._base_manager.filter(**{rel.field.name: duplicate.pk})
        try:
            with transaction.atomic():
                n = rows.update(**{rel.field.name: survivor.pk})
        except IntegrityError as exc:
            raise Refused(_clash_message(rel, exc), field="other_mrn") from exc
        if n:
            moved[_kind(rel)] = moved.get(_kind(rel), 0) + n
    return moved


def _differing_details(survivor: Patient, duplicate: Patient) -> dict[str, str]:
    details = {
        name: str(getattr(duplicate, name))
        for name in _DETAIL_FIELDS
        if getattr(duplicate, name) not in ("", None)
        and getattr(duplicate, name) != getattr(survivor, name)
        and name not in ("mrn", "uuid")
    }
    inquiry = duplicate.inquiry
    if inquiry is not None and inquiry.pk != survivor.inquiry_id:
        details["inquiry"] = str(inquiry.public_id)
    return details


def _absorb(survivor: Patient, duplicate: Patient) -> None:
    """The survivor takes the duplicate's call request and a status further along."""
    if duplicate.inquiry_id and not survivor.inquiry_id:
        inquiry_id = duplicate.inquiry_id
        Patient.objects.filter(pk=duplicate.pk).update(inquiry=None)
        survivor.inquiry_id = inquiry_id
    if _STATUS_ORDER.index(duplicate.status) > _STATUS_ORDER.index(survivor.status):
        survivor.status = duplicate.status
    survivor.save(update_fields=["inquiry", "status", "updated_at"])


@transaction.atomic
def merge_patients(
    *,
    survivor: Patient,
    duplicate: Patient,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> PatientMerge:
    """Move every row of `duplicate` to `survivor`, log the merge, remove the duplicate.

    The duplicate's id, MRN, name and differing details stay in the PatientMerge row, so
    nothing is lost and its access history still shows on the survivor's page. Its row
    goes only once nothing points at it (every relation is PROTECT).
    """
    reason = _reason(reason, field="reason")
    first, second = sorted([survivor.pk, duplicate.pk])
    locked = {p.pk: p for p in Patient.objects.select_for_update().filter(pk__in=[first, second])}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    _check_mergeable(survivor, duplicate)
    details = _differing_details(survivor, duplicate)
    moved = _move_rows(survivor, duplicate)
    _absorb(survivor, duplicate)
    merge = PatientMerge.objects.create(
        survivor=survivor,
        merged_uuid=duplicate.uuid,
        merged_mrn=duplicate.mrn,
        merged_name=duplicate.legal_name,
        merged_details=details,
        moved=moved,
        reason=reason,
        by=by,
    )
    count = sum(moved.values())
    _record(
        request,
        by,
        Action.CHANGE,
        obj=survivor,
        patient=survivor,
        detail=f"merged a duplicate record into this one: {count} row(s) moved",
    )
    _record(
        request,
        by,
        Action.DELETE,
        obj=duplicate,
        patient=duplicate,
        detail="merged into another record",
    )
    try:
        with transaction.atomic():
            duplicate.delete()
    except ProtectedError as exc:
        raise Refused(
            "Some rows still point at the other record; nothing was moved.", field="other_mrn"
        ) from exc
    return merge
