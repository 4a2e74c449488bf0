"""{% patient_facts patient as facts %}: what other apps add to a printout's patient block.
{{ count|count_of:kind }}: "1 consent", "3 consents", for the rows a merge moves."""

import functools

from django import template
from django.apps import apps

from intake.records import facts_for

register = template.Library()


@register.simple_tag
def patient_facts(patient) -> list[tuple[str, str]]:
    return facts_for(patient)


@functools.cache
def _singular_names() -> dict[str, str]:
    return {
        str(model._meta.verbose_name_plural): str(model._meta.verbose_name)
        for model in apps.get_models()
    }


@register.filter
def count_of(count: int, kind: str) -> str:
    """`count` rows of `kind` (a model's plural name), in the singular for one."""
    return f"{count} {_singular_names().get(kind, kind) if count == 1 else kind}"
