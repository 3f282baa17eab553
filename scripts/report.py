"""Writes docs/report/README.md and its plots from the benchmarks' last results.

Sources: the tables of docs/PERFORMANCE.md (each benchmark script's output, recorded there
with the command and the machine) and, for the distribution of migration latencies, the
raw per-move times bench-migrate leaves in .build/bench/migrate-*/node-*.txt. Run through
scripts/report, which installs matplotlib.
"""
import glob
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "report")

# What the Brazos paper (Abdel-Shafi, Speight, Bennett, USENIX Windows NT Symposium 1999)
# reports, as the issues quote it. Its Tables 1 and 2 are not quoted anywhere here.
PAPER = {"migration_ms": 1.01, "sor_overhead_pct": 28.0, "water_overhead_pct": 3.9}


def section(text, heading):
    """The text of docs/PERFORMANCE.md from `heading` to the next heading of its level."""
    start = text.index(heading)
    level = heading.split(" ")[0]
    rest = text[start + len(heading):]
    end = re.search(r"^" + level + r" ", rest, re.M)
    return rest[: end.start()] if end else rest


def tables(text):
    """Every markdown table in `text`, as lists of rows of cells (header first)."""
    found, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", cell) for cell in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def number(cell):
    match = re.search(r"-?\d+(\.\d+)?", cell.replace(",", ""))
    return float(match.group()) if match else None


def plot_p2p(rows, kind, unit, name):
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for case, style in (("shm", "-"), ("tcp", "--")):
        points = [(number(r[1]), number(r[2]), number(r[3])) for r in rows[1:] if r[0] == case]
        sizes = [max(p[0], 1) for p in points]
        axes.plot(sizes, [p[2] for p in points], "o" + style, label=f"Brazos, {case}")
        axes.plot(sizes, [p[1] for p in points], "s" + style, label=f"OpenMPI 4.1, {case}")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xlabel("message size (bytes; 0 plotted at 1)")
    axes.set_ylabel(f"{kind} ({unit})")
    axes.set_title(f"Point-to-point {kind}, two nodes")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(OUT, name), dpi=110)
    plt.close(figure)


