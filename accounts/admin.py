from django.contrib import admin

from accounts.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: nobody adds, changes or deletes entries (the database
    refuses UPDATE, DELETE and TRUNCATE too)."""

    list_display = ("at", "actor_username", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", ("at", admin.DateFieldListFilter), "object_type")
    search_fields = ("actor_username", "object_id", "=patient_uuid")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
