"""docs/security.md "Database role": with the grants given there, the app's role can add
and read audit entries but can neither change them nor remove the triggers."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.audit import record
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_role(db):
    """A role set up as the docs say, used for the rest of the test (all rolled back)."""
    role = f"iop_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(
            "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"
            f" ON accounts_auditevent FROM {role}"
        )
        cursor.execute(f"SET ROLE {role}")
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER", "must be owner"),
        ("DROP TRIGGER accounts_auditevent_append_only ON accounts_auditevent", "must be owner"),
        ("DROP FUNCTION accounts_auditevent_refuse_change() CASCADE", "must be owner"),
        ("UPDATE accounts_auditevent SET detail = 'edited'", "permission denied"),
        ("DELETE FROM accounts_auditevent", "permission denied"),
        ("TRUNCATE accounts_auditevent", "permission denied"),
    ],
)
def test_the_app_role_cannot_change_the_log_or_its_guards(app_role, counselor, statement, refusal):
    record(None, AuditEvent.Action.VIEW, user=counselor)
    with (
        pytest.raises(DatabaseError, match=refusal),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1


def test_the_app_role_adds_and_reads_entries(app_role, counselor):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    event = record(None, AuditEvent.Action.VIEW, user=counselor, detail="as the app role")
    assert AuditEvent.objects.get(pk=event.pk).detail == "as the app role"
