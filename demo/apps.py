from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo and benchmark data. It may import every app; no app imports it.
    Faker and factory-boy (development-only) are imported only by `demo.sizes`, which
    only `seed_demo --size` loads."""

    name = "demo"
    verbose_name = "Demo data"
