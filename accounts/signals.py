"""Sign-in events (signed in, signed out, failed) go to the audit log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from accounts import sessions, two_factor
from accounts.audit import record
from accounts.models import AuditEvent

Action = AuditEvent.Action


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    sessions.start(request)
    step = two_factor.step_for(user)
    two_factor.set_pending_step(request, step)
    if step == two_factor.VERIFY:
        record(request, Action.PASSWORD_ACCEPTED, user=user, detail="two-factor code to come")
    elif step == two_factor.ENROL:
        record(request, Action.PASSWORD_ACCEPTED, user=user, detail="two-factor set-up to come")
    else:
        record(request, Action.LOGIN, user=user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if request is None or user is None:
        return
    reason = getattr(request, "iop_logout_reason", "")
    record(request, Action.LOGOUT, user=user, detail=reason)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the username, as
    # typed, is kept, so a director can see attempts on accounts that do not exist.
    username = str(credentials.get("username") or "")
    detail = "account locked" if getattr(request, "axes_locked_out", False) else ""
    record(request, Action.LOGIN_FAILED, username=username, detail=detail)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts.audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts.audit.login_failed")
