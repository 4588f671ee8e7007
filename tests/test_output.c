/* The writers: CSV columns and quoting, JSON through jansson, the table,
 * .hgrm structure, and docs/outputs.md against the column table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "ipcbench/columns.h"
#include "ipcbench/results.h"

/* what a writer puts in a file, as one string */
static char *capture(int (*writer)(FILE *, const void *), const void *arg)
{
    /* through a real file: open_memstream's buffer confuses gcc's dangling check */
    FILE *f = tmpfile();
    writer(f, arg);
    long len = ftell(f);
    char *text = calloc(1, (size_t)len + 1);
    rewind(f);
    if (fread(text, 1, (size_t)len, f) != (size_t)len)
        text[0] = '\0';
    fclose(f);
    return text;
}

static int csv_writer(FILE *f, const void *res) { return ipcb_write_csv(f, res); }
static int json_writer(FILE *f, const void *res) { return ipcb_write_json(f, res); }
static int meta_writer(FILE *f, const void *meta) { return ipcb_write_meta_json(f, meta); }

static char *capture_csv(const struct ipcb_results *res)
{
    return capture(csv_writer, res);
}

/* number of fields in one CSV record, honouring quotes */
static int csv_fields(const char *line)
{
    int n = 1, quoted = 0;
    for (const char *p = line; *p && (*p != '\n' || quoted); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            n++;
    }
    return n;
}

/* the fields of one CSV record, quotes taken off; how many */
static size_t csv_split(const char *line, char fields[][600], size_t cap)
{
    size_t n = 0, len = 0;
    int quoted = 0;
    for (const char *p = line;; p++) {
        if (*p == '"' && quoted && p[1] == '"') {
            p++;
        } else if (*p == '"') {
            quoted = !quoted;
            continue;
        } else if (*p == '\0' || (!quoted && (*p == ',' || *p == '\n'))) {
            if (n < cap)
                fields[n][len < 599 ? len : 599] = '\0';
            n++;
            len = 0;
            if (*p != ',')
                return n;
            continue;
        }
        if (n < cap && len < 599)
            fields[n][len] = *p;
        len++;
    }
}

static void csv_header_kept(const char *text);
static void csv_records(const char *text);

static void csv(void)
{
    struct ipcb_hist *h = malloc(sizeof *h);
    ipcb_hist_init(h);
    for (uint64_t v = 1000; v <= 2000; v++)
        ipcb_hist_record(h, v);
    struct ipcb_result rows[2] = {
        {.transport = "pipe", .pattern = "pingpong", .size_bytes = 64, .messages = 1001,
         .seconds = 0.5, .msgs_per_s = 2002, .mib_per_s = 0.12, .latency_kind = "rtt",
         .sides = "processes", .hist = h, .status = IPCB_OK},
        {.transport = "sysv-mq", .pattern = "stream", .size_bytes = 1048576,
         .latency_kind = "", .status = IPCB_SKIPPED},
    };
    ipcb_hist_stats(h, &rows[0].stats);
    strcpy(rows[1].reason, "1M exceeds sysv-mq's limit of 8192 bytes, \"msgmax\"");
    struct ipcb_results res = {.rows = rows, .n_rows = 2};
    char *text = capture_csv(&res);

    csv_header_kept(text);
    csv_records(text);
    free(text);
    free(h);
}

/* the columns of earlier versions keep their names and their order (new
 * ones may come between), and issue 11's per-side ones are there */
