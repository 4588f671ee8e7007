#!/usr/bin/env python3
"""The verdict end to end: a small run prints it after its table (on stderr
when --csv - takes stdout, never in the data), `ipcbench verdict DIR` prints
a line per pattern and size naming the skipped row it left out, --markdown
writes a table that parses (the header's cells on every line, a line per
row) with the machine line; bad input is one line and exit 2. The default
transport list leaves out a transport that carries none of the sizes, -t
all keeps it. `ipcbench plot` draws latency_vs_cpu for every pattern and
size that has rows. The report opens, in headless Chromium at 1280x800,
with the verdict's text and the latency-against-CPU chart on its first
screen (measured in the browser by a probe added to a copy of the page).
Nothing of the runs is left behind."""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, run  # noqa: E402

census.ensure_mqueue()
before = census.take()


def refused(r, what):
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("ipcbench: "),
          "%s: one line and exit 2 (%d: %r)" % (what, r.returncode, r.stderr))


def md_cells(line):
    """the cells of a Markdown table line, split at | not escaped"""
    return len(re.findall(r"(?<!\\)\|", line.strip())) - 1


def summary(d):
    with open(os.path.join(d, "summary.csv"), newline="") as f:
        return list(csv.DictReader(f))


work = tempfile.mkdtemp(prefix="e2e-verdict-")
try:
    out = os.path.join(work, "run")
    md = os.path.join(work, "results.md")
    r = run("-t", "pipe,shm,sysv-mq", "-p", "pingpong,stream", "-s", "64,16k", "-n", "2000",
            "-o", out, "--markdown", md)
    check(r.returncode == 0, "the run exits 0 (%d: %s)" % (r.returncode, r.stderr))
    table_end = r.stdout.find("\nVerdict:")
    check(table_end > 0 and r.stdout.startswith("transport"),
          "the verdict follows the table on stdout")
    verdict = r.stdout[table_end:]
    for subject in ("64 B request/response (pingpong)", "16 KiB request/response (pingpong)",
                    "64 B stream", "16 KiB stream"):
        check("- " + subject + ":" in verdict, "a line for %s" % subject)
    check("sysv-mq (skipped: 16k exceeds sysv-mq's limit" in " ".join(verdict.split()),
          "the skipped row is named as left out")
    check("add --repeat 5" in " ".join(verdict.split()), "without repeats it says --repeat")

    r2 = run("verdict", out)
    check(r2.returncode == 0 and r2.stdout.strip() == verdict.strip(),
          "verdict DIR prints what the run printed (%d: %s)" % (r2.returncode, r2.stderr))

    rows = summary(out)
    with open(md) as f:
        text = f.read()
    lines = [x for x in text.splitlines() if x.startswith("|")]
    check(len(lines) == len(rows) + 2, "the Markdown table: header, rule and a line per row "
          "(%d lines, %d rows)" % (len(lines), len(rows)))
    check(lines and all(md_cells(x) == md_cells(lines[0]) for x in lines),
          "every Markdown line has the header's cells")
    check(re.match(r"^\|(-+|-+:)(\|(-+|-+:))+\|$", lines[1]) is not None if len(lines) > 1
          else False, "the second line is the rule")
    check("**Machine:**" in text and "### Verdict" in text, "the machine line and the verdict")
    r3 = run("verdict", out, "--markdown", "-")
    check(r3.returncode == 0 and r3.stdout == text, "verdict --markdown - prints the same")

    # the data streams hold no verdict
    r4 = run("-t", "pipe", "-p", "pingpong", "-s", "64", "-n", "500", "-o",
             os.path.join(work, "csv"), "--csv", "-")
    data = list(csv.reader(io.StringIO(r4.stdout)))
    check(r4.returncode == 0 and len(data) == 2 and "Verdict:" in r4.stderr,
          "with --csv - the CSV alone is on stdout, the verdict on stderr")

    refused(run("-t", "pipe", "-s", "64", "--csv", "-", "--markdown", "-"),
            "--csv - and --markdown - both on stdout")
    r7 = run("-t", "pipe", "-p", "pingpong", "-s", "64", "-n", "500", "-o",
             os.path.join(work, "md"), "--markdown", "-")
    check(r7.returncode == 0 and r7.stdout.startswith("## ipcbench results") and
          any(x.startswith("transport") for x in r7.stderr.splitlines()),
          "--markdown - alone on stdout, the table on stderr (%r)" % r7.stdout[:80])
    refused(run("verdict", os.path.join(work, "missing")), "verdict of a missing directory")
    refused(run("verdict"), "verdict without a directory")
    refused(run("verdict", out, "--margin", "lots"), "a bad --margin")
    refused(run("verdict", out, "-n", "5"), "an option verdict does not take")

    # the default list: signal carries none of 64 B and up, so it is left out
    d = os.path.join(work, "default")
    r5 = run("-p", "pingpong", "-s", "64", "-n", "200", "-q", "-o", d)
    names = {x["transport"] for x in summary(d)}
    check(r5.returncode == 0 and "signal" not in names and "pipe" in names,
          "the default list leaves signal out at 64 B (%s)" % sorted(names))
    d = os.path.join(work, "all")
    r6 = run("-t", "all", "-p", "pingpong", "-s", "64", "-n", "200", "-q", "-o", d)
    sig = [x for x in summary(d) if x["transport"] == "signal"]
    check(r6.returncode == 0 and sig and sig[0]["status"].startswith("skipped"),
          "-t all keeps signal, as a skipped row")

    have_gnuplot = shutil.which("gnuplot") is not None
    if have_gnuplot:
        r = run("plot", out)
        check(r.returncode == 0, "plot exits 0 (%s)" % r.stderr)
        for pattern in sorted({x["pattern"] for x in rows if x["status"] == "ok"}):
            for size in sorted({x["size_bytes"] for x in rows if x["status"] == "ok"}):
                base = os.path.join(out, "plots", "latency_vs_cpu-%s-%s" % (pattern, size))
                for ext in (".png", ".svg"):
                    check(os.path.getsize(base + ext) > 1000 if os.path.exists(base + ext)
                          else False, "%s%s drawn" % (base, ext))
                dat = os.path.join(out, "plots", "data", "latency_vs_cpu-%s-%s.dat" %
                                   (pattern, size))
                n_ok = len([x for x in rows if x["pattern"] == pattern and x["status"] == "ok"
                            and x["size_bytes"] == size])
                if check(os.path.exists(dat), "%s written" % dat):
                    check(len(open(dat).read().splitlines()) == n_ok,
                          "a point per ok row in %s" % dat)
    else:
        print("gnuplot is not installed: the charts are not checked")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium and have_gnuplot:
        r = run("report", "-q", out)
        check(r.returncode == 0, "report exits 0 (%s)" % r.stderr)
        page = open(os.path.join(out, "report.html")).read()
        probe = ("<script>window.addEventListener('load',function(){"
                 "function top(id){var e=document.getElementById(id);"
                 "return e?Math.round(e.getBoundingClientRect().top):-1}"
                 "var c=document.querySelector('.answer figure');"
                 "var p=document.createElement('pre');p.id='probe';"
                 "p.textContent='verdict='+top('verdict-text')+' chart='+"
                 "(c?Math.round(c.getBoundingClientRect().top):-1)+' results='+top('results')"
                 "+' height='+window.innerHeight;document.body.appendChild(p)})</script>")
        probed = os.path.join(out, "probed.html")
        with open(probed, "w") as f:
            f.write(page.replace("</body>", probe + "</body>"))
        profile = tempfile.mkdtemp(prefix="e2e-verdict-chromium-", dir=work)
        c = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", "--user-data-dir=" + profile,
                            "--window-size=1280,800", "--virtual-time-budget=3000",
                            "--dump-dom", "file://" + probed],
                           capture_output=True, text=True, timeout=180)
        m = re.search(r"verdict=(-?\d+) chart=(-?\d+) results=(-?\d+) height=(\d+)", c.stdout)
        if check(m is not None, "the probe ran in the browser (%r)" % c.stderr[-300:]):
            v, ch, res, h = (int(x) for x in m.groups())
            check(0 <= v < h, "the verdict starts on the first screen (%d of %d)" % (v, h))
            check(0 <= ch < h, "the latency-against-CPU chart starts on the first screen "
                  "(%d of %d)" % (ch, h))
            check(res > v, "the table comes after the verdict (%d, %d)" % (res, v))
        words = " ".join(re.sub(r"<[^>]+>", " ", c.stdout).split())
        check("64 B request/response (pingpong)" in words and
              ("are tied at" in words or "is the fastest at" in words),
              "the browser's page holds the verdict's text")
    else:
        print("chromium or gnuplot is not installed: the report's first screen is not checked")
finally:
    shutil.rmtree(work, ignore_errors=True)

left = census.diff(before, census.take())
check(not left, "nothing of the runs is left behind (%s)" % left)
finish("verdict")
