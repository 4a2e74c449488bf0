"""The Django admin's site: for maintainers (superusers and `is_staff` accounts) only.

Nobody signs in on the admin's own form: anonymous visitors go to the staff login
(lockout and two-factor apply there), and signed-in staff without admin rights get 403
instead of the admin's "sign in as someone else" page.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class IopAdminSite(admin.AdminSite):
    site_header = "iop administration"
    site_title = "iop administration"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or request.get_full_path())
        if not self.has_permission(request):
            raise PermissionDenied
        return redirect("admin:index")
