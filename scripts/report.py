"""Writes docs/report/README.md and its plots from the benchmarks' results.

Sources: the tables of docs/PERFORMANCE.md (each benchmark script's output, recorded there
with the command and the machine), or with --results DIR the tables the benchmarks just
printed into DIR (p2p.md, checkpoint.md, migrate.md, scaling.md); and, for the
distribution of migration latencies, the raw per-move times bench-migrate leaves in
.build/bench/migrate-*/node-*.txt. Run through scripts/report, which installs matplotlib
and, with --run, runs the benchmarks.
"""
import argparse
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

# Where each part of the report reads its table: a file of --results, or else this section
# of docs/PERFORMANCE.md.
SOURCES = {"p2p": "## Point-to-point", "checkpoint": "## Checkpoints", "migrate": "## Migration", "scaling": "## Scaling"}


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


def markdown(rows):
    """A table of numbers (header first) as markdown lines, right-aligned."""
    def line(row):
        return "| " + " | ".join(row) + " |"
    return [line(rows[0]), "|" + "---:|" * len(rows[0])] + [line(row) for row in rows[1:]]


def number(cell):
    match = re.search(r"-?\d+(\.\d+)?", cell.replace(",", ""))
    return float(match.group()) if match else None


def p2p_rows(rows):
    """bench-p2p's tables as [case, bytes, OpenMPI, Brazos]: the older ones are that already;
    the newer ones (a `figure` column; Brazos C and Brazos Swift) give their batch and
    stream rows, with Brazos C (the same C program as OpenMPI's) as Brazos."""
    if "figure" not in rows[0]:
        return rows
    return [["case", "bytes", "OpenMPI", "Brazos"]] + [
        [r[0], r[1], r[3], r[4]] for r in rows[1:] if r[2] in ("batch", "stream")]


def plot_p2p(rows, kind, unit, name):
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for case, style in (("shm", "-"), ("tcp", "--")):
        points = [(number(r[1]), number(r[2]), number(r[3])) for r in rows[1:] if r[0] == case]
        sizes = [max(p[0], 1) for p in points]
        axes.plot(sizes, [p[2] for p in points], "o" + style, label=f"Brazos, {case}")
        axes.plot(sizes, [p[1] for p in points], "s" + style, label=f"OpenMPI 4.1, {case}")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xlabel("message size (bytes" + ("; 0 plotted at 1)" if any(p[0] == 0 for p in points) else ")"))
    axes.set_ylabel(f"{kind} ({unit})")
    axes.set_title(f"Point-to-point {kind}, two nodes")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(OUT, name), dpi=110)
    plt.close(figure)


def migration_times():
    """Per case, the sorted times of the last bench-migrate's moves (us). The raw times it
    leaves in .build/bench are copied into docs/report, so that a fresh clone, which has
    none, still draws the plot of the run the report's table gives."""
    found = {}
    for directory in sorted(glob.glob(os.path.join(ROOT, ".build", "bench", "migrate-*"))):
        times = sorted(int(t) for f in glob.glob(os.path.join(directory, "node-*.txt")) for t in open(f).read().split())
        if times:
            case = os.path.basename(directory)[len("migrate-"):]
            open(os.path.join(OUT, f"migration-{case}.txt"), "w").write("\n".join(map(str, times)) + "\n")
            found[case] = times
    if not found:
        for kept in sorted(glob.glob(os.path.join(OUT, "migration-*.txt"))):
            found[os.path.basename(kept)[len("migration-"):-len(".txt")]] = [int(t) for t in open(kept).read().split()]
    return {case: [t / 1000 for t in times] for case, times in found.items()}


def machine_here():
    """This machine in a line: cores, CPU model, OS."""
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "CPU unknown")
    system = next((line.split("=", 1)[1].strip().strip('"') for line in open("/etc/os-release") if line.startswith("PRETTY_NAME=")), "")
    return f"{os.cpu_count()} cores ({model}), {system}."


