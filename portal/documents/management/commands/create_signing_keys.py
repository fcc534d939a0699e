from django.core.management.base import BaseCommand, CommandError

from portal.documents import signing
from portal.org.models import Department


class Command(BaseCommand):
    help = (
        "Creates development signing keys (a development root CA, one certificate per department and one for the "
        "platform) and development seals in DOCUMENT_SIGNING_DIR. Keys and seals that exist are kept. "
        "Refused where DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS is on: production keys come from configuration."
    )

    def handle(self, *args, **options):
        if not signing.may_create():
            raise CommandError(
                "DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS is on: put each department's PKCS#12 file and seal in "
                "DOCUMENT_SIGNING_DIR instead of creating development keys."
            )
        made = 0
        for department in [None, *Department.objects.order_by("code")]:
            made += signing.ensure_key(department, create=True)
            signing.ensure_seal(department, create=True)
        self.stdout.write(f"{made} signing key(s) created in {signing.key_path(None).parent}.")
