"""The intake panel of the staff home: what is waiting for intake staff."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.http import HttpRequest

from accounts.home import Panel, register
from accounts.roles import is_intake
from intake.models import Assessment, ContactAttempt, Inquiry, Patient


@register
def intake_panel(request: HttpRequest) -> Panel | None:
    if not is_intake(request.user):
        return None
    new = Q(status=Inquiry.Status.NEW)
    # waiting means no one has tried to reach them yet: the first attempt ends the wait
    contacted = Exists(ContactAttempt.objects.filter(inquiry=OuterRef("pk")))
    uncontacted = Q(~contacted) & ~Q(status__in=[Inquiry.Status.CONVERTED, Inquiry.Status.CLOSED])
    inquiries = Inquiry.objects.aggregate(
        new=Count("pk", filter=new),
        oldest_waiting=Min("created_at", filter=uncontacted),
        contacted=Count("pk", filter=Q(status=Inquiry.Status.CONTACTED)),
        booked=Count("pk", filter=Q(status=Inquiry.Status.ASSESSMENT_BOOKED)),
    )
    drafts = Assessment.objects.filter(status=Assessment.Status.DRAFT).count()
    in_assessment = Patient.objects.filter(status=Patient.Status.IN_ASSESSMENT).count()
    return Panel(
        title="Intake",
        template="intake/_home_panel.html",
        context={**inquiries, "drafts": drafts, "in_assessment": in_assessment},
        order=10,
    )
