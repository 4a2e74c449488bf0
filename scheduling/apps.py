from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # attendance becomes a kind of record intake can disclose (intake/records.py)
        from scheduling.records import register_sections

        register_sections()
        from scheduling import home_panels  # noqa: F401  (registers the staff-home panel)
