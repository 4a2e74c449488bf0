"""The audit log becomes append-only in the database itself.

Row triggers refuse every UPDATE and DELETE on accounts_auditevent and a statement
trigger refuses TRUNCATE while the log holds any entry, whoever asks: the app, the
admin, or someone with a SQL prompt as the app's database role. Only the table's owner
can drop or disable a trigger, which is why production runs the app as a role that
does not own its tables (docs/security.md "Database role").
"""

from django.db import migrations, models

INSTALL = """
CREATE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are never changed or removed (docs/security.md).';
END;
$$;

CREATE FUNCTION accounts_auditevent_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Emptying an already empty log destroys nothing; test databases are reset that way.
    IF EXISTS (SELECT 1 FROM accounts_auditevent) THEN
        RAISE EXCEPTION 'the audit log is append-only: TRUNCATE refused'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Audit entries are never changed or removed (docs/security.md).';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change();

CREATE TRIGGER accounts_auditevent_no_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_refuse_truncate();
"""

REMOVE = """
DROP TRIGGER accounts_auditevent_no_truncate ON accounts_auditevent;
DROP TRIGGER accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION accounts_auditevent_refuse_truncate();
DROP FUNCTION accounts_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_event")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["patient_uuid", "-at"], name="audit_patient_recent_idx"),
        ),
        migrations.RunSQL(INSTALL, REMOVE),
    ]
