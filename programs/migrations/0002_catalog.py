"""The clinic's catalog: four levels of care and the services each offers.

Facts follow ../shared/domain.md (ASAM Criteria, 3rd edition numbering). Copy is
written for the fictional Harbor Light Recovery Center in Los Angeles. Rows are
matched on natural keys (service slug, program code) so re-running changes nothing
that is already there and duplicates nothing.
"""

from django.db import migrations

SERVICES = [
    (
        "withdrawal-management",
        "Withdrawal management (detox)",
        "Medical care while alcohol or drugs leave the body, with medication when it "
        "helps, so withdrawal is as safe and comfortable as it can be.",
    ),
    (
        "individual-counseling",
        "Individual counseling",
        "Private sessions with your own counselor to work on the goals that matter to you.",
    ),
    (
        "group-therapy",
        "Group therapy",
        "Small groups led by a counselor, where people in recovery learn from and support "
        "one another. Groups are the heart of intensive outpatient care.",
    ),
    (
        "family-therapy",
        "Family therapy",
        "Sessions that bring in the people close to you, to rebuild trust and learn how to "
        "support recovery at home.",
    ),
    (
        "medication-management",
        "Medication management",
        "Prescribing and follow-up by our medical team, including medications for opioid "
        "and alcohol use disorder.",
    ),
    (
        "drug-screening",
        "Drug screening",
        "Regular, respectful testing that helps you and your care team see how treatment is going.",
    ),
    (
        "medical-check-ups",
        "Medical check-ups",
        "Check-ups with our nurses and doctors to look after your physical health.",
    ),
    (
        "psychoeducation",
        "Psychoeducation",
        "Plain-language classes on how addiction affects the brain, body and relationships.",
    ),
    (
        "relapse-prevention",
        "Relapse prevention",
        "Practical skills for spotting triggers and cravings early and handling them.",
    ),
    (
        "mutual-help-introduction",
        "Introduction to 12-step and other mutual-help groups",
        "A gentle introduction to community groups, 12-step and others, that can support "
        "you long after treatment ends.",
    ),
    (
        "vocational-life-skills",
        "Vocational and life-skills training",
        "Help with work, school, money and daily routines, so life outside treatment feels "
        "manageable.",
    ),
    (
        "co-occurring-care",
        "Co-occurring mental-health care",
        "Care for depression, anxiety, trauma and other mental-health conditions alongside "
        "substance use, by the same team.",
    ),
]

