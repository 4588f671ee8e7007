#!/usr/bin/env python3
"""`ipcbench compare A B [C ...]`: a real run against itself is the same in
every cell; directories written here with known figures give the verdicts
the rules say (threshold, confidence intervals, msgs/s for stream), list a
cell found in one directory only, show a skipped row by its status and name
the environment field that differs; --fail-on-regression sets the exit
status; bad input is one line and exit 2; the chart is drawn when gnuplot is
there and skipped with one line when it is not."""
import copy
import csv
import io
import json
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
CI_COLUMNS = ["p50_ns_ci_low", "p50_ns_ci_high", "msgs_per_s_ci_low", "msgs_per_s_ci_high"]


def compare_csv(*args):
    """compare with --csv -: the exit status, the rows by (transport, pattern,
    size, dir), and what went to stderr (the table)"""
    r = run("compare", "--csv", "-", *args)
    rows = {(x["transport"], x["pattern"], x["size_bytes"], x["dir"]): x
            for x in csv.DictReader(io.StringIO(r.stdout))}
    return r.returncode, rows, r.stderr


def bad_input(what, *args):
    r = run(*args)
    said = r.stderr.splitlines()
    check(r.returncode == 2 and r.stdout == "" and len(said) == 1 and
          said[0].startswith("ipcbench: "),
          "%s: one line and exit 2 (got %d, stdout %r, stderr %r)" %
          (what, r.returncode, r.stdout, r.stderr))
    return said[0] if said else ""


