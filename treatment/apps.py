from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "treatment"
    verbose_name = "Treatment"

    def ready(self) -> None:
        # the patient page, staff home, caseload, printouts, disclosures and the chart
        # learn of diagnoses and plans through their registries (treatment/hooks.py)
        from treatment.hooks import register_all

        register_all()