PROGRAMS = [
    {
        "code": "OP",
        "name": "Outpatient",
        "slug": "outpatient",
        "tagline": "Steady support while you keep up with work, school and family.",
        "asam_level": "1",
        "intensity": 1,
        "min_weekly_hours": None,
        "max_weekly_hours": 8,
        "hours_note": "Under 9 hours a week (under 6 for teens)",
        "min_days_per_week": 1,
        "max_days_per_week": 2,
        "min_length_weeks": 12,
        "max_length_weeks": 26,
        "setting": "You live at home and keep your usual routine; sessions fit around work "
        "or school.",
        "summary": "One or two visits a week with a counselor and a group. Outpatient care "
        "suits people whose use is milder, and people finishing a more intensive program "
        "who want to keep their progress going.",
        "who_it_is_for": "Outpatient care is for adults and teens whose substance use is "
        "causing problems but who are safe at home and able to keep up with daily life. "
        "It is also the usual next step after intensive outpatient care, to keep the skills "
        "you learned fresh while life gets back to normal.",
        "signs_it_fits": "You want to cut back or stop, and you can go a few days without "
        "using.\n"
        "Work, school or family life is still mostly on track.\n"
        "You have people at home who support your recovery.\n"
        "You have finished a more intensive program and want to stay connected.",
        "typical_week": "One individual session with your counselor (about an hour).\n"
        "One group session in the evening (about 90 minutes).\n"
        "Medication follow-up or a check-in with our medical team when you need it.\n"
        "Time at home and work to practice what you are learning.",
        "step_down_note": "",
        "step_up_note": "If cravings or use keep getting in the way, or a relapse happens, "
        "moving up to a few more sessions a week often helps. Nobody has failed: it is a "
        "normal change of plan, and your counselor stays with you.",
        "services": [
            "individual-counseling",
            "group-therapy",
            "family-therapy",
            "medication-management",
            "drug-screening",
            "relapse-prevention",
            "mutual-help-introduction",
            "co-occurring-care",
        ],
    },
    {
        "code": "IOP",
        "name": "Intensive Outpatient",
        "slug": "intensive-outpatient",
        "tagline": "Real, structured treatment, and you still sleep in your own bed.",
        "asam_level": "2.1",
        "intensity": 2,
        "min_weekly_hours": 9,
        "max_weekly_hours": 19,
        "hours_note": "9 to 19 hours a week (6 to 19 for teens)",
        "min_days_per_week": 3,
        "max_days_per_week": 5,
        "min_length_weeks": 6,
        "max_length_weeks": 12,
        "setting": "You live at home and come in 3 to 5 days a week for sessions of about "
        "3 hours, in the morning or the evening.",
        "summary": "Our main program. Three to five sessions a week, mornings or evenings, "
        "built around group therapy, with your own counselor and medical care when you "
        "need it. Most people take part for 6 to 12 weeks.",
        "who_it_is_for": "Intensive outpatient care is often the first placement for a "
        "moderate substance use disorder. It is also a step down for people leaving "
        "inpatient or partial hospitalization, and a step up when weekly outpatient visits "
        "were not enough or after a relapse. Because you go home every day, you need a safe "
        "place to live: a home where nobody is still using and where you are not being "
        "harmed. Whether you come on your own or because a court asked you to, the "
        "treatment is the same.",
        "signs_it_fits": "Use has started to take over, and one visit a week does not "
        "feel like enough.\n"
        "You want to keep working, studying or caring for family while you get help.\n"
        "You are not at risk of dangerous withdrawal.\n"
        "You have a safe, substance-free home to go back to each day.\n"
        "You are leaving inpatient or partial hospitalization and want support nearby.\n"
        "You were in recovery and have started using again.",
        "typical_week": "Three to five group sessions of about 3 hours, in the morning "
        "(9 am to noon) or the evening (6 pm to 9 pm).\n"
        "One individual session with your counselor each week.\n"
        "Classes on relapse prevention and on how substances affect the brain and body.\n"
        "Medication follow-up and drug screening as planned with you.\n"
        "A family session when it will help.",
        "step_down_note": "When your goals are in reach and everyday life feels steady, "
        "you move to weekly outpatient care. For a week or two you may come a little less "
        "often, so the change is gentle.",
        "step_up_note": "If you need more structure, for example because use continues or "
        "your mental health gets worse, a level with more hours each day gives extra "
        "support while you still go home at night.",
        "services": [
            "individual-counseling",
            "group-therapy",
            "family-therapy",
            "medication-management",
            "drug-screening",
            "psychoeducation",
            "relapse-prevention",
            "mutual-help-introduction",
            "vocational-life-skills",
            "co-occurring-care",
        ],
    },
    {
        "code": "PHP",
        "name": "Partial Hospitalization",
        "slug": "partial-hospitalization",
        "tagline": "Full days of care at our center, evenings at home.",
        "asam_level": "2.5",
        "intensity": 3,
        "min_weekly_hours": 20,
        "max_weekly_hours": None,
        "hours_note": "20 or more hours a week",
        "min_days_per_week": 5,
        "max_days_per_week": 5,
        "min_length_weeks": 2,
        "max_length_weeks": 6,
        "setting": "You spend the day at our center, about 5 days a week for 4 to 6 hours, "
        "and go home at night.",
        "summary": "A full daytime program, about five days a week, with groups, your own "
        "counselor and daily medical oversight. You go home every evening.",
        "who_it_is_for": "Partial hospitalization suits people who need close, daily care "
        "but not a bed overnight: for example when use is severe, when mental-health "
        "symptoms need daily attention, or as a step down from inpatient care. Like "
        "intensive outpatient care, it needs a safe home to return to each evening.",
        "signs_it_fits": "You have tried outpatient care and it was not enough.\n"
        "Cravings or mental-health symptoms make it hard to get through a day.\n"
        "You can take a break from work or school for a few weeks.\n"
        "You are medically stable and do not need care through the night.\n"
        "You have a safe, substance-free home to go back to each evening.",
        "typical_week": "Five days at the center, about 9 am to 3 pm, with a lunch break.\n"
        "Several group sessions each day, plus psychoeducation and skills classes.\n"
        "Individual counseling at least twice a week.\n"
        "Daily check-ins with our medical team and medication management.\n"
        "Evenings and weekends at home, with a plan for the hours in between.",
        "step_down_note": "As days get steadier, most people move to intensive outpatient "
        "care: fewer hours, and time to return to work or school.",
        "step_up_note": "If withdrawal, medical risk or safety at home means you need care "
        "around the clock, we arrange a stay with 24-hour support.",
        "services": [
            "withdrawal-management",
            "individual-counseling",
            "group-therapy",
            "family-therapy",
            "medication-management",
            "drug-screening",
            "medical-check-ups",
            "psychoeducation",
            "relapse-prevention",
            "mutual-help-introduction",
            "vocational-life-skills",
            "co-occurring-care",
        ],
    },
    {
        "code": "INP",
        "name": "Inpatient / Residential",
        "slug": "inpatient-residential",
        "tagline": "A calm place to stay, with care day and night.",
        "asam_level": "3.1-4",
        "intensity": 4,
        "min_weekly_hours": None,
        "max_weekly_hours": None,
        "hours_note": "24-hour care",
        "min_days_per_week": 7,
        "max_days_per_week": 7,
        "min_length_weeks": 1,
        "max_length_weeks": 6,
        "setting": "You live on site with staff there day and night, with medical "
        "monitoring when withdrawal or health risks are high.",
        "summary": "A stay with round-the-clock support. Best when withdrawal needs medical "
        "care, when health or safety risks are high, or when home is not a safe place to "
        "recover right now.",
        "who_it_is_for": "Inpatient and residential care is for people who need more than "
        "a day program: when withdrawal could be dangerous and needs medical monitoring, "
        "when physical or mental health needs watching day and night, or when there is no "
        "safe, substance-free home to return to yet. A stay ranges from a few days of "
        "medically monitored withdrawal to several weeks of residential treatment.",
        "signs_it_fits": "You have had shaking, seizures, hallucinations or severe "
        "sickness when you stopped using before.\n"
        "You have health problems that need daily medical attention.\n"
        "You have tried to stop at home and could not stay safe.\n"
        "The people you live with are using, or home is not safe right now.",
        "typical_week": "Medical care and monitoring around the clock, especially in the "
        "first days.\n"
        "Group and individual therapy every day.\n"
        "Regular meals, sleep and quiet time to rebuild a healthy rhythm.\n"
        "Family sessions and planning for the move home.\n"
        "An introduction to mutual-help groups you can keep going to afterwards.",
        "step_down_note": "Before you leave, we plan the next step together, usually a "
        "day program or intensive outpatient care close to home, so support carries on "
        "without a gap.",
        "step_up_note": "",
        "services": [
            "withdrawal-management",
            "individual-counseling",
            "group-therapy",
            "family-therapy",
            "medication-management",
            "drug-screening",
            "medical-check-ups",
            "psychoeducation",
            "relapse-prevention",
            "mutual-help-introduction",
            "vocational-life-skills",
            "co-occurring-care",
        ],
    },
]


def load_catalog(apps, schema_editor):
    Service = apps.get_model("programs", "Service")
    Program = apps.get_model("programs", "Program")
    by_slug = {}
    for order, (slug, name, description) in enumerate(SERVICES, start=1):
        service, _ = Service.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
        by_slug[slug] = service
    for data in PROGRAMS:
        fields = {key: value for key, value in data.items() if key not in ("code", "services")}
        program, created = Program.objects.get_or_create(
            code=data["code"], defaults={**fields, "asam_edition": "3rd", "is_published": True}
        )
        if created:
            program.services.set([by_slug[slug] for slug in data["services"]])


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(load_catalog, migrations.RunPython.noop)]