static void csv_header_kept(const char *text)
{
    static const char *const kept[] = {"transport", "pattern", "size_bytes", "messages",
        "seconds", "msgs_per_s", "mib_per_s", "latency_kind", "min_ns", "mean_ns",
        "stddev_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "p9999_ns", "max_ns",
        "cpu_user_s", "cpu_sys_s", "ctx_switches", "errors", "status", NULL};
    static const char *const added[] = {"producer_cpu_user_s", "producer_cpu_sys_s",
        "consumer_cpu_user_s", "consumer_cpu_sys_s", "producer_ctx_switches",
        "consumer_ctx_switches", "cpu_ns_per_msg", NULL};
    char head[64][600];
    size_t n_head = csv_split(text, head, 64), at = 0;
    for (size_t k = 0; kept[k]; k++) {
        while (at < n_head && strcmp(head[at], kept[k]) != 0)
            at++;
        CHECK(at < n_head, "header keeps %s, in its old order", kept[k]);
    }
    for (size_t k = 0; added[k]; k++)
        CHECK(ipcb_column_find(added[k]) != NULL, "column %s exists", added[k]);
}

/* the two records of csv(): every field where its column is */
static void csv_records(const char *text)
{
    char head[64][600];
    size_t n_head = csv_split(text, head, 64);
    const char *row1 = strchr(text, '\n') + 1;
    const char *row2 = strchr(row1, '\n') + 1;
    CHECK((size_t)csv_fields(text) == n_head && (size_t)csv_fields(row1) == n_head &&
              (size_t)csv_fields(row2) == n_head,
          "%zu fields in every record (%d, %d, %d)", n_head, csv_fields(text),
          csv_fields(row1), csv_fields(row2));
    /* the ok row's figures, each under its own name */
    static const char *const want[][2] = {{"transport", "pipe"}, {"size_bytes", "64"},
        {"messages", "1001"}, {"seconds", "0.500000"}, {"msgs_per_s", "2002.0"},
        {"mib_per_s", "0.120"}, {"latency_kind", "rtt"}, {"min_ns", "1000"},
        {"mean_ns", "1500.0"}, {"max_ns", "2000"}, {"status", "ok"}};
    char row[64][600];
    size_t n_row = csv_split(row1, row, 64);
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        size_t c = 0;
        while (c < n_head && strcmp(head[c], want[k][0]) != 0)
            c++;
        CHECK(c < n_row && strcmp(row[c], want[k][1]) == 0, "ok row: %s is %s (%s)",
              want[k][0], want[k][1], c < n_row ? row[c] : "missing");
    }
    CHECK(strstr(row1, ",2000,") != NULL, "max 2000 written");
    CHECK(strstr(row1, ",ok\n") != NULL, "status ok last");
    CHECK(strstr(row2, ",\"skipped: 1M exceeds sysv-mq's limit of 8192 bytes, "
                       "\"\"msgmax\"\"\"\n") != NULL,
          "a reason with a comma and quotes is quoted and doubled: %s", row2);

    /* the header is the column table's names, in its order */
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    char names[1024] = "";
    for (size_t c = 0; c < n; c++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", c ? "," : "",
                 cols[c].name);
    CHECK(strncmp(text, names, strlen(names)) == 0 && text[strlen(names)] == '\n',
          "header == the column names in order: %s", names);
    /* the skipped row: only the columns every row has are filled */
    static char fields[64][600];
    size_t got = csv_split(row2, fields, 64);
    CHECK(got == n, "skipped row has a field per column (%zu of %zu)", got, n);
    for (size_t c = 0; c < n && c < got; c++)
        CHECK((fields[c][0] == '\0') == (cols[c].when != IPCB_WHEN_ALWAYS),
              "skipped row, column %s: '%s'", cols[c].name, fields[c]);
}

/* A run of two rows: one ok, timed, with two pairs and both roles (its
 * transport full of characters JSON must escape), one skipped; the meta with
 * a host that is not UTF-8 and a floor whose round trip failed (NaN). */
static struct ipcb_pair_result sample_pairs[2] = {
    {.messages = 600, .seconds = 0.3, .msgs_per_s = 2000, .mib_per_s = 0.12, .p50_ns = 1500,
     .p99_ns = 1990, .cpu_ns_per_msg = 2400},
    {.messages = 401, .seconds = 0.2, .msgs_per_s = 2005, .mib_per_s = 0.12,
     .cpu_ns_per_msg = 2600}, /* timed none */
};

struct sample {
    struct ipcb_hist hist;
    struct ipcb_result rows[2];
    struct ipcb_results res;
};