def write_results(path, header, template, rows, meta):
    """a results directory: summary.csv with header, each row the template
    with its own fields, and meta.json"""
    os.makedirs(path)
    with open(os.path.join(path, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        for fields in rows:
            w.writerow(dict(template, **fields))
    with open(os.path.join(path, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)


def latency_row(transport, p50, pattern="pingpong", **more):
    return dict(transport=transport, pattern=pattern, p50_ns=str(p50),
                p99_ns=str(p50 * 2), **more)


work = tempfile.mkdtemp(prefix="e2e-compare-")
try:
    # --- (1) a real run against itself
    real = os.path.join(work, "real")
    r = run("-t", "pipe,shm", "-s", "64", "-n", "2000", "-q", "-o", real)
    check(r.returncode == 0, "the real run exits 0 (%s)" % r.stderr)
    status, rows, table = compare_csv(real, real)
    check(status == 0, "a run against itself exits 0 (%d: %s)" % (status, table))
    # both directories have one path: the second's row of each cell is kept
    check(len(rows) == 4, "two transports, two patterns: 4 cells (got %d rows)" % len(rows))
    check(all(x["verdict"] == "same" and x["rule"] == "threshold" for x in rows.values()),
          "against itself every verdict is same by the threshold (%r)" % rows)
    r = run("compare", "--fail-on-regression", real, real)
    check(r.returncode == 0, "against itself with --fail-on-regression: 0 (%d)" % r.returncode)
    check("0 worse, 0 better, 4 the same;" in r.stdout, "the count of verdicts (%s)" % r.stdout)

    with open(os.path.join(real, "summary.csv"), newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        template = next(reader)
    with open(os.path.join(real, "meta.json")) as f:
        meta = json.load(f)

    # --- (2) known figures: A the reference, B against it
    a, b = os.path.join(work, "A"), os.path.join(work, "B")
    write_results(a, header, template, [
        latency_row("pipe", 10000),
        latency_row("unix", 10000),
        latency_row("tcp", 10000),
        latency_row("posix-mq", 10000),
        latency_row("fifo", 10000),
        latency_row("udp", 10000),
        latency_row("pipe", 200000, pattern="stream", msgs_per_s="1000000.0"),
    ], meta)
    meta_b = copy.deepcopy(meta)
    meta_b["kernel"] = "Linux 9.9.9-compare-test x86_64"
    write_results(b, header, template, [
        latency_row("pipe", 12000),                     # 20 % slower
        latency_row("unix", 8000),                      # 20 % faster
        latency_row("tcp", 10200),                      # 2 % slower
        latency_row("posix-mq", 9800),                  # 2 % faster
        {"transport": "udp", "pattern": "pingpong", "status": "skipped: not today, \"really\""},
        # stream by its rate: 20 % more messages/s though its p50 doubled
        latency_row("pipe", 400000, pattern="stream", msgs_per_s="1200000.0"),
    ], meta_b)
    status, rows, table = compare_csv(a, b)
    check(status == 0, "without --fail-on-regression: 0 (%d: %s)" % (status, table))

    def verdict(rows, transport, directory, pattern="pingpong"):
        row = rows.get((transport, pattern, "64", directory), {})
        return row.get("verdict"), row.get("rule"), row.get("status")

    check(verdict(rows, "pipe", b) == ("worse", "threshold", "ok"),
          "20 %% slower is worse (%r)" % (verdict(rows, "pipe", b),))
    check(verdict(rows, "unix", b) == ("better", "threshold", "ok"),
          "20 %% faster is better (%r)" % (verdict(rows, "unix", b),))
    check(verdict(rows, "tcp", b)[0] == "same" and verdict(rows, "posix-mq", b)[0] == "same",
          "2 %% either way is the same at 5 %% (%r, %r)" %
          (verdict(rows, "tcp", b), verdict(rows, "posix-mq", b)))
    check(verdict(rows, "fifo", a) == ("", "", "ok") and
          verdict(rows, "fifo", b) == ("", "", "missing"),
          "a cell only in A: missing in B, no verdict (%r)" % (verdict(rows, "fifo", b),))
    check(verdict(rows, "udp", b) == ("", "", 'skipped: not today, "really"'),
          "a skipped row keeps its status and has no verdict (%r)" %
          (verdict(rows, "udp", b),))
    check(verdict(rows, "pipe", b, "stream") == ("better", "threshold", "ok"),
          "stream is judged by msgs/s (%r)" % (verdict(rows, "pipe", b, "stream"),))
    pipe_b = rows.get(("pipe", "pingpong", "64", b), {})
    check(pipe_b.get("p50_ratio") == "1.2000" and pipe_b.get("p99_ratio") == "1.2000" and
          pipe_b.get("p50_ns") == "12000",
          "figures and ratios against A (%r)" % pipe_b)
    check("not in this directory" in table and "skipped: not today" in table,
          "the table lists the missing cell and the skipped row:\n%s" % table)
    env = table.split("transport ")[0]
    check("kernel" in env and "Linux 9.9.9-compare-test x86_64" in env and
          meta["kernel"] in env, "the kernel that differs is listed with both values:\n%s" % env)
    check("cacheline_rtt_ns" in env and "xcpu_copy_64k_gib_s" in env,
          "the hardware floor side by side:\n%s" % env)

    r = run("compare", "--fail-on-regression", a, b)
    check(r.returncode == 1, "a worse cell with --fail-on-regression: 1 (%d)" % r.returncode)
    check("worse   p50 +20.0%, beyond 5%" in r.stdout,
          "the table says which rule decided:\n%s" % r.stdout)

    status, rows, table = compare_csv("--threshold", "1", a, b)
    check(verdict(rows, "tcp", b)[0] == "worse" and verdict(rows, "posix-mq", b)[0] == "better",
          "at 1 %% a 2 %% change counts (%r, %r)" %
          (verdict(rows, "tcp", b), verdict(rows, "posix-mq", b)))

    # three directories: each against the first
    status, rows, table = compare_csv(a, b, a)
    check(verdict(rows, "pipe", a) == ("same", "threshold", "ok") and
          verdict(rows, "pipe", b)[0] == "worse",
          "C against A, not against B (%r)" % (rows.get(("pipe", "pingpong", "64", a)),))

    # --- confidence intervals, when the rows carry them, decide instead
    ci_header = header + [c for c in CI_COLUMNS if c not in header]
    ca, cb = os.path.join(work, "CA"), os.path.join(work, "CB")
    empty_ci = {c: "" for c in CI_COLUMNS}
    write_results(ca, ci_header, dict(template, **empty_ci), [
        latency_row("pipe", 10000, p50_ns_ci_low="9000", p50_ns_ci_high="11500"),
        latency_row("unix", 10000, p50_ns_ci_low="9900", p50_ns_ci_high="10100"),
        latency_row("tcp", 10000),
    ], meta)
    write_results(cb, ci_header, dict(template, **empty_ci), [
        # 20 % slower, but the intervals overlap
        latency_row("pipe", 12000, p50_ns_ci_low="11000", p50_ns_ci_high="13500"),
        # 3 % slower, within the threshold, but the intervals are apart
        latency_row("unix", 10300, p50_ns_ci_low="10250", p50_ns_ci_high="10350"),
        # no interval on either side: the threshold
        latency_row("tcp", 12000),
    ], meta)
    status, rows, table = compare_csv("--fail-on-regression", ca, cb)
    check(verdict(rows, "pipe", cb) == ("same", "intervals", "ok"),
          "overlapping intervals: same, by the intervals (%r)" % (verdict(rows, "pipe", cb),))
    check(verdict(rows, "unix", cb) == ("worse", "intervals", "ok"),
          "intervals apart: worse, by the intervals (%r)" % (verdict(rows, "unix", cb),))
    check(verdict(rows, "tcp", cb) == ("worse", "threshold", "ok"),
          "without intervals: the threshold (%r)" % (verdict(rows, "tcp", cb),))
    check("p50 +20.0%, intervals overlap" in table, "the table names the rule:\n%s" % table)
    check(status == 1, "worse by intervals fails the gate (%d)" % status)

    # --- (3) bad input: one line, exit 2
    empty = os.path.join(work, "empty")
    os.mkdir(empty)
    bad_input("one directory", "compare", a)
    bad_input("no directory", "compare")
    line = bad_input("a missing directory", "compare", a, os.path.join(work, "nowhere"))
    check("nowhere" in line, "the missing directory is named (%s)" % line)
    line = bad_input("no summary.csv", "compare", a, empty)
    check("no summary.csv" in line, "no summary.csv is said (%s)" % line)
    bad_input("a file for a directory", "compare", a, os.path.join(a, "meta.json"))
    line = bad_input("a negative threshold", "compare", "--threshold", "-3", a, b)
    check("--threshold '-3'" in line, "the threshold is named (%s)" % line)
    bad_input("a threshold that is no number", "compare", "--threshold", "abc", a, b)
    bad_input("an empty threshold", "compare", "--threshold", "", a, b)
    bad_input("an unknown option", "compare", "--bogus", a, b)
    bad_input("--threshold for a run", "-t", "pipe", "--threshold", "5")
    bad_input("--fail-on-regression for plot", "plot", "--fail-on-regression", a)
    bad_input("a CSV that cannot be written", "compare", "--csv",
              os.path.join(work, "nowhere", "x.csv"), a, b)
    with open(os.path.join(empty, "summary.csv"), "w") as f:
        f.write("transport,pattern\npipe,pingpong\n")
    line = bad_input("a summary.csv without its columns", "compare", a, empty)
    check("size_bytes" in line, "the missing column is named (%s)" % line)

    # --- (4) the chart
    chart = os.path.join(work, "chart")
    if shutil.which("gnuplot"):
        r = run("compare", a, b)
        for ext in (".png", ".svg"):
            check(os.path.getsize(os.path.join(a, "plots", "compare" + ext)) > 0,
                  "compare%s in A/plots by default" % ext)
        r = run("compare", "-o", chart, a, b, a)
        check(r.returncode == 0 and "chart: %s/compare.png" % chart in r.stdout,
              "-o DIR: the chart there, and said (%d: %s)" % (r.returncode, r.stderr))
        with open(os.path.join(chart, "compare.png"), "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "compare.png is a PNG")
        try:
            text = " ".join(ET.parse(os.path.join(chart, "compare.svg")).getroot().itertext())
            check("pipe pingpong 64" in text and "B: " + b in text,
                  "the SVG names the cells and the directories")
        except (OSError, ET.ParseError) as e:
            check(False, "compare.svg parses: %s" % e)
    else:
        print("SKIP: gnuplot is not installed; the chart files are not checked")
    nothing = os.path.join(work, "empty-path")
    os.mkdir(nothing)
    r = run("compare", "--fail-on-regression", a, b, env={"PATH": nothing})
    check(r.returncode == 1 and "worse" in r.stdout and
          r.stderr.startswith("ipcbench: gnuplot not found") and r.stderr.count("\n") == 1,
          "without gnuplot: the comparison, one line for the chart, the status kept "
          "(%d: %r)" % (r.returncode, r.stderr))
finally:
    shutil.rmtree(work, ignore_errors=True)

finish("compare")
