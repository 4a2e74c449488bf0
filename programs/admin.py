from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from programs.models import Program, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "program_count", "updated_at"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_program_count=Count("programs"))

    @admin.display(description="levels offering it", ordering="_program_count")
    def program_count(self, obj: Service) -> int:
        count: int = getattr(obj, "_program_count")  # noqa: B009 (an annotation)
        return count


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "asam_level",
        "intensity",
        "weekly_hours_display",
        "days_display",
        "length_display",
        "is_published",
        "updated_at",
    ]
    list_display_links = ["name"]
    list_filter = ["is_published", "services"]
    search_fields = ["name", "code", "summary"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["services"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "code", "slug", "tagline", "is_published"]}),
        ("Level of care", {"fields": ["asam_level", "asam_edition", "intensity"]}),
        (
            "Time in treatment",
            {
                "fields": [
                    ("min_weekly_hours", "max_weekly_hours"),
                    "hours_note",
                    ("min_days_per_week", "max_days_per_week"),
                    ("min_length_weeks", "max_length_weeks"),
                ]
            },
        ),
        (
            "What visitors read",
            {
                "fields": [
                    "setting",
                    "summary",
                    "who_it_is_for",
                    "signs_it_fits",
                    "typical_week",
                    "step_down_note",
                    "step_up_note",
                ]
            },
        ),
        ("Services", {"fields": ["services"]}),
        ("Record", {"fields": ["updated_at"]}),
    ]

    @admin.display(description="hours a week")
    def weekly_hours_display(self, obj: Program) -> str:
        return obj.weekly_hours_display

    @admin.display(description="days a week")
    def days_display(self, obj: Program) -> str:
        return obj.days_display

    @admin.display(description="length")
    def length_display(self, obj: Program) -> str:
        return obj.length_display
