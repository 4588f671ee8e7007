#!/usr/bin/env python3
"""`ipcbench report DIR`: bad input refused with one line and exit 2; the page
of a small run (pipe, shm and sysv-mq at 64 B and 1 MiB, 2000 messages: a
skipped cell and thin percentile tails) holds no script and nothing from
outside itself, escapes what it read, has one inline SVG per chart with ids
that do not clash, and says when a run is incomplete or gnuplot is missing.
Then headless Chromium opens it: a screenshot that is not blank, a DOM whose
text names every transport, the skipped reason and the sample warning, no
console message, and a PDF when printed.
Exits 77 (meson's skip) when chromium is not installed."""
import csv
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, failures, finish, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
TRANSPORTS = ["pipe", "shm", "sysv-mq"]
SKIP_REASON = "1M exceeds sysv-mq's limit"
EVIL = '<script>alert("x")</script> & \'odd\''


def refused(r, what):
    lines = r.stderr.splitlines()
    check(r.returncode == 2, "%s: exit 2 (got %d: %s)" % (what, r.returncode, r.stderr))
    check(len(lines) == 1 and lines[0].startswith("ipcbench: "),
          "%s: one line on stderr (got %r)" % (what, r.stderr))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Page(html.parser.HTMLParser):
    """What a page is made of: its tags, their attributes, its text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.ids = [], [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
            if name == "id":
                self.ids.append(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def words(self):
        return " ".join(" ".join(self.text).split())


def self_contained(text, what):
    """Nothing in the page runs, and nothing comes from outside it."""
    page = Page(text)
    for tag in ("script", "link", "iframe", "object", "embed", "img", "foreignobject"):
        check(tag not in page.tags, "%s: no <%s>" % (what, tag))
    check(page.tags.count("style") == 1, "%s: one <style> element, the page's own" % what)
    for tag, name, value in page.attrs:
        if name in ("src", "href", "xlink:href", "action", "srcset"):
            check(value.startswith("#"), "%s: <%s %s=%r> points inside the page" %
                  (what, tag, name, value))
        check(not name.startswith("on"), "%s: no event handler (<%s %s>)" % (what, tag, name))
        if "url(" in value:
            check("url(#" in value and "url(http" not in value,
                  "%s: url() only to the page's own ids (%r)" % (what, value))
    check("@import" not in text, "%s: no @import" % what)
    check(len(page.ids) == len(set(page.ids)), "%s: every id once (%d repeated)" %
          (what, len(page.ids) - len(set(page.ids))))
    return page


def png_colours(path):
    """The number of distinct pixel values of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return 0
    pos, idat = 8, b""
    width = height = bpp = 0
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4}.get(colour, 0) if depth == 8 else 0
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    if not bpp:
        return 0
    raw, stride = zlib.decompress(idat), width * bpp
    prev, seen = bytearray(stride), set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        seen.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp * 7))
        prev = line
    return len(seen)


def chromium(*args):
    """Headless Chromium on a fresh profile, offline; its CompletedProcess."""
    profile = tempfile.mkdtemp(prefix="e2e-report-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr",
             "--v=0", *args], capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_lines(stderr):
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


