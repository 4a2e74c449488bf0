from django.contrib import admin

from scheduling.models import Room, SessionType, Site


# Rooms and session types are reference data; groups, sessions and attendance change
# only through the scheduling pages, which keep the double-booking copies in step.
@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["staff"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "seats", "is_active"]
    list_filter = ["site", "is_active"]


@admin.register(SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "default_minutes", "is_group", "order"]
    prepopulated_fields = {"slug": ["name"]}
