"""Session notes pages: the group note of a session, one note, the co-sign queue, a
patient's notes, SUD counseling notes and the licensure page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.audit import Action, record
from accounts.decorators import role_required
from accounts.roles import COUNSELOR, DIRECTOR
from intake.access import get_patient_for_user
from notes import services
from notes.access import (
    cosign_queue_for,
    counseling_notes_for,
    get_note_for_user,
    get_session_for_notes,
    may_cosign,
    notes_visible_to,
)
from notes.forms import (
    AddendumForm,
    CounselingNoteForm,
    LicensureForm,
    ProgressNoteForm,
    SharedPartForm,
    SignAllForm,
)
from notes.group_page import GroupPage, build_group_page
from notes.models import Clinician, ProgressNote, SessionNote
from scheduling.access import can_take_attendance
from scheduling.audit import record_for_patients
from scheduling.forms import counselors, staff_name
from scheduling.models import Attendee, Session

CLINICAL = (COUNSELOR, DIRECTOR)


# --- The group note page --------------------------------------------------------------------


def _render_group(
    request: HttpRequest,
    session: Session,
    *,
    shared_form: SharedPartForm | None = None,
    bound: dict[int, ProgressNoteForm] | None = None,
    sign_all_form: SignAllForm | None = None,
    warnings: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    page: GroupPage = build_group_page(
        session, shared_form=shared_form, bound=bound or {}, warnings=warnings or {}
    )
    record_for_patients(
        request, Action.VIEW, obj=session, patients=page.patients, detail="session note"
    )
    return render(
        request,
        "notes/session_note.html",
        {"page": page, "session": session, "sign_all_form": sign_all_form or SignAllForm()},
        status=status,
    )


@role_required(*CLINICAL)
def session_note(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_notes(request.user, pk)
    return _render_group(request, session)


def _open(request: HttpRequest, session: Session) -> SessionNote | None:
    try:
        return services.open_session_note(session=session, by=request.user, request=request)
    except services.NoteError as exc:
        messages.error(request, str(exc))
        return None


@role_required(*CLINICAL)
@require_POST
def save_shared_part(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_notes(request.user, pk)
    form = SharedPartForm(request.POST)
    if not form.is_valid():
        return _render_group(request, session, shared_form=form, status=400)
    session_note = _open(request, session)
    if session_note is None:
        return redirect("notes:session-note", pk=session.pk)
    try:
        services.save_shared_part(
            session_note=session_note, **form.cleaned_data, by=request.user, request=request
        )
    except services.NoteError as exc:
        messages.error(request, str(exc))
        return _render_group(request, session, shared_form=form, status=400)
    messages.success(request, "Shared part saved.")
    return redirect(reverse("notes:session-note", args=[session.pk]) + "#shared-heading")


@role_required(*CLINICAL)
@require_POST
def save_part(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    """Save one patient's draft, or save and sign it ("sign" button)."""
    session = get_session_for_notes(request.user, pk)
    attendee = get_object_or_404(
        Attendee.objects.select_related("patient"), session=session, pk=attendee_pk
    )
    note_format = getattr(getattr(session, "session_note", None), "note_format", None)
    form = _part_form(request, attendee, note_format)
    if not form.is_valid():
        return _render_group(request, session, bound={attendee.pk: form}, status=400)
    if _open(request, session) is None:
        return redirect("notes:session-note", pk=session.pk)
    note = ProgressNote.objects.filter(attendee=attendee).first()
    if note is None:
        messages.error(request, "This patient is not marked present, late or left early.")
        return redirect("notes:session-note", pk=session.pk)
    signing = request.POST.get("action") == "sign"
    try:
        services.save_and_sign(
            note=note,
            parts=form.parts(),
            objective_ids=form.objective_ids(),
            sign=signing,
            confirm_similar=form.cleaned_data["confirm_similar"],
            by=request.user,
            request=request,
        )
    except services.NoteError as exc:
        form = _part_form(request, attendee, note.note_format)
        form.is_valid()
        return _render_group(
            request,
            session,
            bound={attendee.pk: form},
            warnings={attendee.pk: str(exc)},
            status=400,
        )
    name = attendee.patient.display_name
    messages.success(request, f"Note for {name} {'signed' if signing else 'saved as a draft'}.")
    return redirect(reverse("notes:session-note", args=[session.pk]) + f"#part-{attendee.pk}")


def _part_form(
    request: HttpRequest, attendee: Attendee, note_format: str | None
) -> ProgressNoteForm:
    from notes.models import clinic_note_format

    objectives = services.objectives_for_patients([attendee.patient])
    return ProgressNoteForm(
        request.POST,
        prefix=f"p{attendee.pk}",
        note_format=note_format or clinic_note_format(),
        patient_name=attendee.patient.display_name,
        objectives=objectives.get(attendee.patient_id, []),
    )


