/* The verdict on results directories made for the test, with known ties
 * and known differences: the groups by the margin without repeats and by
 * the intervals with them, spinning rows apart, skipped and failed rows
 * never in a group and named as left out, the load where a rate row's p99
 * turns; and the Markdown rendering, which must parse as a table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_fixture.h"
#include "verdict/verdict.h"

#define HEADER "transport,pattern,size_bytes,messages,msgs_per_s,mib_per_s,p50_ns,p99_ns," \
               "max_ns,cpu_ns_per_msg,errors,procs,share_min,share_max,offered_per_s," \
               "p50_ns_ci_low,p50_ns_ci_high,msgs_per_s_ci_low,msgs_per_s_ci_high,status\n"

static const char meta[] = "{\"version\":\"0.1.0\",\"cpu_model\":\"Test CPU\",\"cores\":2,"
                           "\"kernel\":\"Linux 6.1\",\"date_utc\":\"2026-12-06T20:00:00Z\","
                           "\"command_line\":\"ipcbench -t pipe|x\"}";

/* the verdict of a summary text, its lines joined into one text */
static char *judge(const char *name, const char *summary, double margin, size_t *lines,
                   size_t *by_intervals)
{
    struct ipcb_verdicts v;
    char err[512];
    const char *dir = results_dir(name, summary, meta);
    int rc = ipcb_verdict_of_dir(dir, margin, &v, err, sizeof err);
    CHECK(rc == 0, "%s: judged (%s)", name, err);
    if (rc)
        return strdup("");
    struct ipcb_sbuf b = {0};
    for (size_t i = 0; i < v.n_lines; i++)
        ipcb_sbuf_printf(&b, "[%s] %s | %s\n", v.lines[i].subject, v.lines[i].text,
                         v.lines[i].left_out ? v.lines[i].left_out : "");
    *lines = v.n_lines;
    *by_intervals = v.by_intervals;
    ipcb_verdict_free(&v);
    return b.s ? b.s : strdup("");
}

/* the line of subject in text: from its [subject] to the newline */
static const char *line_of(const char *text, const char *subject, char *buf, size_t len)
{
    char key[128];
    snprintf(key, sizeof key, "[%s]", subject);
    const char *at = strstr(text, key);
    buf[0] = '\0';
    if (at)
        snprintf(buf, len, "%.*s", (int)strcspn(at, "\n"), at);
    return buf;
}

static void has(const char *line, const char *want, int yes)
{
    CHECK(!strstr(line, want) == !yes, "%s %s: %s", yes ? "says" : "does not say", want, line);
}

static const char by_margin[] = HEADER
    "pipe,pingpong,64,1000,2e5,12,5000,9000,1e5,6000,0,2,0,0,,,,,,ok\n"
    "posix-mq,pingpong,64,1000,1.9e5,12,5300,9000,1e5,6400,0,2,0,0,,,,,,ok\n"
    "tcp,pingpong,64,1000,1e5,6,9000,20000,1e5,14000,0,2,0,0,,,,,,ok\n"
    "shm/spin,pingpong,64,1000,7e6,400,130,300,1e4,340,0,2,0,0,,,,,,ok\n"
    "unix/spin,pingpong,64,1000,2e5,12,4000,9000,1e5,8000,0,2,0,0,,,,,,ok\n"
    "quick,pingpong,64,,,,,,,,,,,,,,,,,\"failed: consumer: message 7, wrong\"\n"
    "signal,pingpong,64,,,,100,,,,,,,,,,,,,skipped: 64 exceeds signal's limit (si_value)\n"
    "udp,pingpong,64,1000,3e5,18,90,9000,1e5,6000,12,2,0,0,,,,,,\"ok, 12 lost\"\n"
    "pipe,stream,4096,1000,3e5,1200,20000,90000,1e6,2000,0,2,0,0,,,,,,ok\n"
    "shm,stream,4096,1000,6.4e5,2500,2000,40000,1e6,1800,0,2,0,0,,,,,,ok\n"
    "mmap,stream,4096,1000,6.0e5,2300,1800,40000,1e6,2100,0,2,0,0,,,,,,ok\n";