def main():
    os.makedirs(OUT, exist_ok=True)
    performance = open(os.path.join(ROOT, "docs", "PERFORMANCE.md")).read()
    lines = ["# Brazos for Swift against OpenMPI and the Brazos paper", "",
             "Made by `scripts/report` from the last results recorded in docs/PERFORMANCE.md "
             "(each with its command, date and machine there) and the raw migration times of the "
             "last `scripts/bench-migrate`. Paper: Abdel-Shafi, Speight and Bennett, USENIX Windows NT "
             "Symposium 1999 (4 nodes of its day); its Tables 1 and 2 are not reproduced here: "
             "their figures are not quoted anywhere in this project.", ""]

    p2p = section(performance, "## Point-to-point")
    latency, bandwidth = tables(p2p)[0], tables(p2p)[1]
    plot_p2p(latency, "one-way latency", "us", "latency.png")
    plot_p2p(bandwidth, "bandwidth", "MB/s", "bandwidth.png")
    lines += ["## Messages", "", "![latency](latency.png)", "", "![bandwidth](bandwidth.png)", "",
              "Latency at 4 KiB (us): " + ", ".join(f"{r[0]} Brazos {r[3]} / OpenMPI {r[2]}" for r in latency[1:] if r[1] == "4096"), ""]

    checkpoints = section(performance, "## Checkpoints")
    found = tables(checkpoints)
    sor_rows, water_rows, recovery = found[0], found[1], found[2]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for rows, label, paper in ((sor_rows, "sor 4000x4000", PAPER["sor_overhead_pct"]), (water_rows, "water 4096", PAPER["water_overhead_pct"])):
        counts = [number(r[0]) for r in rows[1:]]
        held = [number(r[3]) for r in rows[1:]]
        axes.plot(counts, held, "o-", label=f"Brazos {label}: barriers held, % of run")
        axes.axhline(paper, linestyle=":", color=axes.lines[-1].get_color(), label=f"paper {label.split()[0]}: {paper}% overhead")
    axes.set_xlabel("checkpoints per run")
    axes.set_ylabel("cost (% of the run)")
    axes.set_yscale("log")
    axes.set_title("Checkpoint cost against how often (4 nodes)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(os.path.join(OUT, "checkpoint-overhead.png"), dpi=110)
    plt.close(figure)
    lines += ["## Checkpoints (the paper's Tables 3 and 4)", "", "![checkpoint cost](checkpoint-overhead.png)", "",
              "| program | checkpoints | Brazos overhead | barriers held | paper overhead |", "|---|---:|---:|---:|---:|"]
    for rows, label, paper in ((sor_rows, "sor", PAPER["sor_overhead_pct"]), (water_rows, "water", PAPER["water_overhead_pct"])):
        for r in rows[1:]:
            lines.append(f"| {label} | {r[0]} | {r[2]} | {r[3]} | {paper}% |")
    lines += ["", "The overhead column is within this VM's run-to-run noise (10-25%); the barriers held "
              "are what the checkpoints cost the computation (docs/PERFORMANCE.md says more).", ""]

    phases = recovery[0][:-1]
    figure, axes = plt.subplots(figsize=(7, 4.2))
    bottom = [0.0] * (len(recovery) - 1)
    for index, phase in enumerate(phases):
        values = [number(r[index]) for r in recovery[1:]]
        axes.barh([f"trial {t + 1}" for t in range(len(values))], values, left=bottom, label=phase)
        bottom = [b + v for b, v in zip(bottom, values)]
    axes.set_xlabel("seconds")
    axes.set_title("Recovery of sor 4000x4000 after kill -9 of a node, by phase")
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    figure.tight_layout()
    figure.savefig(os.path.join(OUT, "recovery.png"), dpi=110)
    plt.close(figure)
    lines += ["## Recovery", "", "![recovery](recovery.png)", ""]

    migration = tables(section(performance, "## Migration"))[0]
    lines += ["## Migration", "", "| case | Brazos median us | p99 us | OpenMPI 4 KiB one-way us | paper us |", "|---|---:|---:|---:|---:|"]
    for r in migration[1:]:
        lines.append(f"| {r[0]} | {r[2]} | {r[3]} | {r[4]} | {PAPER['migration_ms'] * 1000:.0f} |")
    figure, axes = plt.subplots(figsize=(7, 4.5))
    plotted = False
    for directory in sorted(glob.glob(os.path.join(ROOT, ".build", "bench", "migrate-*"))):
        times = [int(t) / 1000 for f in glob.glob(os.path.join(directory, "node-*.txt")) for t in open(f).read().split()]
        if times:
            times.sort()
            axes.hist([t for t in times if t <= times[int(len(times) * 0.99)]], bins=60, alpha=0.6,
                      label=f"{os.path.basename(directory)[len('migrate-'):]} ({len(times)} moves)")
            plotted = True
    if plotted:
        axes.set_xlabel("time per migration, us (up to the 99th percentile)")
        axes.set_ylabel("migrations")
        axes.set_title("Migration latency, 4 KiB resume state (paper: 1010 us)")
        axes.legend()
        figure.tight_layout()
        figure.savefig(os.path.join(OUT, "migration.png"), dpi=110)
        lines += ["", "![migration](migration.png)", ""]
    else:
        lines += ["", "(No raw migration times in .build/bench: run scripts/bench-migrate first.)", ""]
    plt.close(figure)

    scaling = tables(section(performance, "## Scaling"))[0]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    counts = [number(r[0]) for r in scaling[1:]]
    axes.plot(counts, [number(r[2]) for r in scaling[1:]], "o-", label="Brazos sor (shared memory)")
    axes.plot(counts, [number(r[4]) for r in scaling[1:]], "s--", label="OpenMPI sor.c (messages)")
    axes.plot(counts, counts, ":", color="gray", label="linear")
    axes.set_xlabel("nodes (one thread each)")
    axes.set_ylabel("speedup over 1 node")
    axes.set_xticks(counts)
    axes.set_title("sor speedup against nodes (this machine's cores: see the table)")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(OUT, "sor-speedup.png"), dpi=110)
    plt.close(figure)
    lines += ["## sor speedup", "", "![sor speedup](sor-speedup.png)", "",
              "| " + " | ".join(scaling[0]) + " |", "|" + "---:|" * len(scaling[0])]
    lines += ["| " + " | ".join(r) + " |" for r in scaling[1:]]
    lines += ["", "## Not in this report yet", "",
              "- The paper's Tables 1 and 2.",
              "- Running the benchmarks itself: it reads their last results.", ""]
    open(os.path.join(OUT, "README.md"), "w").write("\n".join(lines))
    print(f"wrote {os.path.relpath(os.path.join(OUT, 'README.md'), ROOT)} and its plots")


if __name__ == "__main__":
    sys.exit(main())
