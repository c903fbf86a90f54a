#!/usr/bin/env python3
"""What load/mixed.py saw around one fault, and whether it meets the goals given.

  load/fault-report.py REQUESTS_TSV --name NAME --fault-start MS --fault-end MS [--after MS]
      [--max-recovery-ms N] [--max-failed-percent P] [--forbid-status S ...]
      [--kind-p99-during KIND:MS ...] [--kind-success-during KIND:PERCENT ...]

REQUESTS_TSV has one line per request: epoch ms at its end, kind, status, milliseconds it took
(status 0: no HTTP response). The window reported is from the fault's start to AFTER ms (default
10,000) past its end. Recovery is how long after the fault's end the last failure came among the
requests sent after it, within that window: from then on every request succeeded (0 when none failed). "first ok" is
the first successful answer submission sent after the fault's end.

Prints one line, "FAULT name: ...", and one "GOAL" line per goal; exits 1 when a goal is missed.
"""
import argparse
import json
import sys


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("requests")
    p.add_argument("--name", required=True)
    p.add_argument("--fault-start", type=int, required=True)
    p.add_argument("--fault-end", type=int, required=True)
    p.add_argument("--after", type=int, default=10_000)
    p.add_argument("--max-recovery-ms", type=int)
    p.add_argument("--max-failed-percent", type=float)
    p.add_argument("--forbid-status", action="append", default=[])
    p.add_argument("--kind-p99-during", action="append", default=[])
    p.add_argument("--kind-success-during", action="append", default=[])
    a = p.parse_args()

    rows = []
    with open(a.requests) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                end, kind, status, ms = int(parts[0]), parts[1], parts[2], float(parts[3])
                rows.append((end, kind, status, ms, end - ms))
    window = [r for r in rows if a.fault_start <= r[0] <= a.fault_end + a.after]
    during = [r for r in rows if a.fault_start <= r[4] and r[0] <= a.fault_end]
    after = [r for r in rows if r[4] >= a.fault_end and r[0] <= a.fault_end + a.after]
    by_status = {}
    for r in window:
        by_status[r[2]] = by_status.get(r[2], 0) + 1
    failed = sum(n for s, n in by_status.items() if not s.startswith("2"))
    late_failures = [r[0] for r in after if not r[2].startswith("2")]
    recovery = max(late_failures) - a.fault_end if late_failures else 0
    first_ok = min((r[0] for r in after if r[1] == "answer" and r[2].startswith("2")), default=None)
    kinds = {}
    for r in during:
        k = kinds.setdefault(r[1], {"n": 0, "ok": 0, "ms": []})
        k["n"] += 1
        k["ok"] += r[2].startswith("2")
        k["ms"].append(r[3])
    during_summary = {kind: {"requests": k["n"], "ok_percent": round(100.0 * k["ok"] / k["n"], 1),
                             "p99_ms": percentile(k["ms"], 0.99)} for kind, k in sorted(kinds.items())}
    summary = {"requests": len(window), "failed": failed, "by_status": by_status,
               "p99_ms": percentile([r[3] for r in window], 0.99),
               "fault_seconds": round((a.fault_end - a.fault_start) / 1000, 1),
               "recovery_ms": recovery,
               "first_ok_answer_ms": None if first_ok is None else first_ok - a.fault_end,
               "during_fault": during_summary}
    print("FAULT %s: %s" % (a.name, json.dumps(summary)), flush=True)

    missed = []

    def goal(ok, text):
        print("GOAL  %-4s %s: %s" % ("ok" if ok else "MISS", a.name, text), flush=True)
        if not ok:
            missed.append(text)

    if not window:
        goal(False, "requests were served in the window")
    if a.max_recovery_ms is not None:
        goal(recovery <= a.max_recovery_ms, "every request sent more than %d ms after the fault's end succeeded "
             "(last failure %d ms after it)" % (a.max_recovery_ms, recovery))
    if a.max_failed_percent is not None:
        share = 100.0 * failed / max(1, len(window))
        goal(share <= a.max_failed_percent, "at most %.1f %% failed (%.2f %%: %d of %d)"
             % (a.max_failed_percent, share, failed, len(window)))
    for status in a.forbid_status:
        goal(status not in by_status, "no %s (%d)" % (status, by_status.get(status, 0)))
    for spec in a.kind_p99_during:
        kind, limit = spec.split(":")
        p99 = during_summary.get(kind, {}).get("p99_ms")
        goal(p99 is not None and p99 <= float(limit), "%s p99 during the fault <= %s ms (%s)" % (kind, limit, p99))
    for spec in a.kind_success_during:
        kind, limit = spec.split(":")
        ok = during_summary.get(kind, {}).get("ok_percent")
        goal(ok is not None and ok >= float(limit), "%s succeeded >= %s %% during the fault (%s)" % (kind, limit, ok))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