static void without_repeats(void)
{
    size_t n = 0, by_int = 0;
    char *text = judge("margin", by_margin, 10, &n, &by_int);
    char line[2048];
    CHECK(n == 2, "one line per pattern and size (%zu)", n);
    CHECK(by_int == 0, "no judgement by intervals without them (%zu)", by_int);
    line_of(text, "64 B request/response (pingpong)", line, sizeof line);
    has(line, "Blocking: pipe and posix-mq are tied at 5.0-5.3 us", 1);
    has(line, "tcp takes 9.0 us", 1);
    has(line, "6.0-6.4 us CPU per round trip", 1);
    has(line, "Spinning: shm/spin is the fastest at 130 ns per round trip (p50) and keeps two "
              "CPUs busy, 340 ns CPU per round trip; unix/spin takes 4.0 us.", 1);
    const char *tie = strstr(line, "Left out:");
    CHECK(tie != NULL, "the rows left out are named: %s", line);
    size_t group_len = tie ? (size_t)(tie - line) : strlen(line);
    CHECK(!memmem(line, group_len, "quick", 5) && !memmem(line, group_len, "signal", 6) &&
          !memmem(line, group_len, "udp", 3), "no failed, skipped or lossy row in a group: %s",
          line);
    has(line, "quick (failed: consumer: message 7, wrong)", 1);
    has(line, "signal (skipped: 64 exceeds signal's limit)", 1);
    has(line, "udp (it lost or reordered 12 messages)", 1);
    line_of(text, "4 KiB stream", line, sizeof line);
    has(line, "Blocking: shm and mmap are tied at 600.0-640.0k messages/s", 1);
    has(line, "pipe carries 300.0k messages/s", 1);
    free(text);

    /* a margin of 5 %: 6 % apart is a difference */
    text = judge("margin5", by_margin, 5, &n, &by_int);
    line_of(text, "64 B request/response (pingpong)", line, sizeof line);
    has(line, "Blocking: pipe is the fastest at 5.0 us", 1);
    line_of(text, "4 KiB stream", line, sizeof line);
    has(line, "shm carries the most, 640.0k messages/s", 1);
    free(text);
}

/* pipe and posix-mq 12 % apart with overlapping intervals: tied; pipe and
 * tcp 6 % apart with intervals apart: a difference */
static const char by_intervals[] = HEADER
    "pipe,pingpong,64,5000,2e5,12,5000,9000,1e5,6000,0,2,0,0,,4900,5100,1.9e5,2.1e5,ok\n"
    "posix-mq,pingpong,64,5000,1.8e5,11,5600,9000,1e5,6400,0,2,0,0,,5050,5800,1.7e5,1.9e5,ok\n"
    "tcp,pingpong,64,5000,1.9e5,11,5300,9000,1e5,9000,0,2,0,0,,5200,5450,1.8e5,2.0e5,ok\n"
    "sysv-mq,pingpong,64,,,,,,,,,,,,,,,,,skipped: too big\n";

static void with_repeats(void)
{
    size_t n = 0, by_int = 0;
    char *text = judge("intervals", by_intervals, 10, &n, &by_int);
    char line[2048];
    CHECK(by_int == 2, "both judgements by intervals (%zu)", by_int);
    line_of(text, "64 B request/response (pingpong)", line, sizeof line);
    has(line, "Blocking: pipe and posix-mq are tied at 5.0-5.6 us", 1);
    has(line, "tcp takes 5.3 us", 1);
    has(line, "sysv-mq (skipped: too big)", 1);
    free(text);

    struct ipcb_verdicts v;
    char err[256];
    struct ipcb_sbuf m = {0};
    ipcb_verdict_of_dir(results_dir("intervals", by_intervals, meta), 10, &v, err, sizeof err);
    ipcb_verdict_method(&m, &v);
    CHECK(strstr(ipcb_sbuf_str(&m), "95 % intervals") != NULL, "the method says intervals: %s",
          ipcb_sbuf_str(&m));
    ipcb_verdict_free(&v);
    ipcb_sbuf_free(&m);
    ipcb_verdict_of_dir(results_dir("margin", by_margin, meta), 10, &v, err, sizeof err);
    ipcb_verdict_method(&m, &v);
    CHECK(strstr(ipcb_sbuf_str(&m), "within 10 %") && strstr(ipcb_sbuf_str(&m), "--repeat"),
          "without repeats the method says the margin and --repeat: %s", ipcb_sbuf_str(&m));
    ipcb_verdict_free(&v);
    ipcb_sbuf_free(&m);
}

