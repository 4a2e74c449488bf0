from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, OuterRef, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.roles import COUNSELOR
from accounts.validators import REASON_HELP, ReasonField
from intake.models import Patient
from programs.models import Program
from scheduling import clinictime, limits
from scheduling.models import (
    PARTIAL_ATTENDANCE,
    Attendance,
    Room,
    Session,
    SessionType,
    Site,
    Track,
    Weekday,
    staff_name_sql,
)
from scheduling.services import AttendanceError, attended_minutes

MAX_SESSION_MINUTES = 8 * 60


def counselors() -> QuerySet[User]:
    return (
        User.objects.filter(groups__name=COUNSELOR, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def staff_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return staff_name(obj)


class PatientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Patient) -> str:
        return f"{obj.display_name} ({obj.mrn})"


def minutes_field(*, label: str = "Length (minutes)", required: bool = True, help_text: str = ""):
    """A session length between 5 minutes and 8 hours, with the limits said in words."""
    limits_text = f"From 5 to {MAX_SESSION_MINUTES} minutes (8 hours)."
    message = f"A session lasts from 5 to {MAX_SESSION_MINUTES} minutes (8 hours)."
    return forms.IntegerField(
        label=label,
        min_value=5,
        max_value=MAX_SESSION_MINUTES,
        required=required,
        help_text=f"{limits_text} {help_text}".strip(),
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": "Enter the length as a whole number of minutes.",
            "required": "Enter the length in minutes.",
        },
    )


def moment_display(moment: datetime) -> str:
    """'Tue, Dec 1, 2026, 4:45 PM' in clinic time."""
    moment = clinictime.local(moment)
    hour = moment.hour % 12 or 12
    ampm = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%a, %b} {moment.day}, {moment.year}, {hour}:{moment.minute:02d} {ampm}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ClinicDatesMixin:
    """Every date field of the form stays within clinictime.EARLIEST..LATEST."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        message = f"Choose a date between {clinictime.EARLIEST.year} and {clinictime.LATEST.year}."
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.validators += [
                    MinValueValidator(clinictime.EARLIEST, message=message),
                    MaxValueValidator(clinictime.LATEST, message=message),
                ]


def clinic_moment(day: date, at: time) -> datetime:
    """The UTC moment of a clinic date and wall-clock time, refusing the hour skipped
    when clocks go forward (it does not exist on that day)."""
    moment = clinictime.local_to_utc(day, at)
    if clinictime.local(moment).time().replace(second=0, microsecond=0) != at.replace(
        second=0, microsecond=0
    ):
        raise forms.ValidationError(
            "That time does not exist on that day (the clocks go forward). Choose another.",
            code="nonexistent_time",
        )
    return moment


class WhenFormMixin:
    """date + start_time + minutes -> self.cleaned_data['start'] (aware, UTC)."""

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("date"), cleaned.get("start_time")
        if day and at:
            try:
                cleaned["start"] = clinic_moment(day, at)
            except forms.ValidationError as exc:
                self.add_error("start_time", exc)
        return cleaned


class LongSelect(forms.Select):
    """A select of hundreds of options (every counselor and room of ten sites) drawn in
    one pass: Django's Select renders each option through a template, which cost a
    program's week most of its time. Same markup; texts escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        parts = [f"<select{flatatt(attrs)}>"]
        for group, options in self.choices:
            if isinstance(options, list | tuple):
                parts.append(f'<optgroup label="{escape(group)}">')
                parts += [self._option(v, label, chosen) for v, label in options]
                parts.append("</optgroup>")
            else:
                parts.append(self._option(group, options, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every text escaped)

    @staticmethod
    def _option(value, label, chosen: set[str]) -> str:
        selected = " selected" if str(value) in chosen else ""
        return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'


class WeekForm(ClinicDatesMixin, forms.Form):
    """Which week (any day in it) and, for intake staff and directors, whose schedule."""

    date = forms.DateField(
        label="Go to the week of",
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )
    show = forms.ChoiceField(
        label="Show the schedule of",
        required=False,
        widget=LongSelect(attrs={"class": "form-select form-select-sm"}),
    )

    site = forms.TypedChoiceField(
        label="Site",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="A program's week shows one site at a time.",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, can_choose: bool, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if can_choose:
            self.fields["show"].choices = self.show_choices()
        else:
            del self.fields["show"]
        # the sites, and which are the user's own, in one query whether or not there are
        # any (a page's query count is the same at every size)
        sites = self.site_rows(user_id) if can_choose else []
        self.own_sites = [pk for pk, _, mine in sites if mine]
        if sites:
            self.fields["site"].choices = [(pk, name) for pk, name, _ in sites]
        else:  # one location (or none recorded): nothing to choose
            del self.fields["site"]
        for name in [n for n in self.errors if n in self.fields] if self.is_bound else []:
            widget = self.fields[name].widget
            widget.attrs["class"] += " is-invalid"
            widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})

    @staticmethod
    def site_rows(user_id: int | None) -> list[tuple[int, str, bool]]:
        """(pk, name, whether the user works there) of every site."""
        theirs = Site.staff.through.objects.filter(site_id=OuterRef("pk"), user_id=user_id)
        return list(Site.objects.annotate(mine=Exists(theirs)).values_list("pk", "name", "mine"))

    @staticmethod
    def show_choices() -> list:
        """Every counselor, room and program with groups: hundreds of options at a large
        clinic, read as plain values (no model instance per option)."""
        people = counselors().annotate(label=staff_name_sql()).values_list("pk", "label")
        rooms = Room.objects.filter(is_active=True).values_list("pk", "name")
        programs = Program.objects.filter(
            Exists(Track.objects.filter(program=OuterRef("pk")))
        ).values_list("code", "name")
        return [
            (
                "Counselors",
                [(f"counselor-{pk}", label) for pk, label in people],
            ),
            ("Rooms", [(f"room-{pk}", name) for pk, name in rooms]),
            ("Programs", [(f"program-{code}", f"{name} ({code})") for code, name in programs]),
        ]


