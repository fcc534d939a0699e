from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import synonyms
from .models import Synonym


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender, **kwargs):
    synonyms.invalidate()
