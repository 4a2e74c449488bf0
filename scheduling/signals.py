"""Keep the iCal feeds' cache (scheduling.feedcache) in step with the sessions.

Signals catch every save and delete, whoever makes it (services, admin, shell); the
bulk writes, which send none, tell feedcache themselves.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from scheduling import feedcache
from scheduling.models import Room, Session, SessionCounselor, SessionType, Track


@receiver(post_save, sender=Session, dispatch_uid="ical-session-saved")
@receiver(pre_delete, sender=Session, dispatch_uid="ical-session-deleted")
def session_changed(sender, instance: Session, **kwargs) -> None:
    feedcache.sessions_changed([instance.pk])


@receiver(post_save, sender=SessionCounselor, dispatch_uid="ical-link-saved")
@receiver(post_delete, sender=SessionCounselor, dispatch_uid="ical-link-deleted")
def link_changed(sender, instance: SessionCounselor, **kwargs) -> None:
    feedcache.counselors_changed([instance.counselor_id])


@receiver(post_save, sender=Room, dispatch_uid="ical-room-saved")
@receiver(post_save, sender=Track, dispatch_uid="ical-track-saved")
@receiver(post_save, sender=SessionType, dispatch_uid="ical-type-saved")
def name_changed(sender, **kwargs) -> None:
    feedcache.all_changed()
