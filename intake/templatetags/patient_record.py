"""{% patient_facts patient as facts %}: what other apps add to a printout's patient block."""

from django import template

from intake.records import facts_for

register = template.Library()


@register.simple_tag
def patient_facts(patient) -> list[tuple[str, str]]:
    return facts_for(patient)
