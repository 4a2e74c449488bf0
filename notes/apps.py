from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Session notes"

    def ready(self) -> None:
        # what notes contribute to pages of the apps below (they never import notes)
        from notes import registrations

        registrations.register_all()
