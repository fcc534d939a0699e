from django.core.management.base import BaseCommand

from portal.workcalendar.seed import package_years, seed_from_package


class Command(BaseCommand):
    help = "从 chinese-calendar 载入节假日和调休安排（已录入的年份保持不变，除非 --overwrite）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="只载入这些年份")
        parser.add_argument("--overwrite", action="store_true", help="覆盖已录入的年份（会丢失人工修改）")

    def handle(self, *args, year=None, overwrite=False, **options):
        known = package_years()
        for y in year or []:
            if y not in known:
                self.stderr.write(
                    f"{y}年不在 chinese-calendar 的数据范围（{known.start}–{known.stop - 1}）内，请在管理后台手工录入。"
                )
        written = seed_from_package([y for y in (year or known) if y in known], overwrite=overwrite)
        self.stdout.write(f"已载入：{', '.join(map(str, written)) or '无（均已存在）'}")
