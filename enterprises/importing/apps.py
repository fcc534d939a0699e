from django.apps import AppConfig


class EnterpriseImportsConfig(AppConfig):
    """数据共享交换导入: bulk files of enterprises, annual figures and qualifications."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises.importing"
    label = "enterprise_imports"
    verbose_name = "数据共享交换"