class IndividualSessionForm(ClinicDatesMixin, WhenFormMixin, forms.Form):
    """An individual session. A date in the past or a time outside the clinic's opening
    hours is booked only once the `confirm` box (shown with the warning) is ticked."""

    patient = PatientChoiceField(queryset=Patient.objects.none())
    counselor = StaffChoiceField(queryset=User.objects.none())
    session_type = forms.ModelChoiceField(
        label="Type", queryset=SessionType.objects.filter(is_group=False)
    )
    room = forms.ModelChoiceField(queryset=Room.objects.filter(is_active=True))
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    minutes = minutes_field(required=False, help_text="Leave empty for the type's usual length.")
    confirm = forms.BooleanField(label="Yes, book it at this date and time", required=False)

    def __init__(
        self, *args, patients: QuerySet[Patient], counselor_choices: QuerySet[User], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["counselor"].queryset = counselor_choices
        self.fields["date"].help_text = f"From {limits.SESSION_PAST_DAYS} days ago to a year ahead."
        self.fields[
            "start_time"
        ].help_text = f"The clinic is open {limits.opening_hours().describe()}."
        self.warnings: list[str] = []
        if not self.is_bound:
            # the box appears with a warning, once a date and time need it
            self.fields["confirm"].widget = forms.HiddenInput()
            self.initial.setdefault(
                "session_type", SessionType.objects.filter(slug=SessionType.INDIVIDUAL).first()
            )

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        limits.check_session_date(day, today=clinictime.today())
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("session_type") and not cleaned.get("minutes"):
            cleaned["minutes"] = cleaned["session_type"].default_minutes
        start, minutes = cleaned.get("start"), cleaned.get("minutes")
        if start and minutes:
            self.warnings = self._unusual(start, minutes)
            if self.warnings and not cleaned.get("confirm"):
                for warning in self.warnings:
                    self.add_error("confirm", warning)
        if not self.warnings:
            self.fields["confirm"].widget = forms.HiddenInput()
        return cleaned

    @staticmethod
    def _unusual(start: datetime, minutes: int) -> list[str]:
        end = start + timedelta(minutes=minutes)
        found = []
        if start < timezone.now():
            found.append(
                f"This session starts in the past ({moment_display(start)}). Tick the box "
                "to record it anyway."
            )
        hours = limits.opening_hours()
        if not hours.is_open(start, end):
            found.append(
                f"{moment_display(start)} is outside the clinic's opening hours "
                f"({hours.describe()}). Tick the box to book it anyway."
            )
        return found


class RescheduleForm(ClinicDatesMixin, WhenFormMixin, forms.Form):
    date = forms.DateField(
        widget=DateInput(), help_text=f"From {limits.SESSION_PAST_DAYS} days ago to a year ahead."
    )
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    minutes = minutes_field()
    room = forms.ModelChoiceField(queryset=Room.objects.filter(is_active=True))

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        limits.check_session_date(day, today=clinictime.today())
        return day

    @classmethod
    def initial_for(cls, session: Session) -> dict:
        start = clinictime.local(session.start)
        return {
            "date": start.date(),
            "start_time": start.time(),
            "minutes": session.minutes,
            "room": session.room_id,
        }


class CancelForm(forms.Form):
    reason = ReasonField(
        label="Reason for cancelling",
        help_text=f"{REASON_HELP} Staff see this on the session. Do not name patients.",
    )


class NotesForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"notes": "Session notes"}


