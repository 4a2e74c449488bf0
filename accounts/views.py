from __future__ import annotations

import math
from types import SimpleNamespace
from urllib.parse import urlencode

import django_otp
from axes.helpers import get_cool_off
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import audit_csv, lockouts, sessions, throttle, two_factor
from accounts import home as home_panels
from accounts.audit import record
from accounts.decorators import role_required
from accounts.forms import AuditFilterForm, CodeForm, SetupForm, UnlockForm
from accounts.middleware import idle_message
from accounts.models import AuditEvent
from accounts.roles import DIRECTOR

Action = AuditEvent.Action
AUDIT_PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The staff landing page: each role sees what it works on (panels from each app)."""
    return render(request, "accounts/home.html", {"panels": home_panels.panels_for(request)})


# --- signing in and out ----------------------------------------------------------------


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: the login page, saying what to do."""
    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "lockout_minutes": minutes},
    )
    # each attempt during a lockout restarts it: the whole cool-off is what is left
    return throttle.too_many(response, cool_off.total_seconds() if cool_off else 60)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only). The idle timer posts reason=idle and how many drafts it saved."""
    idle = request.POST.get("reason") == "idle"
    if idle:
        request.iop_logout_reason = "idle"
    auth_logout(request)
    saved, failed = _count(request.POST.get("drafts")), _count(request.POST.get("failed"))
    text = idle_message() if idle else "You are signed out."
    if saved:
        text += f" {saved} unsaved form{'s were' if saved != 1 else ' was'} kept as a draft."
    if failed:
        text += f" {failed} form{'s' if failed != 1 else ''} could not be saved."
    messages.info(request, text)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _count(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), 99))
    except ValueError:
        return 0


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """'Stay signed in' from the idle warning: counts as activity, says how long is left."""
    sessions.touch(request, force=True)
    return JsonResponse({"seconds_left": sessions.seconds_left(request)})


# --- two-factor sign-in ----------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("accounts:home")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@login_required
def two_factor_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "has_authenticator": two_factor.has_authenticator(user),
            "backup_codes": two_factor.backup_codes(user=user),
            "required": two_factor.is_required_for(user),
        },
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add (or replace) the authenticator app: scan, then prove it with one code."""
    user = request.user
    if not user.is_verified() and two_factor.pending_step(request) == two_factor.VERIFY:
        # whoever knows only the password must not swap in their own phone
        return redirect(_with_next("accounts:two-factor-verify", request.get_full_path()))
    form = SetupForm(request.POST or None)
    key = None
    if request.method == "POST":
        # the key the page showed travels signed in the form; a failed try keeps it
        key = two_factor.key_from_setup_token(user=user, token=request.POST.get("token", ""))
        if key is None:
            messages.error(request, "That set-up page expired. Scan the new code below.")
            return redirect(request.get_full_path())
        if form.is_valid():
            if two_factor.code_matches_key(key=key, code=form.cleaned_data["code"]):
                # a required set-up is the second step of this sign-in
                completes_sign_in = two_factor.pending_step(request) == two_factor.ENROL
                device, _codes = two_factor.enrol(user=user, key=key)
                record(request, Action.CHANGE, obj=device, detail="two-factor sign-in set up")
                if completes_sign_in:
                    _complete_sign_in(request, device)
                else:
                    request.session.cycle_key()
                    django_otp.login(request, device)
                two_factor.set_pending_step(request, two_factor.VERIFY)
                messages.success(
                    request, "Two-factor sign-in is on. Keep your backup codes somewhere safe."
                )
                return redirect(_with_next("accounts:two-factor", _next_url(request)))
            form.add_error(
                "code",
                "That code did not match. Check the phone's clock, then try the newest code.",
            )
    if key is None:  # a fresh page: a new key
        key, form.initial["token"] = two_factor.new_setup_token(user=user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(two_factor.otpauth_url(user=user, key=key)),
            "secret": two_factor.base32_secret(key),
            "required": two_factor.is_required_for(user),
            "next": _next_url(request),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@throttle.two_factor_refusal_is_429
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for users with an authenticator."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_authenticator(user) and not two_factor.backup_codes(user=user):
        two_factor.set_pending_step(request, "")
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        wait = two_factor.wait_seconds(user=user, code=code)
        if wait:
            record(request, Action.LOGIN_FAILED, detail="two-factor code too soon to check")
            form.add_error("code", _wait_message(wait))
        else:
            device = two_factor.verify_code(user=user, code=code)
            if device is not None:
                _complete_sign_in(request, device)
                return redirect(_next_url(request))
            record(request, Action.LOGIN_FAILED, detail="two-factor code rejected")
            form.add_error(
                "code",
                "That code was not accepted. Codes change every 30 seconds; after a wrong "
                "code you must wait a little before the next try (longer after each one).",
            )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _wait_message(seconds: int) -> str:
    span = "1 second" if seconds == 1 else f"{seconds} seconds"
    if seconds >= 120:
        span = f"{math.ceil(seconds / 60)} minutes"
    return (
        f"Too soon after a wrong code: this code was not checked. Wait {span}, then type "
        "the code your app shows at that moment."
    )


def _complete_sign_in(request: HttpRequest, device) -> None:
    """The second factor is accepted: only now is the user signed in."""
    request.session.cycle_key()
    django_otp.login(request, device)
    kind = "backup code" if isinstance(device, StaticDevice) else "authenticator code"
    record(request, Action.SECOND_FACTOR, obj=device, detail=kind)
    record(request, Action.LOGIN, detail="password and second factor")


@login_required
@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """Replace the backup codes (the old ones stop working)."""
    if not two_factor.has_authenticator(request.user):
        raise PermissionDenied
    two_factor.make_backup_codes(user=request.user)
    record(request, Action.CHANGE, obj=request.user, detail="new two-factor backup codes")
    messages.success(request, "New backup codes are below; the old ones no longer work.")
    return redirect("accounts:two-factor")


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if two_factor.is_required_for(request.user):
        raise PermissionDenied
    two_factor.remove_devices(user=request.user)
    two_factor.set_pending_step(request, "")
    record(request, Action.CHANGE, obj=request.user, detail="two-factor sign-in turned off")
    messages.info(request, "Two-factor sign-in is off for your account.")
    return redirect("accounts:two-factor")


# --- the clinical director's pages -----------------------------------------------------


@role_required(DIRECTOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log with filters. The filter form posts (an MRN typed into it never
    reaches a URL) and comes back as a GET with the patient's UUID."""
    if request.method == "POST":
        form = AuditFilterForm(request.POST)
        if form.is_valid():
            query = urlencode(form.as_query())
            return redirect(f"{reverse('accounts:audit-log')}{'?' + query if query else ''}")
        events = AuditEvent.objects.none()
    else:
        form = AuditFilterForm(request.GET or None, allow_mrn=False)
        events = _filtered_events(form)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    params = form.as_query() if form.is_bound and form.is_valid() else {}
    if request.method == "GET" and params.get("patient"):
        # show the MRN people know in the box instead of the UUID
        form.data = {**form.data.dict(), "patient": _mrn_of(params["patient"])}
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "query": urlencode(params)},
    )


