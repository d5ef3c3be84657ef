#!/usr/bin/env python3
"""Plots of a results file of run.py: latency against data size, generation and database size.

    python3 tests/benchmarks/plot.py [results.json]   (default: the newest in results/)
Writes docs/benchmarks/*.png.
"""

import glob
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "docs", "benchmarks")


def main():
    path = (
        sys.argv[1]
        if len(sys.argv) > 1
        else max(glob.glob(os.path.join(HERE, "results", "*.json")))
    )
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    scale = data.get("scale") or {}
    if not scale:
        print("no scale results in", path)
        return
    os.makedirs(OUT, exist_ok=True)
    sizes = sorted(scale, key=int)
    x = [int(s) for s in sizes]
    names = list(scale[sizes[0]]["queries"])

    fig, ax = plt.subplots(figsize=(10, 6))
    for name in names:
        y = [scale[s]["queries"][name]["median_ms"] for s in sizes]
        ax.plot(x, y, marker="o", label=name)
    default = data.get("scale_default_cost") or {}
    if default and all(s in default for s in sizes):
        for name in ("monthly review: one community", "monthly review: all communities"):
            y = [default[s]["queries"][name]["median_ms"] for s in sizes]
            ax.plot(x, y, marker="x", linestyle="--", label=f"{name} (random_page_cost 4)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(
        "work orders in the database (with units, residents, complaints, errands in proportion)"
    )
    ax.set_ylabel("median latency (ms, log scale)")
    ax.set_title(
        f"Latency against data size — {data['date'][:10]}, {data['machine']['cores']} cores"
    )
    for target in sorted(
        {v for v in (scale[sizes[0]]["queries"][n].get("target_ms") for n in names) if v}
    ):
        ax.axhline(target, color="grey", linestyle=":", linewidth=0.8)
        ax.annotate(f"target {target} ms", (x[0], target), fontsize=7, color="grey")
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "latency_vs_size.png"), dpi=110)

    if not all("generation_s" in scale[s] for s in sizes):
        print("plots in", os.path.abspath(OUT))
        return
    fig, ax1 = plt.subplots(figsize=(8, 4.5))
    gen = [scale[s]["generation_s"]["total"] for s in sizes]
    mib = [scale[s]["db_bytes"] / 2**20 for s in sizes]
    ax1.plot(x, gen, marker="o", color="tab:blue", label="generation time (s)")
    ax1.set_xscale("log")
    ax1.set_xlabel("work orders")
    ax1.set_ylabel("generation time (s)", color="tab:blue")
    ax2 = ax1.twinx()
    ax2.plot(x, mib, marker="s", color="tab:red", label="database size (MiB)")
    ax2.set_ylabel("database size (MiB)", color="tab:red")
    ax1.set_title("Data generator: time and database size")
    ax1.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "generation_vs_size.png"), dpi=110)
    print("plots in", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
