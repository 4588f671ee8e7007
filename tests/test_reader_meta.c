/* The results reader's meta.json and .hgrm files against small results
 * directories written by hand (and an .hgrm by the writer): what it
 * returns, and the line it says on bad input. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/reader.h"
#include "ipcbench/results.h"
#include "results_fixture.h"

/* the text of key among m's scalars, or NULL */
static const char *scalar(const struct ipcb_meta_fields *m, const char *key)
{
    for (size_t i = 0; i < m->n_scalars; i++)
        if (strcmp(m->scalars[i].key, key) == 0)
            return m->scalars[i].text;
    return NULL;
}

/* every field but objects and floor as text, objects inside named by path */
static void meta_scalars(void)
{
    const char *text =
        "{\"version\": \"0.1.0\", \"cores\": 16, \"duration_s\": 0.0, \"clock_read_ns\": 20.5,\n"
        " \"complete\": true, \"driver_max_rss_kib\": null,\n"
        " \"plan\": {\"cpu\": \"cross\", \"sizes_bytes\": [64, 4096]},\n"
        " \"floor\": {\"cacheline_rtt_ns\": 110.8125, \"xcpu_copy_64k_gib_s\": 58.5,\n"
        "           \"spsc_64_msgs_per_s\": 41250000.5, \"memcpy_gib_s\": {\"4k\": 127.9}}}";
    struct ipcb_meta_fields m;
    char err[512] = "";
    int rc = ipcb_meta_parse(text, strlen(text), "m.json", &m, err, sizeof err);
    CHECK(rc == 0 && m.n_scalars == 8, "eight scalars (%d, %zu: %s)", rc, m.n_scalars, err);
    CHECK(rc == 0 && strcmp(m.scalars[0].key, "version") == 0 &&
          strcmp(m.scalars[7].key, "plan.sizes_bytes") == 0, "in the file's order");
    const char *const want[][2] = {
        {"version", "0.1.0"}, {"cores", "16"}, {"duration_s", "0.0"}, {"clock_read_ns", "20.5"},
        {"complete", "true"}, {"driver_max_rss_kib", "null"}, {"plan.cpu", "cross"},
        {"plan.sizes_bytes", "[64,4096]"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = scalar(&m, want[i][0]);
        CHECK(got && strcmp(got, want[i][1]) == 0, "%s is %s (%s)", want[i][0], want[i][1],
              got ? got : "absent");
    }
    CHECK(!scalar(&m, "floor.cacheline_rtt_ns") && !scalar(&m, "floor.memcpy_gib_s.4k"),
          "floor is not among them");
    CHECK(m.floor.cacheline_rtt_ns == 110.8125 && m.floor.xcpu_copy_64k_gib_s == 58.5 &&
          m.floor.spsc_64_msgs_per_s == 41250000.5, "the floor's three figures (%g, %g, %g)",
          m.floor.cacheline_rtt_ns, m.floor.xcpu_copy_64k_gib_s, m.floor.spsc_64_msgs_per_s);

    text = "{\"floor\": null}";
    rc = ipcb_meta_parse(text, strlen(text), "m.json", &m, err, sizeof err);
    CHECK(rc == 0 && isnan(m.floor.cacheline_rtt_ns) && isnan(m.floor.xcpu_copy_64k_gib_s) &&
          isnan(m.floor.spsc_64_msgs_per_s) && m.n_scalars == 0,
          "a null floor: NAN figures, no scalars (%d)", rc);

    /* more fields than there is room for: the first ones kept */
    char many[20000] = "{";
    for (int i = 0; i < IPCB_META_MAX_SCALARS + 10; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s\"k%d\": %d",
                 i ? ", " : "", i, i);
    strcat(many, "}");
    rc = ipcb_meta_parse(many, strlen(many), "m.json", &m, err, sizeof err);
    CHECK(rc == 0 && m.n_scalars == IPCB_META_MAX_SCALARS &&
          strcmp(m.scalars[IPCB_META_MAX_SCALARS - 1].text, "127") == 0,
          "the first %d fields kept (%d, %zu)", IPCB_META_MAX_SCALARS, rc, m.n_scalars);
}

static void meta(void)
{
    const char *dir = results_dir("meta", NULL,
        "{\n  \"version\": \"0.1.0\",\n"
        "  \"cpu_model\": \"Intel\\u00ae \\\"Xeon\\\" \\\\ 8\\/9\\tend\",\n"
        "  \"kernel\": \"Linux 6.1.0 x86_64\",\n"
        "  \"date_utc\": \"2026-11-24T19:48:15Z\",\n"
        "  \"cores\": 16,\n  \"floor\": {\"cpu\": [0, 1]}\n}\n");
    struct ipcb_meta_fields m;
    char err[512] = "";
    int rc = ipcb_meta_read(dir, &m, err, sizeof err);
    CHECK(rc == 0, "meta.json read (%d: %s)", rc, err);
    CHECK(strcmp(m.cpu_model, "Intel\xc2\xae \"Xeon\" \\ 8/9\tend") == 0,
          "escapes undone, \\u00ae as UTF-8 (%s)", m.cpu_model);
    CHECK(strcmp(m.kernel, "Linux 6.1.0 x86_64") == 0, "kernel (%s)", m.kernel);
    CHECK(strcmp(m.date_utc, "2026-11-24T19:48:15Z") == 0, "date_utc (%s)", m.date_utc);
    CHECK(m.cores == 16, "cores (%d)", m.cores);

    const char *wrong = "{\"cpu_model\": 7, \"kernel\": null, \"cores\": \"16\"}";
    rc = ipcb_meta_parse(wrong, strlen(wrong), "m.json", &m, err, sizeof err);
    CHECK(rc == 0 && !*m.cpu_model && !*m.kernel && !*m.date_utc && m.cores == 0,
          "fields of the wrong type are absent (%d: %s)", rc, err);

    /* one 2-byte character across the end of the field: left out whole */
    char long_cpu[400] = "{\"cpu_model\": \"";
    size_t n = strlen(long_cpu);
    memset(long_cpu + n, 'a', 254);
    snprintf(long_cpu + n + 254, sizeof long_cpu - n - 254, "\xc3\xa9\"}");
    rc = ipcb_meta_parse(long_cpu, strlen(long_cpu), "m.json", &m, err, sizeof err);
    CHECK(rc == 0 && strlen(m.cpu_model) == 254, "a long field cut at a character (%zu)",
          strlen(m.cpu_model));

    rc = ipcb_meta_parse("{\"cpu_model\": \"x\",", 18, "m.json", &m, err, sizeof err);
    CHECK(rc == -EINVAL && strncmp(err, "m.json, line 1: ", 16) == 0,
          "broken JSON says where (%d: %s)", rc, err);
    rc = ipcb_meta_parse("[1, 2]", 6, "m.json", &m, err, sizeof err);
    CHECK(rc == -EINVAL && strcmp(err, "m.json is not a JSON object") == 0,
          "an array is not meta.json (%d: %s)", rc, err);

    dir = results_dir("no-meta", "transport,status\n", NULL);
    rc = ipcb_meta_read(dir, &m, err, sizeof err);
    CHECK(rc == -ENOENT && strstr(err, "no meta.json in '") == err && !*m.cpu_model,
          "a missing meta.json (%d: %s)", rc, err);
}

/* every field report reads, from a meta.json as output/json.c writes it */
static void meta_run_fields(void)
{
    const char *text =
        "{\n  \"version\": \"0.1.0\",\n"
        "  \"command_line\": \"ipcbench -t pipe -o \\\"a b\\\"\",\n"
        "  \"date_utc\": \"2026-11-24T19:48:15Z\",\n  \"host\": \"build1\",\n"
        "  \"clock\": \"TSC\",\n  \"clock_read_ns\": 20.5,\n  \"tsc_ghz\": 2.45,\n"
        "  \"pinning\": \"cross: producer on CPU 0, consumer on CPU 1\",\n"
        "  \"warmup\": 500,\n  \"pairs\": 2,\n  \"count\": 0,\n  \"duration_s\": 1.5,\n"
        "  \"floor\": {\n    \"cacheline_rtt_ns\": 440.8,\n    \"cacheline_cpus\": [0, 1],\n"
        "    \"xcpu_copy_64k_gib_s\": 27.5,\n    \"spsc_64_msgs_per_s\": null,\n"
        "    \"memcpy_gib_s\": {\"4k\": 105.2, \"64k\": 94.9, \"1M\": null, \"64M\": 20.3},\n"
        "    \"clock_read_ns\": 27.9,\n    \"measured_utc\": \"2026-11-24T19:00:00Z\",\n"
        "    \"from_cache\": true\n  }\n}\n";
    struct ipcb_meta_fields m;
    char err[512] = "";
    int rc = ipcb_meta_parse(text, strlen(text), "m.json", &m, err, sizeof err);
    CHECK(rc == 0, "a run's meta.json parses (%d: %s)", rc, err);
    CHECK(strcmp(m.version, "0.1.0") == 0 && strcmp(m.host, "build1") == 0 &&
          strcmp(m.clock, "TSC") == 0, "version, host, clock (%s, %s, %s)", m.version, m.host,
          m.clock);
    CHECK(strcmp(m.command_line, "ipcbench -t pipe -o \"a b\"") == 0, "command line (%s)",
          m.command_line);
    CHECK(strcmp(m.pinning, "cross: producer on CPU 0, consumer on CPU 1") == 0, "pinning (%s)",
          m.pinning);
    CHECK(m.clock_read_ns == 20.5 && m.tsc_ghz == 2.45, "clock read and TSC rate (%g, %g)",
          m.clock_read_ns, m.tsc_ghz);
    CHECK(m.count == 0 && m.duration_s == 1.5 && m.warmup == 500 && m.pairs == 2,
          "settings (%lld, %g, %lld, %lld)", m.count, m.duration_s, m.warmup, m.pairs);
    CHECK(m.complete == -1, "no \"complete\": not recorded (%d)", m.complete);
    const struct ipcb_meta_floor *fl = &m.floor;
    CHECK(fl->present && fl->cacheline_rtt_ns == 440.8 && fl->cacheline_cpus[0] == 0 &&
          fl->cacheline_cpus[1] == 1, "cache-line round trip (%g, CPUs %d %d)",
          fl->cacheline_rtt_ns, fl->cacheline_cpus[0], fl->cacheline_cpus[1]);
    CHECK(fl->xcpu_copy_64k_gib_s == 27.5 && fl->clock_read_ns == 27.9 && fl->from_cache == 1 &&
          strcmp(fl->measured_utc, "2026-11-24T19:00:00Z") == 0,
          "copy across CPUs, clock read, when (%g, %g, %d, %s)", fl->xcpu_copy_64k_gib_s,
          fl->clock_read_ns, fl->from_cache, fl->measured_utc);
    CHECK(isnan(fl->spsc_64_msgs_per_s), "a null SPSC ring is NAN (%g)", fl->spsc_64_msgs_per_s);
    CHECK(fl->n_memcpy == 4, "four memcpy sizes (%zu)", fl->n_memcpy);
    if (fl->n_memcpy == 4) {
        CHECK(strcmp(fl->memcpy[0].size, "4k") == 0 && fl->memcpy[0].gib_s == 105.2 &&
              strcmp(fl->memcpy[3].size, "64M") == 0 && fl->memcpy[3].gib_s == 20.3,
              "memcpy in the file's order (%s %g, %s %g)", fl->memcpy[0].size,
              fl->memcpy[0].gib_s, fl->memcpy[3].size, fl->memcpy[3].gib_s);
        CHECK(strcmp(fl->memcpy[2].size, "1M") == 0 && isnan(fl->memcpy[2].gib_s),
              "a null figure is NAN (%g)", fl->memcpy[2].gib_s);
    }

    const char *odd = "{\"floor\": null, \"count\": -5, \"warmup\": 1.5, \"pairs\": \"2\","
                      " \"clock_read_ns\": -1, \"complete\": false}";
    rc = ipcb_meta_parse(odd, strlen(odd), "m.json", &m, err, sizeof err);
    CHECK(rc == 0 && !m.floor.present && isnan(m.floor.cacheline_rtt_ns) &&
          isnan(m.floor.spsc_64_msgs_per_s) && m.floor.cacheline_cpus[0] == -1 &&
          m.floor.from_cache == -1,
          "a null floor: not present, nothing measured (%d)", rc);
    CHECK(m.count == -1 && m.warmup == -1 && m.pairs == -1 && isnan(m.clock_read_ns) &&
          isnan(m.duration_s) && isnan(m.tsc_ghz) && !*m.host && !*m.command_line,
          "out of range or of the wrong type: not recorded (%lld %lld %lld %g)", m.count,
          m.warmup, m.pairs, m.clock_read_ns);
    CHECK(m.complete == 0, "\"complete\": false (%d)", m.complete);

    const char *cpus = "{\"floor\": {\"cacheline_cpus\": [0, -1], \"memcpy_gib_s\": 3}}";
    rc = ipcb_meta_parse(cpus, strlen(cpus), "m.json", &m, err, sizeof err);
    CHECK(rc == 0 && m.floor.present && m.floor.cacheline_cpus[0] == -1 &&
          m.floor.n_memcpy == 0, "a negative CPU and a memcpy that is no object: not recorded");
    rc = ipcb_meta_parse("[]", 2, "m.json", &m, err, sizeof err);
    CHECK(rc == -EINVAL && m.count == -1 && isnan(m.clock_read_ns) && m.floor.from_cache == -1,
          "on error every field is not recorded");
}

static void hgrm(void)
{
    const char *text =
        "       Value     Percentile TotalCount 1/(1-Percentile)\n"
        "\n"
        "       1.500 0.000000000000          3           1.00\n"
        "   \t  2.250 0.990000000000         99         100.00\r\n"
        "# a comment 1 2 3 4\n"
        "  #[Mean    =        1.800, StdDeviation   =        0.200]\n"
        "       9.000 0.5 1 2 extra\n"
        "       nan 0.5 1 2\n"
        "       4.000 1.000000000000        100\n";
    struct ipcb_hgrm h;
    int rc = ipcb_hgrm_parse(text, strlen(text), &h);
    CHECK(rc == 0 && h.n_points == 3, "three percentile lines (%d, %zu)", rc, h.n_points);
    if (rc == 0 && h.n_points == 3) {
        const struct ipcb_hgrm_point *p = h.points;
        CHECK(p[0].value == 1.5 && p[0].percentile == 0 && p[0].count == 3 &&
              p[0].one_over_1_minus_p == 1, "first line (%g %g %g %g)", p[0].value,
              p[0].percentile, p[0].count, p[0].one_over_1_minus_p);
        CHECK(p[1].value == 2.25 && p[1].percentile == 0.99 && p[1].count == 99 &&
              p[1].one_over_1_minus_p == 100, "indented, CRLF (%g %g %g %g)", p[1].value,
              p[1].percentile, p[1].count, p[1].one_over_1_minus_p);
        CHECK(p[2].value == 4 && p[2].percentile == 1 && p[2].count == 100 &&
              isinf(p[2].one_over_1_minus_p), "the closing line has 1/(1-p) infinite");
    }
    ipcb_hgrm_free(&h);

    /* the writer's own file, found by the name the writer gives it */
    struct ipcb_hist *hist = malloc(sizeof *hist);
    ipcb_hist_init(hist);
    for (uint64_t v = 1000; v <= 2000; v++)
        ipcb_hist_record(hist, v);
    char hist_dir[600], path[1024];
    const char *dir = results_dir("hist", NULL, NULL);
    snprintf(hist_dir, sizeof hist_dir, "%s/hist", dir);
    mkdir(hist_dir, 0755);
    rc = ipcb_hgrm_path(dir, "shm/futex", "pingpong", 64, path, sizeof path);
    CHECK(rc == 0 && strstr(path, "/hist/shm_futex-pingpong-64.hgrm") != NULL,
          "the path by ipcb_hgrm_name (%s)", path);
    FILE *f = fopen(path, "w");
    ipcb_write_hgrm(f, hist, 1000.0);
    fclose(f);
    free(hist);
    rc = ipcb_hgrm_read(path, &h);
    CHECK(rc == 0 && h.n_points > 10, "the writer's lines read (%d, %zu)", rc, h.n_points);
    if (rc == 0 && h.n_points > 10) {
        const struct ipcb_hgrm_point *last = &h.points[h.n_points - 1];
        CHECK(last->percentile == 1 && last->count == 1001 && isinf(last->one_over_1_minus_p),
              "its closing line: all 1001 values (%g %g)", last->percentile, last->count);
        CHECK(fabs(h.points[0].value - 1.0) < 0.01 && fabs(last->value - 2.0) < 0.01,
              "values in microseconds (%g .. %g)", h.points[0].value, last->value);
        int ordered = 1;
        for (size_t i = 1; i < h.n_points; i++)
            ordered &= h.points[i].percentile >= h.points[i - 1].percentile;
        CHECK(ordered, "percentiles in order");
    }
    ipcb_hgrm_free(&h);
    rc = ipcb_hgrm_path(dir, "pipe", "stream", 64, path, sizeof path);
    CHECK(rc == 0 && ipcb_hgrm_read(path, &h) == -ENOENT, "a missing .hgrm is -ENOENT");
    CHECK(ipcb_hgrm_path(dir, "pipe", "stream", 64, path, 16) == -ENAMETOOLONG,
          "a path that does not fit");
}

int main(void)
{
    static void (*const cases[])(void) = {meta, meta_scalars, meta_run_fields, hgrm};
    return results_fixture_run(cases, sizeof cases / sizeof cases[0]);
}
