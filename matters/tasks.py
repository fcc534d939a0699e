"""Background work of matching and push (政策找企业): each task idempotent, each re-run by a sweep if lost."""

import logging

from celery import shared_task

from matters import matching

log = logging.getLogger(__name__)


@shared_task(name="matters.match_matter")
def match_matter_task(matter_id: int) -> int:
    """After a matter is published (上架): match the register, tell the newly eligible (宜昌 §26)."""
    counts = matching.match_and_push(matter_id)
    return counts.eligible if counts else 0


@shared_task(name="matters.consume_change_events")
def consume_change_events_task() -> int:
    """Every half minute, and after a change is recorded: re-match the changed enterprises, push the new matches."""
    return matching.consume_change_events()


@shared_task(name="matters.deliver_batch")
def deliver_batch_task(key: str) -> int:
    """Delivers one confirmed batch push (部门批量推送), resuming after its last committed chunk."""
    return matching.deliver_batch(key)


@shared_task(name="matters.sweep_matching")
def sweep_matching() -> dict[str, int]:
    """Repairs lost work: matters published but never matched, eligible enterprises never told, batch pushes
    whose worker died. One failing item is logged and the others go on."""
    done = {"matched": 0, "pushed": 0, "batches": 0}
    for matter_id in list(matching.unmatched_matters().values_list("pk", flat=True)):
        try:
            matching.match_and_push(matter_id)
            done["matched"] += 1
        except Exception:
            log.exception("matching sweep: match failed", extra={"matter_id": matter_id})
    for matter in matching.unpushed_matters().select_related("department"):
        try:
            done["pushed"] += matching.push_matched(matter)
        except Exception:
            log.exception("matching sweep: push failed", extra={"matter_id": matter.pk})
    for key in matching.unfinished_batches():
        try:
            done["batches"] += matching.deliver_batch(key)
        except Exception:
            log.exception("matching sweep: batch push failed", extra={"key": key})
    return done


@shared_task(name="matters.rematch_open_matters")
def rematch_open_matters() -> int:
    """Nightly: every open matter matched over the whole register again; drift repaired, new matches told."""
    return matching.rematch_open_matters()


@shared_task(name="matters.flag_near_duplicate_names")
def flag_near_duplicate_names() -> int:
    """Daily: the public catalogue's suspected duplicate names (疑似重复事项名称, 宜昌 §22) found again."""
    from matters import services

    return services.flag_near_duplicate_names()
