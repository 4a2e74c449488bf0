from django.db import migrations


class Migration(migrations.Migration):
    """Medical record numbers come from a sequence, so two intakes never collide."""

    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS intake_patient_mrn_seq START 1001",
            "DROP SEQUENCE IF EXISTS intake_patient_mrn_seq",
        ),
    ]
