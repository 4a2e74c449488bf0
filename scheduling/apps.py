from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        # attendance becomes a kind of record intake can disclose (intake/records.py)
        from scheduling.records import register_sections

        register_sections()
        # a counselor sees the patients of their sessions, around each session's date
        from intake.access import register_counselor_access
        from scheduling.access import session_patient_ids

        register_counselor_access(session_patient_ids)
        # the staff-home panel; the signals keeping the iCal feeds' cache in step
        from scheduling import home_panels, signals  # noqa: F401
