"""Keep the catalog version (programs.catalog) moving when links change, and the
shared cache's copy of it (CATALOG_VERSION_CACHE) current after every edit.

Adding or removing a service on a program saves neither row, so updated_at would
stay put; bump it on the side that changed. Counts alone miss a swap (one link
removed, another added).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from programs.catalog import store_catalog_state
from programs.models import Program, Service


@receiver(m2m_changed, sender=Program.services.through)
def bump_catalog_on_link_change(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        type(instance).objects.filter(pk=instance.pk).update(updated_at=timezone.now())
        transaction.on_commit(store_catalog_state)


@receiver(post_save, sender=Program)
@receiver(post_save, sender=Service)
@receiver(post_delete, sender=Program)
@receiver(post_delete, sender=Service)
def store_state_on_edit(sender, **kwargs) -> None:
    """Once the edit commits (a state read before then would still be the old one)."""
    transaction.on_commit(store_catalog_state)
