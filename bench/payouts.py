"""Disbursement at scale: N approved applications → payouts → one batch → payment file → bank result import.

    DATABASE_URL=postgres://…/portal_x .venv/bin/python -m bench.payouts [--n 100000] [--naive 2000]

Everything runs in one transaction that is rolled back, so the database is left as it was. It needs N
enterprises in the register (`manage.py generate_enterprises --count N` adds them and they stay, as for
`bench.matching`); the applications, their payee accounts, the matter and the finance officers are made here.
It prints, for the whole set, in one run:

* create — `services.open_payouts()`: N payouts with their accounts copied (encrypted), history rows and
  兑付时限 clocks, set-based in chunks;
* batch — `services.create_batch` of all N (rows locked, states checked, one bulk update with history),
  then `approve_batch` by a second officer;
* export — the payment file (xlsx) of the batch, the first export sending it to the bank;
* import — the bank's result file for all N lines (one in a thousand failed), validated whole and applied.

Beside them, the naive way, measured in the same run on a sample of `--naive` rows and extrapolated to N:
one `Payout.save()` plus one clock `start` per case (create), and per result line a lookup, a check and a
`save()` (import). The last line is `payouts: n=… create_s=… export_s=… import_s=…`.
"""

import argparse
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bench import _django  # noqa: F401


class _RollbackError(Exception):
    pass


def _timed(func):
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started


