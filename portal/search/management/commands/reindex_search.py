from django.core.management.base import BaseCommand, CommandError

from portal.search.index import reindex
from portal.search.registry import searchable_models


class Command(BaseCommand):
    help = "重建全文检索索引（可指定模型，如 policies.Policy；默认全部）。"

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", help="app_label.ModelName")

    def handle(self, *args, **options):
        wanted = {label.lower() for label in options["models"]}
        models = [m for m in searchable_models() if not wanted or m._meta.label_lower in wanted]
        if wanted and len(models) != len(wanted):
            raise CommandError(f"未登记检索的模型：{', '.join(sorted(wanted - {m._meta.label_lower for m in models}))}")
        for model in models:
            count = reindex(model)
            self.stdout.write(f"search: {model._meta.label} {count}")