/* on the heap: the histogram is a few hundred KiB */
static struct sample *sample_new(void)
{
    struct sample *s = calloc(1, sizeof *s);
    struct ipcb_hist *h = &s->hist;
    struct ipcb_result *rows = s->rows;
    ipcb_hist_init(h);
    for (uint64_t v = 1000; v <= 2000; v++)
        ipcb_hist_record(h, v);
    rows[0] = (struct ipcb_result){
        .transport = "a\"b\\c\nd\te\x01", .pattern = "pingpong", .size_bytes = 64,
        .messages = 1001, .seconds = 0.5, .msgs_per_s = 2002, .mib_per_s = 0.12,
        .latency_kind = "rtt", .sides = "threads", .hist = h, .cpu_user_s = 0.25,
        .cpu_sys_s = 0.125,
        .ctx_switches = 2002, .cpu_ns_per_msg = 2480.4, .errors = 2, .status = IPCB_OK,
        .roles = {{.role = "producer", .cpu = 0, .max_rss_kib = 1200, .cpu_user_s = 0.25},
                  {.role = "consumer", .cpu = 1, .max_rss_kib = 1100, .cpu_sys_s = 0.125}},
        .n_roles = 2, .pairs = sample_pairs, .n_pairs = 2};
    ipcb_hist_stats(h, &rows[0].stats);
    /* the rate pattern's figures: its uncorrected view here the same histogram */
    rows[0].hist_uncorrected = h;
    rows[0].stats_uncorrected = rows[0].stats;
    rows[0].offered_per_s = 2002;
    rows[0].max_per_s = 4004;   /* as if offered at 50 % of a measured maximum */
    rows[0].achieved_per_s = 2001.5;
    rows[0].behind_max_ns = 1500;
    rows[0].lateness_p50_ns = 300;
    rows[0].lateness_p99_ns = 900;
    /* handoff's one-way times, here too so that every column has a value */
    rows[0].oneway = rows[0].oneway_there = rows[0].oneway_back = rows[0].stats;
    /* as if made of three repeats: medians equal to the figures above */
    double p50 = (double)rows[0].stats.p50, p99 = (double)rows[0].stats.p99;
    rows[0].repeats = 3;
    memcpy(rows[0].rep_p50_ns, (double[3]){p50, p50 - 50, p50 + 50}, sizeof(double[3]));
    memcpy(rows[0].rep_p99_ns, (double[3]){p99, p99 - 10, p99 + 10}, sizeof(double[3]));
    memcpy(rows[0].rep_msgs_per_s, (double[3]){2002, 1990, 2010}, sizeof(double[3]));
    rows[1] = (struct ipcb_result){.transport = "sysv-mq", .pattern = "stream",
                                   .size_bytes = 1048576, .latency_kind = "",
                                   .status = IPCB_SKIPPED, .reason = "too large"};
    s->res = (struct ipcb_results){
        .meta = {.version = "0.1.0", .pairs = 2, .command_line = "ipcbench -t pipe",
                 .date_utc = "2024-01-02T03:04:05Z", .host = "h\xff", .kernel = "Linux 6.1",
                 .cpu_model = "a CPU", .cores = 4, .clock = "CLOCK_MONOTONIC",
                 .clock_read_ns = 20.5, .pinning = "none", .warmup = 500, .count = 1001,
                 .hw_floor = {.measured = 1, .cpu = {0, 1}, .cacheline_rtt_ns = NAN,
                           .xcpu_copy_gib_s = 30, .spsc_64_msgs_per_s = 12.5e6,
                           .memcpy_gib_s = {1, 2, 3, 4},
                           .clock_read_ns = 20.4, .measured_utc = "2024-01-02T03:00:00Z"}},
        .rows = rows, .n_rows = 2};
    return s;
}

