"""Request-wide security: idle sign-out, an absolute session limit, the two-factor
requirement, no stored copies of staff pages, Permissions-Policy."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts import sessions, two_factor

# Pages a signed-in user may open before finishing two-factor sign-in.
TWO_FACTOR_EXEMPT = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:keep-alive",
        "accounts:two-factor-setup",
        "accounts:two-factor-verify",
        "accounts:password-reset",
        "accounts:password-reset-done",
        "accounts:password-reset-confirm",
        "accounts:password-reset-complete",
        "healthz",
    }
)
# The public site never shows anything private; it needs no second factor.
PUBLIC_NAMESPACES = frozenset({"programs", "public_intake"})


def max_age_message() -> str:
    seconds = settings.SESSION_MAX_AGE_SECONDS
    hours = seconds / 3600
    span = f"{hours:g} hour{'s' if hours != 1 else ''}" if hours >= 1 else f"{seconds} seconds"
    return f"You were signed out: a session lasts at most {span}. Sign in again to continue."


def idle_message() -> str:
    minutes = round(settings.IDLE_TIMEOUT_SECONDS / 60)
    span = f"{minutes} minutes" if minutes != 1 else "1 minute"
    if settings.IDLE_TIMEOUT_SECONDS < 60:
        span = f"{settings.IDLE_TIMEOUT_SECONDS} seconds"
    return f"You were signed out after {span} without activity. Sign in again to continue."


class IdleTimeoutMiddleware:
    """Ends a signed-in session after IDLE_TIMEOUT_SECONDS without a request, and
    SESSION_MAX_AGE_SECONDS after sign-in however active it is (activity never moves
    that limit).

    The browser (static/js/idle.js) warns first and saves open drafts before the deadline;
    this is the server's side of the rule, which holds whatever the browser does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            if sessions.is_past_max_age(request):
                return self._sign_out(request, "max-age", max_age_message())
            if sessions.is_idle_expired(request):
                return self._sign_out(request, "idle", idle_message())
            sessions.touch(request)
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, reason: str, message: str) -> HttpResponse:
        setattr(request, "iop_logout_reason", reason)  # noqa: B010 (read by accounts.signals)
        logout(request)
        messages.info(request, message)
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(status=401)
        next_url = request.get_full_path() if request.method == "GET" else request.path
        return redirect_to_login(next_url)


class TwoFactorMiddleware:
    """A signed-in user with an authenticator must enter a code before any staff page;
    one who is required to have one (clinical directors) must set it up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        match = request.resolver_match
        if match is None:
            return None
        if match.view_name in TWO_FACTOR_EXEMPT or match.namespace in PUBLIC_NAMESPACES:
            return None
        step = two_factor.pending_step(request)
        if not step:
            return None
        url_name = (
            "accounts:two-factor-verify"
            if step == two_factor.VERIFY
            else "accounts:two-factor-setup"
        )
        next_url = request.get_full_path() if request.method == "GET" else request.path
        return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")


class PermissionsPolicyMiddleware:
    """Switches off browser features (camera, microphone, location...) no page here uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


NO_STORE = "no-store, private"
# Set (True) on a response that holds no patient data and whose own Cache-Control is to
# be kept: the iCal feed, revalidated by ETag (scheduling.views.feeds).
KEEP_CACHE_CONTROL = "iop_keep_cache_control"


def is_public_response(request: HttpRequest) -> bool:
    """A public page (catalog, call request) for an anonymous visitor: its own views
    decide its caching. Everything else may show patient data or a staff member's work."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace in PUBLIC_NAMESPACES


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every staff response and on every response
    to a signed-in user, so neither the browser nor a proxy keeps a copy of a page that
    may show patient data (docs/security.md "Headers"). A view's own never_cache (which
    says more) is kept, and so is the header of a response marked KEEP_CACHE_CONTROL;
    anything else is replaced. Outermost but for the security
    middleware, so redirects and refusals made by other middleware get it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_public_response(request):
            if not forbids_storing(response) and not getattr(response, KEEP_CACHE_CONTROL, False):
                response.headers["Cache-Control"] = NO_STORE
                response.headers.pop("Expires", None)
        elif "public" in cache_directives(response):
            drop_vary_cookie(response)
        return response


def cache_directives(response: HttpResponse) -> set[str]:
    return {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}


def drop_vary_cookie(response: HttpResponse) -> None:
    """A public page the view marked `public` is the same whoever asks (its session was
    read only to learn the visitor is anonymous), so a shared cache need not key it on
    the Cookie header: a signed-in user's own copy is no-store anyway."""
    kept = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in kept if v.lower() != "cookie"]
    if kept:
        response.headers["Vary"] = ", ".join(kept)
    else:
        response.headers.pop("Vary", None)


def forbids_storing(response: HttpResponse) -> bool:
    """The response already says no-store and private (Django's never_cache does)."""
    return {"no-store", "private"} <= cache_directives(response)
