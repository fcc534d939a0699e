from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "打印门户地址和每个角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        from portal.org.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

        self.stdout.write(f"\n惠企服务平台已启动：{url}\n管理后台：{url}admin/\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for role, login in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<12} {login}")
