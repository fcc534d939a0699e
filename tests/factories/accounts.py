"""Users: enterprise users (signed in by phone) and staff (user name + optional TOTP device)."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User

PASSWORD = "Huiqi#2026test"


class EnterpriseUserFactory(factory.django.DjangoModelFactory):
    """An enterprise user with a phone (138xxxxxxxx) and the password PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"u{n:011d}")
    name = factory.Faker("name", locale="zh_CN")
    kind = User.Kind.ENTERPRISE
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, phone=None, password=PASSWORD, **kwargs):
        user = model_class(**kwargs)
        user.set_phone(phone)
        user.set_password(password)
        user.save()
        return user

    @classmethod
    def _build(cls, model_class, *args, phone=None, password=PASSWORD, **kwargs):
        user = model_class(**kwargs)
        user.set_phone(phone)
        user.set_password(password)
        return user


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A member of staff (is_staff, kind staff) with the password PASSWORD; `totp=True` adds a confirmed device."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    name = factory.Faker("name", locale="zh_CN")
    kind = User.Kind.STAFF
    is_staff = True

    @classmethod
    def _create(cls, model_class, *args, password=PASSWORD, **kwargs):
        user = model_class(**kwargs)
        user.set_password(password)
        user.save()
        return user

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if extracted and create:
            TOTPDevice.objects.create(user=self, name="测试设备", confirmed=True)


class SuperuserFactory(StaffUserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_superuser = True
