"""Consent kinds of the 2024 Part 2 rule: TPO, to a recipient (named or a class), SUD
counseling notes. Every consent recorded before is a consent to a named recipient, and
stays exactly as it was: only its kind is filled in."""

from django.conf import settings
from django.db import migrations, models

KIND_CHOICES = [
    ("tpo", "Treatment, payment and health care operations (TPO)"),
    ("recipient", "Disclosure to a named recipient or class of recipients"),
    ("counseling_notes", "SUD counseling notes"),
]


def existing_consents_name_a_recipient(apps, schema_editor) -> int:
    """Mark the consents recorded before kinds existed as consents to a named recipient;
    nothing else about them changes. Answers how many were marked."""
    Consent = apps.get_model("intake", "Consent")
    return Consent.objects.filter(kind__isnull=True).update(kind="recipient")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_protect_clinical_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="kind",
            field=models.CharField(
                choices=KIND_CHOICES, max_length=20, null=True, verbose_name="kind of consent"
            ),
        ),
        migrations.RunPython(existing_consents_name_a_recipient, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consent",
            name="kind",
            field=models.CharField(
                choices=KIND_CHOICES,
                default="recipient",
                max_length=20,
                verbose_name="kind of consent",
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="recipient_is_class",
            field=models.BooleanField(
                default=False, verbose_name="the recipient is a class of recipients"
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="refusal_statement",
            field=models.TextField(
                blank=True, verbose_name="what refusing to sign means, as the patient was told"
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="expiry_event",
            field=models.CharField(
                blank=True,
                choices=[
                    ("end_of_treatment", "End of treatment at this clinic"),
                    ("other", "Another event (describe it)"),
                    ("none", "None: until revoked in writing (TPO consents only)"),
                ],
                max_length=20,
                verbose_name="or expires at",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="recipient",
            field=models.CharField(
                help_text="The person or organization that may receive the information, or a class of recipients (e.g. “my treating providers”).",
                max_length=200,
            ),
        ),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("expiry_event", "none"), _negated=True),
                    ("kind", "tpo"),
                    _connector="OR",
                ),
                name="consent_no_expiry_only_for_tpo",
            ),
        ),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "counseling_notes"), _negated=True),
                    models.Q(("covers_assessment", False), ("covers_attendance", False)),
                    _connector="OR",
                ),
                name="consent_counseling_notes_only",
            ),
        ),
    ]