def first_line_with_date(text):
    """The first line of a benchmark's output (or of its section) that gives a date."""
    line = next((line for line in text.splitlines() if re.search(r"\d{4}-\d\d-\d\d ", line)), "date not given")
    return line.lstrip("#* ").rstrip("*:, ")


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def claims(migration, drain_join, sor_rows, recovery):
    """The paper's Tables 1 and 2 are out of reach; its abstract's claims, against ours."""
    one_host = next(r for r in migration[1:] if r[0] == "one host")
    lines = ["", "## The paper's Tables 1 and 2, and its claims", "",
             "Tables 1 and 2 are not reproduced: no copy of the paper's text is reachable from this "
             "project. Its issues quote only the 1.01 ms migration and the 28% and 3.9% checkpoint "
             "overheads of Tables 3 and 4, and the searchable corpus holds only the paper's abstract. "
             "The abstract's claims, against what the benchmarks above measured:", "",
             "| the paper's claim | measured here |", "|---|---|",
             f"| thread migration an order of magnitude faster than earlier Windows NT systems: 1.01 ms | "
             f"median {one_host[2]} us on one host ({1010 / float(one_host[2]):.0f}x faster than the paper) |",
             f"| checkpoints with low runtime overhead (sor 28%, water 3.9%) | checkpoints held sor's barriers "
             f"{sor_rows[-1][3]} of the run at {sor_rows[-1][0].split()[0]} checkpoints |",
             f"| short recovery time | {median([number(r[-1]) for r in recovery[1:]]):.2f} s from kill -9 of a node to "
             f"the job running again (median of {len(recovery) - 1}) |"]
    if len(drain_join) == 2:
        drain, join = drain_join
        lines.append(f"| nodes added and removed while applications run | a node drained in "
                     f"{median([number(r[1]) for r in drain[1:]]) * 1000:.0f} ms, a node joined in "
                     f"{median([number(r[1]) for r in join[1:]]) * 1000:.0f} ms (medians, request to done, during sor) |")
    return lines + [""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", help="read the tables the benchmarks printed into this directory")
    parser.add_argument("--quick", action="store_true", help="the results are of the benchmarks' quick sizes")
    options = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    performance = open(os.path.join(ROOT, "docs", "PERFORMANCE.md")).read()

    def source(name):
        if options.results:
            return open(os.path.join(options.results, name + ".md")).read()
        return section(performance, SOURCES[name])

    lines = ["# Brazos for Swift against OpenMPI and the Brazos paper", ""]
    if options.results:
        lines += ["Made by `scripts/report --run" + (" --quick" if options.quick else "") + "`: every figure below comes "
                  "from the benchmarks it ran just before, on this machine, Brazos and OpenMPI side by side "
                  "(their outputs are in `" + os.path.relpath(options.results, ROOT) + "/`). Their dates and machine:", ""]
        lines += [f"- {name}: {first_line_with_date(source(name))}" for name in SOURCES]
        lines += ["", "The machine: " + machine_here()]
        if options.quick:
            lines += ["", "**Quick sizes** (short runs, one round each): a first look, not figures to quote; "
                      "docs/PERFORMANCE.md has full-size runs."]
        lines += [""]
    else:
        lines += ["Made by `scripts/report` from the last results recorded in docs/PERFORMANCE.md "
                  "(each with its command, date and machine there) and the raw migration times of the "
                  "last `scripts/bench-migrate`. `scripts/report --run` runs the benchmarks first. "
                  "The runs it draws on:", ""]
        lines += [f"- {name}: {first_line_with_date(source(name))}" for name in SOURCES]
        machine = re.search(r"^Machine: (.*)$", performance, re.M)
        lines += ["", "The machine, as docs/PERFORMANCE.md names it: " + (machine.group(1) if machine else "not named") + "", ""]
    lines += ["Paper: Abdel-Shafi, Speight and Bennett, *Efficient User-Level Thread Migration and "
              "Checkpointing on Windows NT Clusters*, USENIX Windows NT Symposium 1999 (a cluster of "
              "its day); its figures below are those the project's issues quote.", ""]

    p2p = source("p2p")
    # The latency and bandwidth tables (their first column is the case); the round-by-round
    # table between them is not plotted.
    latency, bandwidth = [p2p_rows(table) for table in tables(p2p) if table[0][0] == "case"][:2]
    plot_p2p(latency, "one-way latency", "us", "latency.png")
    plot_p2p(bandwidth, "bandwidth", "MB/s", "bandwidth.png")
    lines += ["## Messages", "", "![latency](latency.png)", "", "![bandwidth](bandwidth.png)", "",
              "Latency at 4 KiB (us): " + ", ".join(f"{r[0]} Brazos {r[3]} / OpenMPI {r[2]}" for r in latency[1:] if r[1] == "4096"), ""]

    checkpoints = source("checkpoint")
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
              "| program | checkpoints | Brazos: run time against no checkpoints | Brazos: barriers held by checkpoints, % of the run | paper: overhead |",
              "|---|---:|---:|---:|---:|"]
    for rows, label, paper in ((sor_rows, "sor", PAPER["sor_overhead_pct"]), (water_rows, "water", PAPER["water_overhead_pct"])):
        for r in rows[1:]:
            lines.append(f"| {label} | {r[0]} | {r[2]} | {r[3]} | {paper}% |")
    lines += ["", "Two measures of what checkpoints cost. The run time against a run without checkpoints is "
              "what the paper gives, but here it is within this machine's run-to-run noise (10-25%), which is "
              "why it comes out negative at times. The barriers held are the part of the cost that noise "
              "does not hide: the time the computation waited while checkpoints were taken (the write itself "
              "goes on in the background). docs/PERFORMANCE.md has every column.", ""]

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
    lines += ["## Recovery", "", "sor 4000 x 4000 on 4 nodes, a checkpoint every 200 steps; one node is killed with "
              "kill -9 after the second checkpoint, and brazosrun recovers the job by itself (seconds, "
              "per trial; the recovered run's output is checked against a run without the kill):", "",
              "![recovery](recovery.png)", ""] + markdown(recovery)
    lines += [""]

    migration = tables(source("migrate"))[0]
    lines += ["## Migration", "", "| case | Brazos median us | p99 us | OpenMPI 4 KiB one-way us | paper us |", "|---|---:|---:|---:|---:|"]
    for r in migration[1:]:
        lines.append(f"| {r[0]} | {r[2]} | {r[3]} | {r[4]} | {PAPER['migration_ms'] * 1000:.0f} |")
    figure, axes = plt.subplots(figsize=(7, 4.5))
    plotted = False
    for case, times in migration_times().items():
        axes.hist([t for t in times if t <= times[int(len(times) * 0.99)]], bins=60, alpha=0.6, label=f"{case} ({len(times)} moves)")
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

    scaling = tables(source("scaling"))[0]
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
    cores = re.search(r"nproc: (\d+)", source("scaling"))
    lines += ["## sor speedup", "", "![sor speedup](sor-speedup.png)", ""] + markdown(scaling)
    if cores:
        lines += ["", f"Taken on {cores.group(1)} cores: rows with more nodes than that share cores, so they show "
                  "what oversubscription costs, not scaling."]
    lines += claims(migration, tables(source("migrate"))[1:3], sor_rows, recovery)
    open(os.path.join(OUT, "README.md"), "w").write("\n".join(lines))
    print(f"wrote {os.path.relpath(os.path.join(OUT, 'README.md'), ROOT)} and its plots")


if __name__ == "__main__":
    sys.exit(main())
