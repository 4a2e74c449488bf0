import time

from django.core.management.base import BaseCommand

from demo.intake import ensure_demo_intake
from demo.notes import ensure_demo_notes
from demo.schedule import ensure_demo_schedule
from demo.treatment import ensure_demo_treatment
from demo.users import DEMO_PASSWORD, DEMO_TOTP_BASE32, DEMO_USERS, ensure_demo_users


class Command(BaseCommand):
    help = "Load the fictional demo clinic (idempotent) and print the demo logins."

    def add_arguments(self, parser) -> None:
        # bigger clinics for benchmarks (demo/sizes/); small is what `make run` loads
        parser.add_argument("--size", choices=("small", "clinic", "large"), default="small")
        parser.add_argument("--scale", type=float, default=1.0, help="shrink a site (tests)")

    def handle(self, *args, **options) -> None:
        ensure_demo_intake()  # call requests, patients, assessments, admissions (makes users)
        ensure_demo_users()
        self.stdout.write(f"Demo logins (fictional staff; password for all: {DEMO_PASSWORD})")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<12} {demo.role}")
        self.stdout.write(
            "  The director also needs a two-factor code: add the key "
            f"{DEMO_TOTP_BASE32} to an authenticator app, or run `make demo-code`."
        )
        # after intake's demo patients (ensure_demo_schedule makes sure they are there)
        schedule = ensure_demo_schedule()
        self.stdout.write(
            f"Schedule: {schedule.tracks} new groups, {schedule.enrollments} enrollments, "
            f"{schedule.sessions} new sessions, {schedule.marked} attendance marks"
        )
        notes = ensure_demo_notes()
        self.stdout.write(
            f"Session notes: {notes.sessions} new session notes, {notes.signed} signed parts"
        )
        from demo.outcomes import ensure_demo_outcomes

        measured = ensure_demo_outcomes()
        self.stdout.write(f"Outcomes: {measured} new BAMs, with PHQ-9, GAD-7 and drug screens")
        plans = ensure_demo_treatment()
        self.stdout.write(f"Treatment: diagnoses and plans for {plans} new patients")

        if options["size"] != "small":
            from demo.sizes import seed_size  # factory-boy and Faker: development-only

            started = time.perf_counter()
            created = seed_size(options["size"], scale=options["scale"])
            took = time.perf_counter() - started
            summary = ", ".join(f"{n} {kind}" for kind, n in created.items()) or "nothing new"
            self.stdout.write(f"Size {options['size']}: {summary} ({took:.1f} s)")
            from demo.outcomes_sizes import seed_outcomes_at_scale

            scaled = seed_outcomes_at_scale()
            self.stdout.write(f"Outcomes at size: {scaled or 'nothing new'}")
