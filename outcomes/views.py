"""Outcomes pages: a patient's progress (measures, charts, medications, drug screens) and
the director's dashboard. Counselors reach the patients they may see
(intake.access); intake staff have no part here; directors see everyone."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.decorators import role_required
from accounts.roles import COUNSELOR, DIRECTOR
from intake.access import caseload_open_since, get_patient_for_user, patients_visible_to
from intake.models import Admission, LevelChange, Patient
from outcomes import charts, forms, progress, scales, services
from outcomes.models import Measurement, ScreenOrder, SobrietyDate
from scheduling import clinictime

Action = audit.Action
CLINICAL = (COUNSELOR, DIRECTOR)


def _get_patient_for_user(request: HttpRequest, uuid: UUID) -> Patient:
    return get_patient_for_user(request.user, uuid)


def _get_screen_for_user(request: HttpRequest, uuid: UUID) -> ScreenOrder:
    try:
        return (
            ScreenOrder.objects.select_related(
                "patient", "ordered_by", "collected_by", "results_by"
            )
            .filter(patient__in=patients_visible_to(request.user))
            .get(uuid=uuid)
        )
    except ScreenOrder.DoesNotExist as exc:
        raise Http404("No such drug screen.") from exc


def _refusals(form, exc: services.Refused) -> None:
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)


def last_unexpected(orders: list[ScreenOrder]) -> ScreenOrder | None:
    for order in orders:  # newest first
        if any(r.is_unexpected_positive for r in order.results.all()):
            return order
    return None


def _admission_for_due(history: list[LevelChange]) -> list[Admission]:
    """The open admission, or a discharge within the closing window (its measures at
    discharge), from the level history already loaded."""
    admissions = sorted((e.admission for e in history), key=lambda a: a.start_date, reverse=True)
    latest = admissions[0] if admissions else None
    if latest is None or (latest.end_date and latest.end_date < caseload_open_since()):
        return []
    return [latest]


@role_required(*CLINICAL)
def patient_progress(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    measurements = list(patient.measurements.select_related("entered_by"))
    history = patient.level_history()
    orders = list(patient.screen_orders.prefetch_related("results"))
    due = progress.due_for(
        _admission_for_due(history), monday=clinictime.monday_of(clinictime.today())
    )
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="progress and screens")
    return render(
        request,
        "outcomes/patient_progress.html",
        {
            "patient": patient,
            "flags": scales.off_track([m.as_result() for m in measurements]),
            "due": due.get(patient.pk, []),
            "charts": charts.charts_for(measurements, history),
            "measurements": list(reversed(measurements)),
            "medications": list(patient.medications.all()),
            "orders": orders,
            "last_unexpected": last_unexpected(orders),
            "sobriety": patient.sobriety_dates.first(),
            "kinds": [(kind, scales.KIND_LABELS[kind]) for kind in scales.ITEMS],
        },
    )


@role_required(*CLINICAL)
def add_measurement(request: HttpRequest, uuid: UUID, kind: str) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    if kind not in scales.ITEMS:
        raise Http404("No such measure.")
    form = forms.MeasureForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_measurement(
                patient=patient,
                kind=kind,
                taken_on=form.cleaned_data["taken_on"],
                answers=form.answers(),
                by=request.user,
                request=request,
            )
        except services.Refused as exc:
            _refusals(form, exc)
        else:
            messages.success(request, f"{scales.KIND_LABELS[kind]} saved.")
            return redirect("outcomes:patient-progress", uuid=patient.uuid)
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail=f"{kind} form")
    return render(
        request,
        "outcomes/measure_form.html",
        {"form": form, "patient": patient, "kind": kind, "title": scales.KIND_LABELS[kind]},
        status=400 if form.is_bound else 200,
    )


@role_required(*CLINICAL)
def measurement_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    try:
        measurement = (
            Measurement.objects.select_related("patient", "entered_by")
            .filter(patient__in=patients_visible_to(request.user))
            .get(uuid=uuid)
        )
    except Measurement.DoesNotExist as exc:
        raise Http404("No such measure.") from exc
    days = scales.VERSION_DAYS.get(measurement.kind, 30)
    items = [
        (item, item.wording(days), measurement.answers.get(item.key))
        for item in scales.ITEMS[measurement.kind]
    ]
    audit.record(request, Action.VIEW, obj=measurement, patient=measurement.patient)
    return render(
        request,
        "outcomes/measurement_detail.html",
        {"measurement": measurement, "patient": measurement.patient, "items": items},
    )


@role_required(*CLINICAL)
def add_medication(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    form = forms.MedicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_medication(
                patient=patient, by=request.user, request=request, **form.cleaned_data
            )
        except services.Refused as exc:
            _refusals(form, exc)
        else:
            messages.success(request, "Medication recorded.")
            return redirect("outcomes:patient-progress", uuid=patient.uuid)
    return render(
        request,
        "outcomes/simple_form.html",
        {
            "form": form,
            "patient": patient,
            "title": "Record a medication",
            "button": "Save the medication",
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*CLINICAL)
def order_screen(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    form = forms.ScreenOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_screen(
                patient=patient, by=request.user, request=request, **form.cleaned_data
            )
        except services.Refused as exc:
            _refusals(form, exc)
        else:
            messages.success(request, "Drug screen ordered.")
            return redirect(order)
    return render(
        request,
        "outcomes/simple_form.html",
        {
            "form": form,
            "patient": patient,
            "title": "Order a drug screen",
            "button": "Order the screen",
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*CLINICAL)
def set_sobriety_date(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    form = forms.SobrietyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_sobriety_date(
                patient=patient, by=request.user, request=request, **form.cleaned_data
            )
        except services.Refused as exc:
            _refusals(form, exc)
        else:
            messages.success(request, "Sobriety date saved.")
            return redirect("outcomes:patient-progress", uuid=patient.uuid)
    return render(
        request,
        "outcomes/simple_form.html",
        {
            "form": form,
            "patient": patient,
            "title": "Record the sobriety date",
            "button": "Save the date",
        },
        status=400 if form.is_bound else 200,
    )


def _render_screen(request: HttpRequest, order: ScreenOrder, *, collection=None, results=None,
                   status: int = 200) -> HttpResponse:  # fmt: skip
    patient = order.patient
    medications = [m for m in patient.medications.all() if m.tests_as]
    return render(
        request,
        "outcomes/screen_detail.html",
        {
            "order": order,
            "patient": patient,
            "results": list(order.results.all()),
            "medications": medications,
            "collection_form": collection or forms.CollectionForm(),
            "results_form": results or forms.ResultsForm(order=order),
            "sobriety": SobrietyDate.objects.filter(patient=patient).first(),
        },
        status=status,
    )


@role_required(*CLINICAL)
def screen_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    order = _get_screen_for_user(request, uuid)
    audit.record(request, Action.VIEW, obj=order, patient=order.patient)
    return _render_screen(request, order)


@role_required(*CLINICAL)
@require_POST
def record_collection(request: HttpRequest, uuid: UUID) -> HttpResponse:
    order = _get_screen_for_user(request, uuid)
    form = forms.CollectionForm(request.POST)
    if form.is_valid():
        try:
            services.record_collection(
                order=order,
                collected_at=form.cleaned_data["collected_at"],
                refused=form.cleaned_data["outcome"] == "refused",
                by=request.user,
                request=request,
            )
        except services.Refused as exc:
            _refusals(form, exc)
        else:
            messages.success(request, "Collection recorded.")
            return redirect(order)
    return _render_screen(request, order, collection=form, status=400)


@role_required(*CLINICAL)
@require_POST
def record_results(request: HttpRequest, uuid: UUID) -> HttpResponse:
    order = _get_screen_for_user(request, uuid)
    form = forms.ResultsForm(request.POST, order=order)
    if form.is_valid():
        try:
            services.record_results(
                order=order, outcomes=form.outcomes(), by=request.user, request=request
            )
        except services.Refused as exc:
            _refusals(form, exc)
        else:
            messages.success(request, "Results recorded.")
            return redirect(order)
    return _render_screen(request, order, results=form, status=400)
