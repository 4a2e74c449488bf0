"""{{ form|plain_form }}: a form in crispy's Bootstrap 5 markup, fast (notes.plain_form)."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

from notes import plain_form as renderer

register = template.Library()


@register.filter
def plain_form(form: forms.BaseForm) -> SafeString:
    return renderer.render(form)