def _filtered_events(form: AuditFilterForm):
    Patient = apps.get_model("intake", "Patient")
    events = AuditEvent.objects.annotate(
        patient_mrn=Subquery(
            Patient.objects.filter(uuid=OuterRef("patient_uuid")).values("mrn")[:1]
        )
    )
    if not form.is_bound:
        return events
    if not form.is_valid():
        return AuditEvent.objects.none()
    data = form.cleaned_data
    if data["patient"]:
        events = events.filter(patient_uuid=data["patient"])
    if data["actor"]:
        events = events.filter(actor=data["actor"])
    if data["action"]:
        events = events.filter(action=data["action"])
    if data["start"]:
        events = events.filter(at__date__gte=data["start"])
    if data["end"]:
        events = events.filter(at__date__lte=data["end"])
    return events


@role_required(DIRECTOR)
@require_POST
def audit_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit entries as CSV (ISO dates). The filters come by POST, like the
    page's, so a typed MRN never reaches a URL; the export is an audit entry itself."""
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        page = Paginator(AuditEvent.objects.none(), AUDIT_PAGE_SIZE).get_page(1)
        return render(request, "accounts/audit_log.html", {"form": form, "page": page}, status=400)
    events = _filtered_events(form).select_related(None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    rows = audit_csv.write(response, events.iterator(chunk_size=2000))
    patient_uuid = form.cleaned_data["patient"]
    record(
        request,
        Action.EXPORT,
        patient=SimpleNamespace(uuid=patient_uuid) if patient_uuid else None,
        detail=f"audit log CSV, {rows} entr{'y' if rows == 1 else 'ies'}; "
        f"filters: {audit_csv.describe_filters(form.cleaned_data)}",
    )
    return response


def _mrn_of(patient_uuid: str) -> str:
    Patient = apps.get_model("intake", "Patient")
    return Patient.objects.filter(uuid=patient_uuid).values_list("mrn", flat=True).first() or ""


@role_required(DIRECTOR)
def lockout_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/lockout_list.html",
        {
            "locked": lockouts.locked_usernames(),
            "limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
        },
    )


@role_required(DIRECTOR)
@require_POST
def unlock_account(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        if lockouts.unlock(username=username):
            user = get_user_model().objects.filter(username=username).first()
            record(request, Action.CHANGE, obj=user, detail=f"unlocked sign-in for {username}")
            messages.success(request, f"{username} can sign in again.")
        else:
            messages.info(request, f"{username} was not locked.")
    else:
        for error in form.errors.get("username", []):
            messages.error(request, f"Nothing was unlocked: {error}")
    return redirect("accounts:lockout-list")
