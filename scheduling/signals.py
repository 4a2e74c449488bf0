"""Keep the schedule's versions (scheduling.feedcache: iCal feeds, week grids) in step
with the sessions.

Signals catch every save and delete, whoever makes it (services, admin, shell); the
bulk writes, which send none, tell feedcache themselves.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from intake.models import Admission
from scheduling import feedcache
from scheduling.models import Attendee, Room, Session, SessionCounselor, SessionType, Track


@receiver(post_save, sender=Session, dispatch_uid="ical-session-saved")
@receiver(pre_delete, sender=Session, dispatch_uid="ical-session-deleted")
def session_changed(sender, instance: Session, **kwargs) -> None:
    feedcache.sessions_changed([instance.pk])


@receiver(post_save, sender=SessionCounselor, dispatch_uid="ical-link-saved")
@receiver(post_delete, sender=SessionCounselor, dispatch_uid="ical-link-deleted")
def link_changed(sender, instance: SessionCounselor, **kwargs) -> None:
    feedcache.counselors_changed([instance.counselor_id])


@receiver(post_save, sender=Attendee, dispatch_uid="grid-attendee-saved")
@receiver(post_delete, sender=Attendee, dispatch_uid="grid-attendee-deleted")
def attendee_changed(sender, instance: Attendee, **kwargs) -> None:
    # the grids count a session's patients (the feed does not show them)
    feedcache.sessions_changed([instance.session_id])


@receiver(post_save, sender=Room, dispatch_uid="ical-room-saved")
@receiver(post_save, sender=Track, dispatch_uid="ical-track-saved")
@receiver(post_save, sender=SessionType, dispatch_uid="ical-type-saved")
def name_changed(sender, **kwargs) -> None:
    feedcache.all_changed()


@receiver(post_save, sender=Admission, dispatch_uid="grid-admission-saved")
def admission_changed(sender, **kwargs) -> None:
    # a program's week shows the individual sessions of the program's patients
    feedcache.bump([feedcache.ANY])
