#!/usr/bin/env python3
"""`ipcbench plot DIR`: bad input refused with one line and exit 2 (whether or
not gnuplot is there); then, with gnuplot, every chart of a small pipe run
drawn as a real PNG and an SVG that parses, names with quotes and commas in
summary.csv read right, and charts of an earlier plot cleared away.
Exits 77 (meson's skip) when gnuplot is not installed."""
import csv
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, failures, finish, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def refused(r, what, line_start="ipcbench: "):
    lines = r.stderr.splitlines()
    check(r.returncode == 2, "%s: exit 2 (got %d: %s)" % (what, r.returncode, r.stderr))
    check(len(lines) == 1 and lines[0].startswith(line_start),
          "%s: one line on stderr starting %r (got %r)" % (what, line_start, r.stderr))
    check(r.stdout == "", "%s: nothing on stdout (got %r)" % (what, r.stdout))


def summary_header(path):
    with open(path, newline="") as f:
        return next(csv.reader(f))


work = tempfile.mkdtemp(prefix="e2e-plot-")
try:
    # --- bad input, checked before gnuplot is looked for
    refused(run("plot", os.path.join(work, "missing")), "a missing directory")
    empty = os.path.join(work, "empty")
    os.mkdir(empty)
    refused(run("plot", empty), "an empty directory")

    out = os.path.join(work, "run")
    r = run("-q", "-t", "pipe", "-s", "64,4k", "-n", "500", "-o", out)
    check(r.returncode == 0, "the pipe run exits 0 (%s)" % r.stderr)
    header = summary_header(os.path.join(out, "summary.csv"))

    # no ok rows: only a skipped one, its reason quoted with a comma and quotes
    skipped = os.path.join(work, "skipped")
    os.mkdir(skipped)
    with open(os.path.join(skipped, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerow(["pipe", "pingpong", "64"] + [""] * (len(header) - 4) +
                   ['skipped: too big, "really"'])
    r = run("plot", skipped)
    refused(r, "no ok rows")
    check("no rows with status ok" in r.stderr, "no ok rows: says so (%r)" % r.stderr)

    # no gnuplot on PATH: the line the README points to
    nothing = os.path.join(work, "empty-path")
    os.mkdir(nothing)
    r = run("plot", out, env={"PATH": nothing})
    refused(r, "no gnuplot on PATH", "ipcbench: gnuplot not found on PATH; install it "
            "(Debian: apt-get install gnuplot-nox)")

    if shutil.which("gnuplot") is None:
        if failures:
            sys.exit(1)
        print("SKIP: gnuplot is not installed (Debian: apt-get install gnuplot-nox); "
              "charts not checked")
        sys.exit(77)

    # --- the charts of the run
    plots = os.path.join(out, "plots")
    os.makedirs(plots)
    stale = os.path.join(plots, "bars-999.png")
    open(stale, "wb").close()
    r = run("plot", out)
    check(r.returncode == 0, "plot exits 0 (%d: %s)" % (r.returncode, r.stderr))
    check(not os.path.exists(stale), "a chart of an earlier plot is removed")
    charts = ["latency_by_size", "throughput_by_size", "percentiles-64", "percentiles-4096",
              "bars-64", "bars-4096"]
    listed = set(r.stdout.split())
    for name in charts:
        png, svg = (os.path.join(plots, name + ext) for ext in (".png", ".svg"))
        check(png in listed and svg in listed, "%s listed on stdout" % name)
        try:
            with open(png, "rb") as f:
                check(f.read(8) == PNG_SIGNATURE, "%s is a PNG" % png)
        except OSError as e:
            check(False, "%s: %s" % (png, e))
        try:
            root = ET.parse(svg).getroot()
            check(root.tag in ("svg", "{http://www.w3.org/2000/svg}svg"),
                  "%s has an <svg> root (got %s)" % (svg, root.tag))
        except (OSError, ET.ParseError) as e:
            check(False, "%s parses as XML: %s" % (svg, e))
    r = run("plot", "-q", out)
    check(r.returncode == 0 and r.stdout == "", "plot -q draws quietly (%r)" % r.stdout)

    # --- a transport whose name needs CSV quoting: read whole, drawn in the legend
    odd = 'odd "name", too'
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    stream = next(x for x in rows if x["pattern"] == "stream")
    with open(os.path.join(out, "summary.csv"), "a", newline="") as f:
        csv.DictWriter(f, fieldnames=header).writerow(dict(stream, transport=odd))
    r = run("plot", "-q", out)
    check(r.returncode == 0, "plot with a quoted transport name exits 0 (%s)" % r.stderr)
    try:
        svg = ET.parse(os.path.join(plots, "throughput_by_size.svg")).getroot()
        text = " ".join(t for t in svg.itertext())
        check(odd in text and "pipe" in text,
              "both transports named in the throughput legend")
    except (OSError, ET.ParseError) as e:
        check(False, "throughput_by_size.svg: %s" % e)
finally:
    shutil.rmtree(work, ignore_errors=True)

finish("plot")
