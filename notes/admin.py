from django.contrib import admin

from notes.models import Clinician


# Notes change only through their pages (signing, locking, addenda); who is licensed
# may also be set here.
@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["user", "is_licensed", "updated_at"]
    list_filter = ["is_licensed"]
    readonly_fields = ["updated_at", "updated_by"]
