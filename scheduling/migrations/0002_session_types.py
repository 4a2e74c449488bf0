"""The clinic's session types (shared/domain.md, "Scheduling"), with default lengths."""

from django.db import migrations

# slug, name, default minutes, is a group
SESSION_TYPES = [
    ("group-therapy", "Group therapy", 180, True),
    ("individual-counseling", "Individual counseling", 50, False),
    ("family-session", "Family session", 60, False),
    ("drug-screening", "Drug screening", 15, False),
    ("medication-management", "Medication management", 30, False),
    ("psychoeducation", "Psychoeducation", 60, True),
    ("relapse-prevention", "Relapse prevention", 90, True),
    ("twelve-step-facilitation", "12-step facilitation", 60, True),
    ("vocational-life-skills", "Vocational / life skills", 60, True),
]


def add_types(apps, schema_editor):
    SessionType = apps.get_model("scheduling", "SessionType")
    for order, (slug, name, minutes, is_group) in enumerate(SESSION_TYPES):
        SessionType.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "default_minutes": minutes,
                "is_group": is_group,
                "order": order,
            },
        )


def remove_types(apps, schema_editor):
    SessionType = apps.get_model("scheduling", "SessionType")
    SessionType.objects.filter(slug__in=[row[0] for row in SESSION_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(add_types, remove_types)]
