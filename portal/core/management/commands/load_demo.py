from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "载入演示数据（幂等：重复运行不改变任何数据）。"

    def handle(self, *args, **options):
        for dotted in settings.DEMO_LOADERS:
            with transaction.atomic():
                import_module(dotted).load()
            self.stdout.write(f"demo: {dotted} ok")
