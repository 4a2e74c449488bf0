"""Keep the catalog version (programs.catalog) moving when links change.

Adding or removing a service on a program saves neither row, so updated_at would
stay put; bump it on the side that changed. Counts alone miss a swap (one link
removed, another added).
"""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from programs.models import Program


@receiver(m2m_changed, sender=Program.services.through)
def bump_catalog_on_link_change(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        type(instance).objects.filter(pk=instance.pk).update(updated_at=timezone.now())
