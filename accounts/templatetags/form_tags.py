from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def has_required_fields(form: forms.BaseForm | None) -> bool:
    """Whether `form` shows a required field (then the page explains the asterisk)."""
    if form is None or not hasattr(form, "visible_fields"):
        return False
    return any(
        field.field.required and not isinstance(field.field.widget, forms.CheckboxInput)
        for field in form.visible_fields()
    )