static void json_escapes(void)
{
    struct sample *sm = sample_new();
    char *text = capture(json_writer, &sm->res);
    CHECK(strstr(text, "\"a\\\"b\\\\c\\nd\\te\\u0001\"") != NULL, "escaped: %s", text);
    CHECK(strstr(text, "\"h?\"") != NULL, "a byte that is not UTF-8 becomes '?'");
    free(text);
    free(sm);
}

/* key exists in o with the JSON kind the column's type asks for */
static int has_column(json_t *o, const struct ipcb_column *c)
{
    json_t *v = json_object_get(o, c->name);
    switch (c->type) {
    case IPCB_COLUMN_INTEGER: return json_is_integer(v);
    case IPCB_COLUMN_REAL: return json_is_number(v);
    case IPCB_COLUMN_TEXT: return json_is_string(v);
    }
    return 0;
}

static void json_meta(json_t *meta)
{
    static const char *const keys[] = {"version", "command_line", "date_utc", "host", "kernel",
                                       "cpu_model", "cores", "clock", "clock_read_ns",
                                       "pinning", "warmup", "pairs", "count", "duration_s",
                                       "floor"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        CHECK(json_object_get(meta, keys[k]) != NULL, "meta has %s", keys[k]);
    CHECK(!json_object_get(meta, "tsc_ghz") && !json_object_get(meta, "driver_max_rss_kib"),
          "tsc_ghz and driver_max_rss_kib only when known");
    json_t *fl = json_object_get(meta, "floor");
    static const char *const floor_keys[] = {"cacheline_rtt_ns", "cacheline_cpus",
                                             "xcpu_copy_64k_gib_s", "spsc_64_msgs_per_s",
                                             "memcpy_gib_s", "clock_read_ns", "measured_utc",
                                             "from_cache"};
    const size_t n_floor_keys = sizeof floor_keys / sizeof floor_keys[0];
    for (size_t k = 0; k < n_floor_keys; k++)
        CHECK(json_object_get(fl, floor_keys[k]) != NULL, "floor has %s", floor_keys[k]);
    /* jansson keeps the order they were written in */
    size_t at = 0;
    const char *key;
    json_t *value;
    json_object_foreach(fl, key, value)
        if (at < n_floor_keys && value && strcmp(key, floor_keys[at]) == 0)
            at++;
    CHECK(at == n_floor_keys, "the floor's keys in their order (%zu of %zu)", at, n_floor_keys);
    CHECK(json_real_value(json_object_get(fl, "spsc_64_msgs_per_s")) == 12.5e6,
          "spsc_64_msgs_per_s as written");
    CHECK(json_is_null(json_object_get(fl, "cacheline_rtt_ns")), "NaN is written as null");
    CHECK(json_integer_value(json_array_get(json_object_get(fl, "cacheline_cpus"), 1)) == 1,
          "cacheline_cpus [0, 1]");
    CHECK(json_real_value(json_object_get(json_object_get(fl, "memcpy_gib_s"), "64M")) == 4.0,
          "memcpy_gib_s by size name");
    CHECK(json_is_false(json_object_get(fl, "from_cache")), "from_cache false");
}

static void json_round_trip(void)
{
    struct sample *sm = sample_new();
    const struct ipcb_result *rows = sm->rows;
    char *text = capture(json_writer, &sm->res);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    CHECK(doc != NULL, "the --json document parses: %s, line %d", err.text, err.line);
    json_t *meta = json_object_get(doc, "meta"), *results = json_object_get(doc, "results");
    CHECK(json_is_object(meta) && json_array_size(results) == 2, "meta and two results");
    json_meta(meta);

    json_t *ok = json_array_get(results, 0), *skipped = json_array_get(results, 1);
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    for (size_t c = 0; c < n; c++) {
        /* a percentile with fewer than 10 samples in its tail is null */
        if (strcmp(cols[c].name, "p999_uncorrected_ns") == 0)
            CHECK(!json_is_integer(json_object_get(ok, cols[c].name)),
                  "%s, with too few samples, has no value", cols[c].name);
        else if (cols[c].is_percentile &&
                 rows[0].stats.count < ipcb_percentile_needs(cols[c].percentile))
            CHECK(json_is_null(json_object_get(ok, cols[c].name)),
                  "%s, with too few samples, is null", cols[c].name);
        else if (strcmp(cols[c].name, "hop_ns") != 0)   /* pipeline rows only: hop_ns() */
            CHECK(has_column(ok, &cols[c]), "the ok row has %s, of its type", cols[c].name);
        CHECK(has_column(skipped, &cols[c]) == (cols[c].when == IPCB_WHEN_ALWAYS),
              "the skipped row has %s only if every row has it", cols[c].name);
    }
    CHECK(json_integer_value(json_object_get(ok, "p99_ns")) == (json_int_t)rows[0].stats.p99,
          "p99_ns as measured");
    json_t *lat = json_object_get(ok, "latency_ns");
    CHECK(json_integer_value(json_object_get(lat, "count")) == 1001 &&
              json_integer_value(json_object_get(lat, "max")) == 2000 &&
              json_object_get(lat, "p9999") && json_object_get(lat, "stddev"),
          "latency_ns holds count, max, p9999, stddev");
    CHECK(json_integer_value(json_object_get(ok, "producer_cpu")) == 0 &&
              json_integer_value(json_object_get(ok, "consumer_cpu")) == 1 &&
              json_integer_value(json_object_get(ok, "consumer_max_rss_kib")) == 1100,
          "per role: producer_cpu, consumer_cpu, consumer_max_rss_kib");
    json_t *pairs = json_object_get(ok, "pairs");
    json_t *p0 = json_array_get(pairs, 0), *p1 = json_array_get(pairs, 1);
    CHECK(json_array_size(pairs) == 2 && json_integer_value(json_object_get(p0, "messages")) == 600
              && json_integer_value(json_object_get(p0, "p50_ns")) == 1500
              && json_object_get(p0, "mib_per_s") && json_object_get(p0, "seconds"),
          "pairs: messages, p50_ns, mib_per_s, seconds");
    CHECK(json_object_get(p1, "msgs_per_s") && !json_object_get(p1, "p50_ns"),
          "a pair that timed nothing has no p50_ns");
    CHECK(!json_object_get(skipped, "latency_ns") && !json_object_get(skipped, "pairs") &&
              strcmp(json_string_value(json_object_get(skipped, "status")),
                     "skipped: too large") == 0,
          "the skipped row: its status, no figures");

    /* meta.json is the same object as the document's meta */
    char *meta_text = capture(meta_writer, &sm->res.meta);
    json_t *meta_doc = json_loads(meta_text, 0, &err);
    CHECK(meta_doc && json_equal(meta_doc, meta), "meta.json == the --json meta");
    json_decref(meta_doc);
    json_decref(doc);
    free(meta_text);
    free(text);
    free(sm);
}

static int header_writer(FILE *f, const void *unused)
{
    (void)unused;
    ipcb_write_table_header(f);
    return 0;
}

static int row_writer(FILE *f, const void *r)
{
    ipcb_write_table_row(f, r);
    return 0;
}

/* the table keeps its layout: fixed columns, "-" where a value is absent */
static void table(void)
{
    const char *line = "%-20s %-8s %6s %10s %10s %10s %10s %10s %10s";
    char want[1024];
    char *text = capture(header_writer, NULL);
    snprintf(want, sizeof want, "%-20s %-8s %6s %10s %10s %10s %10s %10s %10s  %s\n",
             "transport", "pattern", "size", "p50", "p99", "max", "msgs/s", "MiB/s", "CPU/msg",
             "status");
    CHECK(strcmp(text, want) == 0, "table header:\n%s", text);
    free(text);

    struct sample *sm = sample_new();
    struct ipcb_result *rows = sm->rows;
    rows[0].transport = "pipe";
    text = capture(row_writer, &rows[0]);
    size_t at = (size_t)snprintf(want, sizeof want, line, "pipe", "pingpong", "64", "1.5 us",
                                 "2.0 us", "2.0 us", "2.0k", "0.1", "2.5 us");
    at += (size_t)snprintf(want + at, sizeof want - at,
                           "  ok, 2 lost or reordered, 2 pairs together\n");
    /* pair 1 timed 600 messages: a p99 needs 1000 */
    at += (size_t)snprintf(want + at, sizeof want - at, line, "  pair 1", "", "", "1.5 us",
                           "-", "", "2.0k", "0.1", "2.4 us");
    at += (size_t)snprintf(want + at, sizeof want - at, "\n");
    at += (size_t)snprintf(want + at, sizeof want - at, line, "  pair 2", "", "", "-", "-", "",
                           "2.0k", "0.1", "2.6 us");
    snprintf(want + at, sizeof want - at, "\n");
    CHECK(strcmp(text, want) == 0, "ok row with notes and pair lines:\n%s\nwanted:\n%s", text,
          want);
    free(text);

    text = capture(row_writer, &rows[1]);
    at = (size_t)snprintf(want, sizeof want, line, "sysv-mq", "stream", "1M", "-", "-", "-", "-",
                          "-", "-");
    snprintf(want + at, sizeof want - at, "  skipped: too large\n");
    CHECK(strcmp(text, want) == 0, "skipped row:\n%s", text);
    free(text);
    free(sm);
}

static void hgrm(void)
{
    struct ipcb_hist *h = malloc(sizeof *h);
    ipcb_hist_init(h);
    for (uint64_t v = 1; v <= 10000; v++)
        ipcb_hist_record(h, v * 1000); /* 1 us .. 10 ms */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ipcb_write_hgrm(f, h, 1000.0);
    fclose(f);
    CHECK(strstr(text, "Value") && strstr(text, "Percentile") && strstr(text, "TotalCount"),
          "column header");
    CHECK(strstr(text, "#[Max     =    10000.000, Total count    =        10000]") != NULL,
          "footer with max in us and the count");
    /* percentiles never go down, values never go down, last line is 1.0 */
    double last_p = -1, last_v = -1;
    int lines = 0, monotonic = 1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        double v, p;
        if (line[0] == '#' || sscanf(line, "%lf %lf", &v, &p) != 2)
            continue;
        if (p < last_p || v < last_v)
            monotonic = 0;
        last_p = p;
        last_v = v;
        lines++;
    }
    CHECK(lines > 50, "enough percentile lines (%d)", lines);
    CHECK(monotonic, "values and percentiles rise");
    CHECK(last_p == 1.0 && last_v == 10000.0, "last line: 1.0 at the max (%f, %f)", last_p, last_v);
    free(text);

    /* counts that hold fewer values than the total say: the text still ends */
    h->total += 5;
    f = open_memstream(&text, &len);
    ipcb_write_hgrm(f, h, 1000.0);
    fclose(f);
    CHECK(strstr(text, "Total count    =        10005]") != NULL,
          "a histogram short of its total is written to its end");
    free(text);
    free(h);
}

/* hop_ns: a pipeline row's p50 over its hops, nothing for another pattern */
static void hop_ns(void)
{
    const struct ipcb_column *c = ipcb_column_find("hop_ns");
    struct ipcb_result r = {.transport = "pipe", .pattern = "pipeline", .procs = 4,
                            .status = IPCB_OK, .stats = {.count = 10, .p50 = 3000}};
    struct ipcb_value v;
    CHECK(c && ipcb_column_get(c, &r, &v) && v.real == 1000.0,
          "a 4-stage pipeline's hop_ns is its p50 over 3 hops");
    r.pattern = "stream";
    CHECK(c && !ipcb_column_get(c, &r, &v), "a stream row has no hop_ns");
    r.pattern = "pipeline";
    r.stats.count = 0;
    CHECK(c && !ipcb_column_get(c, &r, &v), "a pipeline row without latency has no hop_ns");
}

int main(void)
{
    hop_ns();
    csv();
    json_escapes();
    json_round_trip();
    table();
    hgrm();
    return checks_done();
}
