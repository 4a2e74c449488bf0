"""The audit log is append-only in the database: the app's own connection cannot
UPDATE, DELETE or TRUNCATE it, through the ORM or raw SQL; the admin is read-only."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.audit import record
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def event(counselor):
    return record(None, Action.VIEW, user=counselor, detail="opened")


def _refused(statement, *params):
    with (
        pytest.raises(DatabaseError, match="append-only") as excinfo,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # run the fixtures' deferred foreign-key checks now: PostgreSQL refuses a
        # TRUNCATE while any are pending, before our trigger is even asked
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement, params)
    return excinfo


def test_inserting_works(event):
    assert AuditEvent.objects.filter(pk=event.pk, detail="opened").exists()


def test_raw_update_is_refused(event):
    _refused("UPDATE accounts_auditevent SET detail = 'edited' WHERE id = %s", event.pk)
    assert AuditEvent.objects.get(pk=event.pk).detail == "opened"


def test_raw_delete_is_refused(event):
    _refused("DELETE FROM accounts_auditevent WHERE id = %s", event.pk)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_truncate_is_refused(event):
    _refused("TRUNCATE accounts_auditevent")
    assert AuditEvent.objects.count() == 1


def test_truncate_through_a_cascade_is_refused(event):
    _refused("TRUNCATE auth_user CASCADE")
    assert AuditEvent.objects.count() == 1


def test_orm_save_of_a_changed_entry_is_refused(event):
    event.detail = "edited"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    event.refresh_from_db()
    assert event.detail == "opened"


def test_orm_bulk_update_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(detail="edited")
    assert AuditEvent.objects.get().detail == "opened"


def test_orm_delete_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_the_error_is_a_permission_error(event):
    excinfo = _refused("DELETE FROM accounts_auditevent")
    assert excinfo.value.__cause__.pgcode == "42501"  # insufficient_privilege


@pytest.fixture
def superuser_client(site_admin_client):
    return site_admin_client


def test_the_admin_lists_entries_but_offers_no_add_change_or_delete(superuser_client, event):
    changelist = superuser_client.get(reverse("admin:accounts_auditevent_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "counselor_one" in html
    assert reverse("admin:accounts_auditevent_add") not in html
    assert 'name="action"' not in html  # no bulk actions (delete selected)

    assert superuser_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    change_url = reverse("admin:accounts_auditevent_change", args=[event.pk])
    detail = superuser_client.get(change_url)
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # read-only view
    delete_url = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert superuser_client.post(change_url, {"detail": "edited"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).detail == "opened"


def test_the_admin_filters_by_action_and_date(superuser_client, event):
    url = reverse("admin:accounts_auditevent_changelist")
    exports = superuser_client.get(url, {"action__exact": "export"})
    assert exports.status_code == 200
    assert exports.context["cl"].result_count == 0
    views = superuser_client.get(url, {"action__exact": "view"})
    assert list(views.context["cl"].result_list) == [event]
    response = views
    filters = [spec.title for spec in response.context["cl"].filter_specs]
    assert "action" in filters
    assert "at" in filters
