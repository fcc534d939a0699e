import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.core.crypto import digest
from portal.notify.models import OutboxMessage, SiteMessage, SmsTemplate


class RecipientFactory(factory.django.DjangoModelFactory):
    """An enterprise user who receives site messages."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"notify-user-{n}")
    kind = "enterprise"


class SmsTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmsTemplate
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"test-template-{n}")
    name = "申报进度通知"
    text = "【惠企服务平台】尊敬的{name}，您申报的{matter}已进入{step}环节。"


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    phone_digest = factory.LazyAttribute(lambda o: digest(o.phone))
    template = factory.SubFactory(SmsTemplateFactory)
    params = factory.LazyFunction(lambda: {"name": "张三", "matter": "研发费用补助", "step": "审核"})
    text = factory.LazyAttribute(lambda o: o.template.render(o.params))
    dedupe_key = factory.Sequence(lambda n: f"test-outbox-{n}")
    next_attempt_at = factory.LazyFunction(lambda: timezone.now())


class SiteMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteMessage

    user = factory.SubFactory(RecipientFactory)
    title = factory.Sequence(lambda n: f"您的申报已受理（{n}）")
    body = "请在企业空间查看办理进度。"