def main() -> None:
    from applications.models import Application, Status
    from enterprises.models import Enterprise
    from matters.models import DeliveryKind, Matter
    from payouts import bankfiles, services
    from payouts.models import BatchLine, PayeeAccount, Payout, PayoutState
    from portal.accounts.models import User
    from portal.core.crypto import encrypt
    from portal.org.models import Department, Membership, Role
    from portal.workcalendar import clocks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=2000)
    args = parser.parse_args()
    n = args.n
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:n])
    if len(enterprise_ids) < n:
        raise SystemExit(
            f"the register holds {len(enterprise_ids)} enterprises; run manage.py generate_enterprises --count {n}"
        )
    figures = {}
    try:
        with transaction.atomic():
            matter = Matter.objects.filter(delivery_kind=DeliveryKind.REVIEWED).select_related("region").first()
            if matter is None:
                raise SystemExit("no matter in the database: load the demo data first (scripts/run.sh does)")
            department = services._finance_department(matter.region)
            if department is None:
                department = Department.objects.create(
                    name="基准测试财政局", code="bench-finance", region=matter.region, kind=Department.Kind.FINANCE
                )
            maker, checker = (
                User.objects.create(username=f"bench-finance-{k}", is_staff=True, kind=User.Kind.STAFF) for k in (1, 2)
            )
            for user in (maker, checker):
                Membership.objects.create(user=user, department=department, role=Role.FINANCE)
                user.user_permissions.add(*_permissions())
            now = timezone.now()
            period = f"bench-{now:%H%M%S}"
            Application.objects.bulk_create(
                [
                    Application(
                        number=f"BENCH{k:09d}",
                        enterprise_id=eid,
                        matter=matter,
                        period=period,
                        status=Status.TO_PAYOUT,
                        approved_amount=Decimal("1000.00") + Decimal(k % 1000) / 100,
                        decided_at=now,
                    )
                    for k, eid in enumerate(enterprise_ids)
                ],
                batch_size=5000,
            )
            PayeeAccount.objects.filter(enterprise_id__in=enterprise_ids).delete()
            token = encrypt("6222020200014345678")
            PayeeAccount.objects.bulk_create(
                [
                    PayeeAccount(enterprise_id=eid, account_name="基准企业", bank_name="中国银行", account_number="x")
                    for eid in enterprise_ids
                ],
                batch_size=5000,
            )
            from django.db import connection

            with connection.cursor() as cursor:  # one ciphertext for all: the copy into payouts decrypts each
                cursor.execute("UPDATE payouts_payeeaccount SET account_number = %s", [token])
            approved_total = Application.objects.filter(period=period).values_list("approved_amount", flat=True)
            approved_total = sum(approved_total, Decimal("0"))

            opened, figures["create_s"] = _timed(services.open_payouts)
            assert opened >= n, opened
            source = Payout.objects.filter(application__period=period).first().funding_source
            source.payer_name, source.payer_account, source.payer_bank = (
                "基准财政国库存款",
                "42050110000000000001",
                "国库",
            )
            source.save()  # the treasury account the payment file names (rolled back with the rest)
            batch, figures["batch_s"] = _timed(lambda: services.create_batch(by=maker, funding_source=source))
            _, figures["approve_s"] = _timed(lambda: services.approve_batch(batch, by=checker))
            (_name, _type, content), figures["export_s"] = _timed(
                lambda: services.export_batch(batch, by=maker, fmt="xlsx")
            )
            numbers = list(batch.payouts.order_by("number").values_list("number", flat=True))
            failed = dict.fromkeys(numbers[::1000], (False, "", None, "账号户名不符"))
            result = bankfiles.results_template(batch, failed)
            report, figures["import_s"] = _timed(
                lambda: services.import_results(batch, result, file_name="bench.xlsx", by=maker)
            )
            assert not report.errors, report.errors[:5]
            assert report.paid == batch.count - len(failed)
            paid = sum(Payout.objects.filter(batch=batch, state=PayoutState.PAID).values_list("amount", flat=True))
            figures["paid_fen_match"] = (
                paid
                + sum(Payout.objects.filter(batch=batch, state=PayoutState.FAILED).values_list("amount", flat=True))
                == approved_total
            )
            figures["file_mb"] = round(len(content) / 1e6, 1)

            # the naive way on a sample, extrapolated: one save and one clock per case; one lookup and save per line
            sample = list(Payout.objects.filter(batch=batch).order_by("pk")[: args.naive])
            with transaction.atomic():
                from django.contrib.contenttypes.models import ContentType

                from portal.workcalendar.models import Clock

                Clock.objects.filter(
                    content_type=ContentType.objects.get_for_model(Payout), object_id__in=[p.pk for p in sample]
                ).delete()
                BatchLine.objects.filter(payout__in=[p.pk for p in sample]).delete()
                Payout.objects.filter(pk__in=[p.pk for p in sample]).delete()
                started = time.perf_counter()
                for payout in sample:
                    payout.pk = None
                    payout.batch = None
                    payout.state = PayoutState.PENDING
                    payout.save()
                    clocks.start(payout, services.PAY_CLOCK, on=payout.approved_on)
                elapsed = time.perf_counter() - started
                transaction.set_rollback(True)
            figures["naive_create_s_est"] = elapsed * n / len(sample)
            lines, _errors = bankfiles.read_results(result, "bench.xlsx")
            started = time.perf_counter()
            with transaction.atomic():
                for line in lines[: args.naive]:
                    payout = Payout.objects.select_for_update().get(number=line.number)
                    if payout.amount == line.amount:
                        payout.bank_reference = line.reference
                        payout.save()
                transaction.set_rollback(True)
            figures["naive_import_s_est"] = (time.perf_counter() - started) * n / min(len(lines), args.naive)
            raise _RollbackError
    except _RollbackError:
        pass
    except Exception:
        raise
    for key in ("create_s", "batch_s", "approve_s", "export_s", "import_s", "naive_create_s_est", "naive_import_s_est"):
        figures[key] = round(figures[key], 2)
    print(f"  create: {figures['create_s']} s set-based vs {figures['naive_create_s_est']} s row by row (estimated)")
    print(f"  import: {figures['import_s']} s whole-file vs {figures['naive_import_s_est']} s line by line (estimated)")
    print(f"  batch {figures['batch_s']} s, approve {figures['approve_s']} s, payment file {figures['file_mb']} MB")
    print(f"  sum paid + failed equals sum approved to the fen: {figures['paid_fen_match']}")
    print(
        f"payouts: n={n} create_s={figures['create_s']} export_s={figures['export_s']} import_s={figures['import_s']}"
        f" batch_s={figures['batch_s']} approve_s={figures['approve_s']}"
        f" naive_create_s_est={figures['naive_create_s_est']} naive_import_s_est={figures['naive_import_s_est']}"
    )


def _permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="payouts",
        codename__in=["batch_payout", "approve_payoutbatch", "import_bankresult", "view_payout"],
    )


if __name__ == "__main__":
    main()
