"""{% call_request_form program %}: the blank call-request form, for program pages and
the request page itself.

Rendering the form through crispy costs more than the rest of a program page, so the
blank form is rendered once per catalog version and preselected program and cached. It
carries no CSRF token, so the pages that embed it are the same for every visitor; its POST
is checked by origin instead (intake/public_views.py request_call).
"""

import functools
import hashlib

from django import template
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from intake.public_forms import CallRequestForm
from programs.catalog import CACHE_TIMEOUT, Catalog, get_catalog
from programs.models import Program

register = template.Library()

TEMPLATE = "includes/_call_request_form.html"


@functools.cache
def form_version() -> str:
    """A fingerprint of the form's fields and template: a deploy that changes either must
    not serve the HTML an older release left in a shared cache."""
    source = get_template(TEMPLATE).template.source  # type: ignore[attr-defined]
    fields = ",".join(CallRequestForm.base_fields)
    return hashlib.sha256(f"{fields}\n{source}".encode()).hexdigest()[:12]


@register.simple_tag(takes_context=True)
def call_request_form(
    context: template.Context, program: Program | str | None = None
) -> SafeString:
    # the page usually has the catalog already; reuse it instead of asking again
    catalog: Catalog = context.get("catalog") or get_catalog()
    slug = program.slug if isinstance(program, Program) else (program or "")
    if catalog.get(slug) is None:
        slug = ""  # only known programs make cache keys
    key = f"intake:call-request-form:{form_version()}:{catalog.version}:{slug}"
    html = cache.get(key)
    if html is None:
        form = CallRequestForm(programs=catalog, initial={"program": slug})
        html = render_to_string(TEMPLATE, {"form": form})
        cache.set(key, html, CACHE_TIMEOUT)
    return mark_safe(html)
