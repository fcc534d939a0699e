from django.core.management.base import BaseCommand

from portal.org.roles import ROLE_PERMISSIONS
from portal.org.services import sync_roles


class Command(BaseCommand):
    help = "按 portal/org/roles.py 同步各角色用户组的权限（精确同步：多余的权限会被收回）。"

    def handle(self, *args, **options):
        skipped = sync_roles()
        for role in ROLE_PERMISSIONS:
            if role in skipped:
                self.stderr.write(f"{role}: 跳过尚不存在的权限 {', '.join(skipped[role])}")
        self.stdout.write(f"已同步 {len(ROLE_PERMISSIONS)} 个角色")
