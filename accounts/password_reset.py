"""The password-reset request, throttled per address and per account.

Fifteen requests in a row must not send fifteen e-mails (docs/security.md "Limits"):

- per address (the client's IP): PASSWORD_RESETS_PER_ADDRESS an hour; beyond that the
  form answers 429 with Retry-After and says to wait or ask the clinical director;
- per account (the e-mail address typed, whether or not an account has it):
  PASSWORD_RESETS_PER_ACCOUNT an hour; beyond that nothing is sent, and the answer is
  the usual "check your e-mail" page, so the page never tells whether an account exists.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from accounts import throttle

WINDOW = 3600  # seconds
ADDRESS_SCOPE = "password-reset-address"
ACCOUNT_SCOPE = "password-reset-account"


def address_limit_message(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return (
        "Too many reset requests have come from this connection in the last hour, so no "
        f"e-mail was sent. Try again in about {minutes} minute{'s' if minutes != 1 else ''}, "
        "or ask the clinical director to help you sign in."
    )


class ThrottledPasswordResetView(PasswordResetView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = throttle.attempt(
            ADDRESS_SCOPE,
            throttle.client_address(request),
            limit=settings.PASSWORD_RESETS_PER_ADDRESS,
            window=WINDOW,
        )
        if wait:
            form = self.get_form()
            form.is_valid()  # keeps what was typed, shows its own errors too
            form.add_error(None, address_limit_message(wait))
            return throttle.too_many(
                self.render_to_response(self.get_context_data(form=form)), wait
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        over = throttle.attempt(
            ACCOUNT_SCOPE, email, limit=settings.PASSWORD_RESETS_PER_ACCOUNT, window=WINDOW
        )
        if over:
            # the same answer as a sent e-mail: the page never says whether an account exists
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
