from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The staff landing page: each role sees what it works on."""
    roles = roles_of(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "is_intake": INTAKE in roles or DIRECTOR in roles,
            "is_counselor": COUNSELOR in roles,
            "is_director": DIRECTOR in roles,
        },
    )