@role_required(*CLINICAL)
@require_POST
def sign_all(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_notes(request.user, pk)
    form = SignAllForm(request.POST)
    form.is_valid()
    drafts = list(
        ProgressNote.objects.drafts()
        .filter(session_note__session=session)
        .select_related("patient")
    )
    if not drafts:
        messages.info(request, "No drafts to sign.")
        return redirect("notes:session-note", pk=session.pk)
    try:
        signed = services.sign_notes(
            notes=drafts,
            by=request.user,
            confirm_similar=form.cleaned_data.get("confirm_similar", False),
            request=request,
        )
    except services.NoteError as exc:
        messages.error(request, str(exc))
        return _render_group(request, session, sign_all_form=form, status=400)
    messages.success(request, f"{len(signed)} note{'s' if len(signed) != 1 else ''} signed.")
    return redirect("notes:session-note", pk=session.pk)


# --- One note: read, co-sign, addenda --------------------------------------------------------


def _render_note(
    request: HttpRequest,
    note: ProgressNote,
    *,
    addendum_form: AddendumForm | None = None,
    status: int = 200,
) -> HttpResponse:
    session = note.session_note.session
    may_write = can_take_attendance(request.user, session)
    record(request, Action.VIEW, obj=note, patient=note.patient)
    return render(
        request,
        "notes/note_detail.html",
        {
            "note": note,
            "session": session,
            "session_note": note.session_note,
            "addenda": list(note.addenda.select_related("author")),
            "objectives": services.objectives_of(note),
            "may_write": may_write,
            "addendum_form": (addendum_form or AddendumForm())
            if may_write and note.is_signed
            else None,
            "may_cosign": note.awaits_cosign
            and may_cosign(request.user)
            and note.signed_by_id != request.user.pk,
            "staff_name": staff_name,
        },
        status=status,
    )


@role_required(*CLINICAL)
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_note_for_user(request.user, pk)
    return _render_note(request, note)


@role_required(*CLINICAL)
@require_POST
def add_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_note_for_user(request.user, pk)
    if not can_take_attendance(request.user, note.session_note.session):
        return _render_note(request, note, status=403)
    form = AddendumForm(request.POST)
    if not form.is_valid():
        return _render_note(request, note, addendum_form=form, status=400)
    try:
        services.add_addendum(
            note=note, text=form.cleaned_data["text"], by=request.user, request=request
        )
    except services.NoteError as exc:
        messages.error(request, str(exc))
        return _render_note(request, note, addendum_form=form, status=400)
    messages.success(request, "Addendum added.")
    return redirect(note)


@role_required(*CLINICAL)
@require_POST
def cosign_note(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_note_for_user(request.user, pk)
    try:
        services.cosign_note(note=note, by=request.user, request=request)
    except services.NoteError as exc:
        messages.error(request, str(exc))
        return _render_note(request, note, status=400)
    messages.success(request, f"Note for {note.patient.display_name} co-signed.")
    return redirect(note)


@role_required(*CLINICAL)
def cosign_queue(request: HttpRequest) -> HttpResponse:
    notes = list(cosign_queue_for(request.user))
    record_for_patients(
        request, Action.VIEW, obj=None, patients=[n.patient for n in notes], detail="co-sign queue"
    )
    return render(
        request,
        "notes/cosign_queue.html",
        {"notes": notes, "may_cosign": may_cosign(request.user), "staff_name": staff_name},
    )


# --- A patient's notes and SUD counseling notes --------------------------------------------


@role_required(*CLINICAL)
def patient_notes(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, uuid)
    notes = list(
        notes_visible_to(request.user)
        .filter(patient=patient)
        .for_list()
        .order_by("-session_note__session__start", "-pk")
    )
    record(request, Action.VIEW, obj=patient, patient=patient, detail="session notes")
    return render(
        request,
        "notes/patient_notes.html",
        {"patient": patient, "notes": notes, "staff_name": staff_name},
    )


@role_required(*CLINICAL)
def counseling_notes(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = get_patient_for_user(request.user, uuid)
    form = CounselingNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.write_counseling_note(
            patient=patient, text=form.cleaned_data["text"], by=request.user, request=request
        )
        messages.success(request, "SUD counseling note saved.")
        return redirect("notes:counseling-notes", uuid=patient.uuid)
    notes = list(counseling_notes_for(request.user, patient).select_related("author"))
    record(request, Action.VIEW, obj=patient, patient=patient, detail="SUD counseling notes")
    return render(
        request,
        "notes/counseling_notes.html",
        {"patient": patient, "notes": notes, "form": form, "staff_name": staff_name},
        status=400 if form.is_bound else 200,
    )


# --- Licensure (the director marks who is not yet licensed) --------------------------------


@role_required(DIRECTOR)
def licensure(request: HttpRequest) -> HttpResponse:
    form = LicensureForm(request.POST or None)
    people = list(counselors())
    if request.method == "POST":
        if form.is_valid() and (user := _counselor(people, form.cleaned_data["user"])) is not None:
            services.set_licensed(
                user=user, licensed=form.cleaned_data["licensed"], by=request.user, request=request
            )
            state = "licensed" if form.cleaned_data["licensed"] else "not yet licensed"
            messages.success(request, f"{staff_name(user)} is marked {state}.")
            return redirect("notes:licensure")
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(
            request,
            f"Nothing changed: choose a counselor and whether they are licensed. {errors}",
        )
    unlicensed = set(Clinician.objects.filter(is_licensed=False).values_list("user_id", flat=True))
    rows = [(person, person.pk not in unlicensed) for person in people]
    return render(
        request,
        "notes/licensure.html",
        {"rows": rows, "staff_name": staff_name},
        status=400 if form.is_bound else 200,
    )


def _counselor(people: list[User], pk: int) -> User | None:
    return next((person for person in people if person.pk == pk), None)