work = tempfile.mkdtemp(prefix="e2e-report-")
try:
    # --- bad input: nothing written
    empty = os.path.join(work, "empty")
    os.mkdir(empty)
    for what, dirs in (("a missing directory", [os.path.join(work, "missing")]),
                       ("a directory with neither file", [empty]), ("no directory", []),
                       ("two directories", [empty, empty]),
                       ("a file", [os.path.abspath(__file__)])):
        refused(run("report", *dirs), what)
    check(os.listdir(empty) == [], "nothing written into a directory that holds no run")

    # --- the run and its page
    out = os.path.join(work, "run")
    r = run("-t", ",".join(TRANSPORTS), "-s", "64,1M", "-n", "2000", "-q", "-o", out)
    check(r.returncode == 0, "the run exits 0 (%d: %s)" % (r.returncode, r.stderr))
    page_path = os.path.join(out, "report.html")
    r = run("report", out)
    check(r.returncode == 0, "report exits 0 (%d: %s)" % (r.returncode, r.stderr))
    check(r.stdout.strip() == page_path, "report prints the page's path (%r)" % r.stdout)
    text = read(page_path)
    page = self_contained(text, "the run's page")
    words = page.words()
    for t in TRANSPORTS:
        check(t in words, "the page names %s" % t)
    check(SKIP_REASON in words, "the page gives the skipped reason")
    check("fewer than 10 samples" in words and "p99.99" in words,
          "the page warns of p99.99 from 2000 messages")
    check("Incomplete run" not in words, "a whole run is not called incomplete")
    check("AMD" in words or "Intel" in words or "CPU" in words, "the page shows the CPU")
    with open(os.path.join(out, "meta.json")) as f:
        meta = json.load(f)
    check(meta["command_line"] in words, "the page shows the command line")
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check(text.count("<tr class=") == len(rows), "one table row per summary.csv row (%d, %d)" %
          (text.count("<tr class="), len(rows)))

    have_gnuplot = shutil.which("gnuplot") is not None
    if have_gnuplot:
        svgs = [n for n in os.listdir(os.path.join(out, "plots")) if n.endswith(".svg")]
        # the charts this directory has, as `ipcbench plot` names what it draws
        drawn = [os.path.basename(x) for x in run("plot", out).stdout.splitlines()
                 if x.endswith(".svg")]
        check(drawn and sorted(svgs) == sorted(drawn),
              "plot drew the charts (%s; plot draws %s)" % (sorted(svgs), sorted(drawn)))
        check(page.tags.count("svg") == len(svgs), "one inline <svg> per chart (%d of %d)" %
              (page.tags.count("svg"), len(svgs)))
        check("gnuplot_canvas" not in page.ids and "chart1-gnuplot_canvas" in page.ids,
              "gnuplot's ids carry the chart's prefix")
        check("<?xml" not in text and "<!DOCTYPE svg" not in text, "no XML prolog or doctype")
    else:
        print("gnuplot is not installed: the charts are not checked")

    # -o FILE, and the page without gnuplot on PATH
    nothing = os.path.join(work, "empty-path")
    os.mkdir(nothing)
    other = os.path.join(work, "no-charts.html")
    r = run("report", "-o", other, out, env={"PATH": nothing})
    check(r.returncode == 0, "report without gnuplot exits 0 (%d: %s)" % (r.returncode, r.stderr))
    check("gnuplot not found" in r.stderr, "it says on stderr that there are no charts (%r)"
          % r.stderr)
    if check(os.path.exists(other), "-o FILE writes FILE"):
        no_charts = self_contained(read(other), "the page without gnuplot")
        check("svg" not in no_charts.tags and "No charts: gnuplot not found" in no_charts.words(),
              "a one-line note stands for the charts")
    r = run("report", "-o", os.path.join(work, "no", "such", "dir.html"), out)
    check(r.returncode == 1 and len(r.stderr.splitlines()) == 1,
          "a page that cannot be written: exit 1, one line (%d: %r)" % (r.returncode, r.stderr))

    # --- what the page read is escaped
    odd = os.path.join(work, "odd")
    os.mkdir(odd)
    rows[0]["transport"] = EVIL
    rows[-1]["status"] = 'failed: <img src=x onerror="alert(1)"> & more'
    with open(os.path.join(odd, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    meta["command_line"] = "ipcbench -t '<b>x</b>' & more"
    with open(os.path.join(odd, "meta.json"), "w") as f:
        json.dump(meta, f)
    r = run("report", "-q", odd)
    check(r.returncode == 0, "report of odd names exits 0 (%d: %s)" % (r.returncode, r.stderr))
    odd_page = self_contained(read(os.path.join(odd, "report.html")), "the page of odd names")
    odd_words = odd_page.words()
    check(" ".join(EVIL.split()) in odd_words and '<img src=x onerror="alert(1)"> & more'
          in odd_words, "the transport and the reason shown as written")
    check(meta["command_line"] in odd_words, "the command line shown as written")

    # --- incomplete runs
    os.remove(os.path.join(odd, "meta.json"))
    r = run("report", "-q", odd)
    check(r.returncode == 0 and "incomplete run" in r.stderr,
          "no meta.json: exit 0, said on stderr (%d: %r)" % (r.returncode, r.stderr))
    check("Incomplete run" in Page(read(os.path.join(odd, "report.html"))).words(),
          "no meta.json: the page says incomplete run")
    only_meta = os.path.join(work, "only-meta")
    os.mkdir(only_meta)
    shutil.copy(os.path.join(out, "meta.json"), only_meta)
    r = run("report", "-q", only_meta)
    refused(r, "no summary.csv")
    if check(os.path.exists(os.path.join(only_meta, "report.html")),
             "no summary.csv: the page is written all the same"):
        check("Incomplete run" in Page(read(os.path.join(only_meta, "report.html"))).words(),
              "no summary.csv: the page says incomplete run")
    cut = os.path.join(work, "cut")
    os.mkdir(cut)
    shutil.copy(os.path.join(out, "meta.json"), cut)
    summary = read(os.path.join(out, "summary.csv"))
    with open(os.path.join(cut, "summary.csv"), "w") as f:
        f.write(summary[:summary.index("\n", summary.index("\n") + 1) + 20])
    r = run("report", "-q", cut)
    check(r.returncode == 0, "a summary.csv cut short: exit 0 (%d: %s)" % (r.returncode, r.stderr))
    cut_words = Page(read(os.path.join(cut, "report.html"))).words()
    check("Incomplete run" in cut_words and "breaks off" in cut_words,
          "a summary.csv cut short: the page says incomplete run")

    # --- in a browser
    CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
    if CHROMIUM is None:
        if failures:
            finish("report")
        print("SKIP: chromium is not installed (Debian: apt-get install --no-install-recommends "
              "chromium); the page was not opened in a browser")
        sys.exit(77)
    url = "file://" + page_path
    shot = os.path.join(work, "report.png")
    r = chromium("--screenshot=" + shot, "--window-size=1200,2400", url)
    if check(os.path.exists(shot), "chromium took a screenshot (%d: %s)" %
             (r.returncode, r.stderr[-500:])):
        colours = png_colours(shot)
        check(colours >= 16, "the screenshot is not blank (%d colours)" % colours)
    check(console_lines(r.stderr) == [], "no console message (%r)" % console_lines(r.stderr))
    r = chromium("--dump-dom", url)
    check(r.returncode == 0, "chromium dumps the DOM (%d)" % r.returncode)
    dom = Page(r.stdout)
    dom_words = dom.words()
    for t in TRANSPORTS:
        check(t in dom_words, "the browser's page names %s" % t)
    check(SKIP_REASON in dom_words, "the browser's page gives the skipped reason")
    check("fewer than 10 samples" in dom_words, "the browser's page warns of few samples")
    check("script" not in dom.tags, "no script in the browser's DOM")
    if have_gnuplot:
        check(dom.tags.count("svg") == page.tags.count("svg"),
              "the browser reads every inline chart (%d)" % dom.tags.count("svg"))
    check(console_lines(r.stderr) == [], "no console message (%r)" % console_lines(r.stderr))
    pdf = os.path.join(work, "report.pdf")
    r = chromium("--print-to-pdf=" + pdf, "--no-pdf-header-footer", url)
    check(os.path.exists(pdf) and open(pdf, "rb").read(5) == b"%PDF-",
          "the page prints to PDF (%d)" % r.returncode)
    r = chromium("--dump-dom", "file://" + os.path.join(odd, "report.html"))
    check("script" not in Page(r.stdout).tags and " ".join(EVIL.split()) in Page(r.stdout).words(),
          "odd names stay text in the browser")
finally:
    shutil.rmtree(work, ignore_errors=True)

finish("report")
