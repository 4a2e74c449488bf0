"""{% call_request_form program %}: the call-request form, embedded on program pages."""

from django import template

from intake.public_forms import CallRequestForm
from programs.catalog import get_catalog
from programs.models import Program

register = template.Library()


@register.inclusion_tag("includes/_call_request_form.html", takes_context=True)
def call_request_form(context: template.Context, program: Program | None = None) -> dict:
    # the page usually has the catalog already; reuse it instead of asking again
    programs = context.get("catalog") or get_catalog()
    form = CallRequestForm(programs=programs, initial={"program": program.slug if program else ""})
    return {"form": form, "csrf_token": context.get("csrf_token"), "embedded": True}
