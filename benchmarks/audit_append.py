"""Audit append cost: hash-chained record() against a plain insert of the same rows."""

from django.utils import timezone

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record, verify_chain

N = 2_000


def run(best_of, **_):
    def chained():
        for i in range(N):
            record(AuditEntry.Action.READ, object_type="datahub.Child", object_id=str(i))

    def plain():
        for i in range(N):
            AuditEntry(
                at=timezone.now(),
                action="read",
                object_type="datahub.Child",
                object_id=str(i),
                prev_hash="-",
                entry_hash=f"plain-{timezone.now().timestamp()}-{i}",
            ).save()

    t_chain = best_of(chained, repeat=3)
    t_plain = best_of(plain, repeat=3)
    AuditEntry.objects.filter(prev_hash="-")._raw_delete(AuditEntry.objects.db)
    t_verify = best_of(verify_chain, repeat=3)
    count = AuditEntry.objects.count()
    return [
        f"audit log ({N} appends), baseline = plain single-row insert without chaining:",
        f"  baseline insert   {t_plain * 1e6 / N:8.1f} µs/entry  1.00×",
        f"  chained record()  {t_chain * 1e6 / N:8.1f} µs/entry  {t_chain / t_plain:.2f}×",
        f"  verify_chain      {t_verify * 1e6 / count:8.1f} µs/entry over {count} entries",
        "",
    ]