class AttendanceForm(forms.Form):
    """One attendee's row of the roster (prefixed with the attendee's id)."""

    attendance = forms.ChoiceField(
        choices=Attendance.choices, widget=forms.RadioSelect, required=False
    )
    minutes = forms.IntegerField(label="Minutes attended", min_value=1, required=False)

    def __init__(self, *args, session_minutes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_minutes = session_minutes

    def clean(self):
        cleaned = super().clean()
        attendance = cleaned.get("attendance")
        if not attendance:
            return cleaned
        try:
            cleaned["value"] = attended_minutes(
                attendance=attendance,
                minutes=cleaned.get("minutes"),
                session_minutes=self.session_minutes,
            )
        except AttendanceError as exc:
            field = "minutes" if attendance in PARTIAL_ATTENDANCE else "attendance"
            self.add_error(field, str(exc))
        return cleaned


class EnrollForm(ClinicDatesMixin, forms.Form):
    patient = PatientChoiceField(queryset=Patient.objects.none())
    joined = forms.DateField(
        label="Joins on",
        widget=DateInput(),
        help_text="Not before the patient's admission, and at most a year ahead.",
    )
    exception_reason = ReasonField(
        label="Reason for an exception",
        required=False,
        help_text=(
            "Only when the patient is admitted to another program than the group's (for "
            f"example, stepping down from PHP). {REASON_HELP}"
        ),
    )

    def __init__(self, *args, patients: QuerySet[Patient], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients


class EndEnrollmentForm(ClinicDatesMixin, forms.Form):
    """The last day in the group and why; `confirmed` is set by the confirmation step."""

    last_day = forms.DateField(
        label="Last day in the group",
        widget=DateInput(),
        help_text=(
            "They are off the group's sessions from the next day. At most "
            f"{limits.ENROLLMENT_END_PAST_DAYS} days back, and at most a year ahead."
        ),
    )
    reason = ReasonField(label="Reason for leaving the group")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput())


class CancelSeriesForm(ClinicDatesMixin, forms.Form):
    """The first date to cancel and why; `confirmed` is set by the confirmation step."""

    start = forms.DateField(
        label="Cancel the sessions from",
        widget=DateInput(),
        help_text="Today or later, after the group's first meeting, and at most a year ahead.",
    )
    reason = ReasonField(
        label="Reason for cancelling",
        help_text=f"{REASON_HELP} Staff see this on each cancelled session. Do not name patients.",
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput())


class TrackForm(ClinicDatesMixin, forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label="Meets on",
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    lead_counselor = StaffChoiceField(queryset=User.objects.none())
    co_facilitator = StaffChoiceField(queryset=User.objects.none(), required=False)

    class Meta:
        model = Track
        fields = [
            "name",
            "program",
            "session_type",
            "weekdays",
            "start_time",
            "length_minutes",
            "room",
            "lead_counselor",
            "co_facilitator",
            "capacity",
            "first_date",
            "last_date",
        ]
        widgets = {
            "start_time": TimeInput(),
            "first_date": DateInput(),
            "last_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_type"].queryset = SessionType.objects.filter(is_group=True)
        self.fields["lead_counselor"].queryset = counselors()
        self.fields["co_facilitator"].queryset = counselors()
        self.fields["room"].queryset = Room.objects.filter(is_active=True)

    def clean_first_date(self) -> date:
        day = self.cleaned_data["first_date"]
        if self.instance.pk is None or day != self.instance.first_date:
            limits.check_track_first_date(day, today=clinictime.today())
        return day

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_date"), cleaned.get("last_date")
        if first and last and (self.instance.pk is None or last != self.instance.last_date):
            try:
                limits.check_track_last_date(last, first=first, today=clinictime.today())
            except forms.ValidationError as exc:
                self.add_error("last_date", exc)
        lead, co = cleaned.get("lead_counselor"), cleaned.get("co_facilitator")
        if lead and co and lead == co:
            self.add_error("co_facilitator", "Choose someone other than the lead counselor.")
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity:
            peak = self.instance.peak_enrollment(clinictime.today())
            if capacity < peak:
                self.add_error(
                    "capacity",
                    f"{peak} patients are enrolled on some coming day; end enrollments first.",
                )
        return cleaned
