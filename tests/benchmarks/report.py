#!/usr/bin/env python3
"""Markdown tables of a results file of run.py (what docs/benchmarks.md quotes).

python3 tests/benchmarks/report.py [results.json]   (default: the newest in results/)
"""

import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    path = (
        sys.argv[1]
        if len(sys.argv) > 1
        else max(glob.glob(os.path.join(HERE, "results", "*.json")))
    )
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    m = data["machine"]
    print(
        f"Run of {data['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"PostgreSQL {m['postgresql']}, Python {m['python']}.\n"
    )
    if "ops" in data:
        import ops

        print(f"### Per operation ({data['ops']['n']} records each)\n")
        print(ops.table(data["ops"]["results"]))
        print(f"\nWrong results: {data['ops']['failures'] or 'none'}\n")
    scale = data.get("scale") or {}
    if scale:
        sizes = sorted(scale, key=int)
        print("### Generation\n")
        print(
            "| work orders | units | residents | complaints | errands | generation (s) "
            "| database size (MiB) | ORM verification mismatches |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in sizes:
            r = scale[s]
            if "generation_s" not in r:
                continue
            z = r["sizes"]
            print(
                f"| {int(s):,} | {z['units']:,} | {z['residents']:,} | {z['complaints']:,} "
                f"| {z['errands']:,} | {r['generation_s']['total']:.0f} "
                f"| {r['db_bytes'] / 2**20:,.0f} | {len(r['verify_mismatches'])} |"
            )
        print("\n### Scenarios (median ms of repeated runs; queries per run)\n")
        header = "| scenario | target ms | " + " | ".join(f"{int(s):,} WO" for s in sizes)
        print(header + " | seq scans on big tables (largest size) |")
        print("|---|---:|" + "---:|" * len(sizes) + "---|")
        for name in scale[sizes[0]]["queries"]:
            cells = []
            for s in sizes:
                q = scale[s]["queries"][name]
                cells.append(f"{q['median_ms']:.1f} ({q['queries']} q)")
            last = scale[sizes[-1]]["queries"][name]
            target = last.get("target_ms") or ""
            print(
                f"| {name} | {target} | "
                + " | ".join(cells)
                + f" | {', '.join(last['seq_scans']) or 'none'} |"
            )
    if "concurrency" in data:
        c = data["concurrency"]
        print(
            f"\n### Concurrency ({c['clients']} clients, {c['workers']} workers, "
            f"{c['seconds']} s)\n"
        )
        print(
            f"- work orders created and finished: {c['cycles_completed']} "
            f"({c['throughput_orders_per_s']} per second); created {c['orders_created']}"
        )
        print(
            f"- lost: {len(c['lost'])}, duplicate numbers: {c['duplicate_numbers']}, gap in "
            f"numbers: {c['gap_in_numbers']}, sequence next matches: "
            f"{c['sequence_next_matches']}, left unfinished: {c['orders_left_unfinished']}"
        )
        print(
            f"- client errors: {c.get('client_errors', len(c.get('errors', [])))}, deadlocks "
            f"in the server log: {c['deadlocks_in_server_log']}, retried lock/serialization "
            f"conflicts: {c.get('lock_not_available_retried', 0)}/"
            f"{c.get('serialization_failures_retried', 0)}, other server errors: "
            f"{c.get('server_errors_other_than_retried', '?')}\n"
        )
        print("| step | p50 ms | p90 ms | p99 ms | mean ms |")
        print("|---|---:|---:|---:|---:|")
        for step, lat in c["latency_ms"].items():
            if lat["p50"] is None:
                continue
            print(
                f"| {step} | {lat['p50']:.0f} | {lat['p90']:.0f} | {lat['p99']:.0f} "
                f"| {lat['mean']:.0f} |"
            )
    if "install" in data:
        i = data["install"]
        print("\n### Install on a fresh database (no demo data)\n")
        print("| modules | seconds |")
        print("|---|---:|")
        for k, v in i.items():
            if k != "ratio":
                print(f"| {k} | {v:.0f} |")
        print(f"| ratio | {i['ratio']:.2f} |")


if __name__ == "__main__":
    main()
