"""Forms rendered in the markup crispy-forms gives a Bootstrap 5 form, by a few string
templates instead of crispy's template per field.

The group note page repeats one patient's form for everyone present (12 in an IOP
group); through crispy that alone took more CPU than the page's budget (bench: "group
note (12 patients)"). Knows the widgets those forms use: textarea, text input,
checkboxes (one or a list) and hidden inputs; any other widget is rendered by Django.
"""

from __future__ import annotations

from django import forms
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _described_by(bound: BoundField) -> str:
    ids = [f"{bound.auto_id}_helptext"] if bound.help_text else []
    if bound.errors:
        ids.append(f"{bound.auto_id}_error")
    return " ".join(ids)


def _errors(bound: BoundField, extra_class: str = "") -> SafeString:
    if not bound.errors:
        return mark_safe("")
    return format_html(
        '<div id="{}_error" class="invalid-feedback{}">{}</div>',
        bound.auto_id,
        extra_class,
        format_html_join("", "<p><strong>{}</strong></p>", ((e,) for e in bound.errors)),
    )


def _help(bound: BoundField) -> SafeString:
    if not bound.help_text:
        return mark_safe("")
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>', bound.auto_id, bound.help_text
    )


def _required(bound: BoundField) -> SafeString:
    return (
        mark_safe('<span class="asteriskField">*</span>') if bound.field.required else mark_safe("")
    )


def _choices(bound: BoundField) -> SafeString:
    ticked = {str(v) for v in bound.value() or ()}
    invalid = " is-invalid" if bound.errors else ""
    boxes = format_html_join(
        "",
        '<div class="form-check"><input type="checkbox" class="form-check-input{}" name="{}" '
        'value="{}" id="{}_{}"{}> <label for="{}_{}" class="form-check-label">{}</label></div>',
        (
            (
                invalid,
                bound.html_name,
                v,
                bound.auto_id,
                i,
                mark_safe(" checked") if str(v) in ticked else "",
                bound.auto_id,
                i,
                label,
            )
            for i, (v, label) in enumerate(getattr(bound.field, "choices", ()))
        ),
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset aria-describedby="{}"><legend class="form-label '
        'fs-6">{}{}</legend>{}{}{}</fieldset></div>',
        bound.auto_id,
        _described_by(bound),
        bound.label,
        _required(bound),
        boxes,
        _errors(bound, " d-block"),
        _help(bound),
    )


def _text(bound: BoundField, widget: forms.Widget) -> SafeString:
    value = bound.value()
    value = "" if value is None else str(value)
    max_length = getattr(bound.field, "max_length", None)
    attrs = format_html(
        ' name="{}" id="{}" class="{} form-control{}"{}{}{}',
        bound.html_name,
        bound.auto_id,
        "textarea" if isinstance(widget, forms.Textarea) else "textinput",
        " is-invalid" if bound.errors else "",
        format_html(' maxlength="{}"', max_length) if max_length else "",
        mark_safe(' aria-invalid="true"') if bound.errors else "",
        format_html(' aria-describedby="{}"', _described_by(bound)) if _described_by(bound) else "",
    )
    if isinstance(widget, forms.Textarea):
        control = format_html(
            '<textarea rows="{}" cols="40"{}{}>\n{}</textarea>',
            widget.attrs.get("rows", 10),
            attrs,
            mark_safe(" required") if bound.field.required else "",
            value,
        )
    else:
        control = format_html(
            '<input type="text" value="{}"{}{}>',
            value,
            attrs,
            mark_safe(" required") if bound.field.required else "",
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}{}</label>{}{}{}</div>',
        bound.auto_id,
        bound.auto_id,
        bound.label,
        _required(bound),
        control,
        _errors(bound),
        _help(bound),
    )


def _checkbox(bound: BoundField) -> SafeString:
    checked = (
        bool(bound.field.to_python(bound.value())) if bound.value() not in (None, "") else False
    )
    return format_html(
        '<div class="mb-3"><div id="div_{}" class="form-check"><input type="checkbox" name="{}" '
        'class="checkboxinput form-check-input{}" id="{}"{}> <label for="{}" '
        'class="form-check-label">{}</label>{}</div></div>',
        bound.auto_id,
        bound.html_name,
        " is-invalid" if bound.errors else "",
        bound.auto_id,
        mark_safe(" checked") if checked else "",
        bound.auto_id,
        bound.label,
        _errors(bound),
    )


def _field(bound: BoundField) -> SafeString:
    widget = bound.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _choices(bound)
    if isinstance(widget, forms.Textarea | forms.TextInput):
        return _text(bound, widget)
    if isinstance(widget, forms.CheckboxInput):
        return _checkbox(bound)
    if isinstance(widget, forms.HiddenInput):
        value = bound.value()
        return format_html(
            '<input type="hidden" name="{}" id="{}"{}>',
            bound.html_name,
            bound.auto_id,
            format_html(' value="{}"', value) if value not in (None, "", False) else "",
        )
    return SafeString(str(bound))  # any other widget: Django's own rendering


def render(form: forms.BaseForm) -> SafeString:
    errors = form.non_field_errors()
    head = (
        format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
        )
        if errors
        else mark_safe("")
    )
    return format_html("{}{}", head, mark_safe("".join(_field(bound) for bound in form)))