/* pipe's p99 turns at 50k (more than twice its p99 at 10k), shm's never */
static const char loads[] = HEADER
    "pipe,rate-10000,64,1000,1e4,1,4000,10000,1e5,5000,0,2,0,0,10000,,,,,ok\n"
    "pipe,rate-50000,64,1000,5e4,3,9000,90000,1e6,5000,0,2,0,0,50000,,,,,ok\n"
    "pipe,rate-100000,64,1000,1e5,6,9000,900000,1e6,5000,0,2,0,0,100000,,,,,ok\n"
    "shm,rate-10000,64,1000,1e4,1,3000,8000,1e5,3000,0,2,0,0,10000,,,,,ok\n"
    "shm,rate-50000,64,1000,5e4,3,3000,9000,1e5,3000,0,2,0,0,50000,,,,,ok\n"
    "shm,rate-100000,64,1000,1e5,6,3000,12000,1e5,3000,0,2,0,0,100000,,,,,ok\n";

static void rate_knee(void)
{
    size_t n = 0, by_int = 0;
    char *text = judge("rate", loads, 10, &n, &by_int);
    char line[2048];
    CHECK(n == 1, "the rate rows make one subject (%zu)", n);
    line_of(text, "64 B open loop (rate)", line, sizeof line);
    has(line, "Blocking: shm holds their p99 within 2x of the lightest load's up to 100.0k "
              "messages/s offered", 0);
    has(line, "Blocking: shm holds", 1);
    has(line, "up to 100.0k messages/s offered", 1);
    has(line, "pipe holds it up to 10.0k messages/s", 1);
    free(text);
}

/* a Markdown table line's cells, split at | not escaped */
static size_t cells(const char *line)
{
    size_t n = 0;
    for (const char *c = line; *c && *c != '\n'; c++) {
        if (*c == '\\' && c[1]) {
            c++;
            continue;
        }
        n += *c == '|';
    }
    return n ? n - 1 : 0;
}

static void markdown(void)
{
    const char *dir = results_dir("markdown", by_margin, meta);
    char path[600], err[256];
    snprintf(path, sizeof path, "%s/results.md", dir);
    CHECK(ipcb_markdown_write(dir, path, 10, err, sizeof err) == 0, "Markdown written (%s)", err);
    FILE *f = fopen(path, "r");
    char line[4096];
    size_t table_lines = 0, header_cells = 0, bad = 0, verdict_items = 0;
    int machine = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '|') {
            size_t c = cells(line);
            if (table_lines++ == 0)
                header_cells = c;
            else if (c != header_cells)
                bad++;
        }
        machine |= strstr(line, "Test CPU (2 cores)") != NULL;
        verdict_items += strncmp(line, "- **", 4) == 0;
    }
    if (f)
        fclose(f);
    size_t rows = 11;
    CHECK(table_lines == rows + 2, "a header, a rule and one line per row (%zu)", table_lines);
    CHECK(header_cells >= 10 && bad == 0, "every line has the header's %zu cells (%zu do not)",
          header_cells, bad);
    CHECK(machine, "the machine line is there");
    CHECK(verdict_items == 2, "the verdict's lines are a list (%zu)", verdict_items);
    CHECK(ipcb_markdown_write("/nonexistent-dir", path, 10, err, sizeof err) != 0,
          "no results directory: an error");
}

int main(void)
{
    static void (*const cases[])(void) = {without_repeats, with_repeats, rate_knee, markdown};
    return results_fixture_run(cases, sizeof cases / sizeof cases[0]);
}
