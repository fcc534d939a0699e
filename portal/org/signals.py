"""Keeps users' groups in step with their memberships, and role groups with roles.py."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from .models import DEPARTMENT_GROUP_PREFIX, Department, Membership, Role
from .permissions import forget_remembered


def sync_user_groups(user) -> None:
    """Puts `user` in exactly the department and role groups their memberships call for.

    Groups the portal does not manage (anything that is neither a role nor a
    `dept:` group) are left alone. A user with the same role in two departments
    keeps the role group until both memberships are gone.
    """
    memberships = list(Membership.objects.filter(user=user).select_related("department__group"))
    wanted = {m.department.group_id for m in memberships if m.department.group_id}
    wanted |= {Group.objects.get_or_create(name=role)[0].id for role in {m.role for m in memberships}}
    managed = set(
        user.groups.filter(Q(name__in=Role.values) | Q(name__startswith=DEPARTMENT_GROUP_PREFIX)).values_list(
            "id", flat=True
        )
    )
    user.groups.remove(*(managed - wanted))
    user.groups.add(*wanted)


@receiver(m2m_changed, dispatch_uid="org_forget_permissions_on_m2m")
def _forget_permissions_on_m2m(sender, **kwargs):
    # A user's groups or a group's permissions changed: permission answers remembered in this request go.
    forget_remembered()


@receiver(post_save, sender=Group, dispatch_uid="org_group_saved")
@receiver(post_delete, sender=Group, dispatch_uid="org_group_deleted")
@receiver(post_save, sender=Membership, dispatch_uid="org_membership_saved_forget")
@receiver(post_delete, sender=Membership, dispatch_uid="org_membership_deleted_forget")
def _forget_permissions(sender, **kwargs):
    forget_remembered()


@receiver(post_save, sender=Membership, dispatch_uid="org_membership_saved")
def _membership_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_user_groups(instance.user)


@receiver(post_delete, sender=Membership, dispatch_uid="org_membership_deleted")
def _membership_deleted(sender, instance, **kwargs):
    user_model = instance._meta.get_field("user").related_model
    user = user_model.objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_user_groups(user)


@receiver(post_delete, sender=Department, dispatch_uid="org_department_deleted")
def _department_deleted(sender, instance, **kwargs):
    # The group also carries the department's object permissions: they go with it.
    if instance.group_id:
        Group.objects.filter(pk=instance.group_id).delete()


def _last_app_with_models():
    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]


@receiver(post_migrate, dispatch_uid="org_sync_roles_after_migrate")
def _sync_roles_after_migrate(sender, using="default", plan=None, **kwargs):
    # post_migrate is sent once per app and permissions are created app by app,
    # so the roles are synced once, after the last app has its permissions.
    if sender.label != _last_app_with_models().label:
        return
    from .services import sync_roles

    sync_roles(using=using)
