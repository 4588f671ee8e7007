/* meta.json and the --json document, built as jansson values and dumped,
 * so escaping and number syntax are the library's job. A result row holds
 * every output column (ipcbench/columns.h) that has a value in that row,
 * under the column's name; an empty column is left out of the object. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ipcbench/columns.h"
#include "ipcbench/results.h"
#include "measure/hw_floor.h"

/* Every builder below returns a new value, or NULL when any part of it could
 * not be made; json_object_set_new and json_array_append_new take a NULL
 * value as a failure (-1), so one flag per object carries it upwards. */

/* JSON has no NaN or infinity; a figure that could not be measured is null */
static json_t *number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *integer(uint64_t v)
{
    return json_integer(v > LLONG_MAX ? LLONG_MAX : (json_int_t)v);
}

/* json_string refuses bytes that are not UTF-8, and a host name, a command
 * line or a kernel string may hold some: those become '?' */
static json_t *text(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = strdup(s);
    if (!copy)
        return NULL;
    for (unsigned char *p = (unsigned char *)copy; *p; p++)
        if (*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

/* the object, or NULL (and the object freed) when a member failed */
static json_t *done(json_t *o, int bad)
{
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *column_value(const struct ipcb_column *c, const struct ipcb_value *v)
{
    switch (c->type) {
    case IPCB_COLUMN_INTEGER: return integer(v->integer);
    case IPCB_COLUMN_REAL: return number(v->real);
    case IPCB_COLUMN_TEXT: return text(v->text);
    }
    return NULL;
}

/* the hardware floor (src/measure/hw_floor.c); null when the run has none */
static json_t *floor_object(const struct ipcb_hwfloor *fl)
{
    if (!fl->measured)
        return json_null();
    json_t *memcpy_gib_s = json_object();
    int bad = 0;
    for (int s = 0; s < IPCB_HWFLOOR_MEMCPY_SIZES; s++)
        bad |= json_object_set_new(memcpy_gib_s, ipcb_hwfloor_memcpy_name[s],
                                   number(fl->memcpy_gib_s[s]));
    memcpy_gib_s = done(memcpy_gib_s, bad);
    json_t *o = json_object();
    bad = json_object_set_new(o, "cacheline_rtt_ns", number(fl->cacheline_rtt_ns));
    bad |= json_object_set_new(o, "cacheline_cpus", fl->cpu[0] >= 0
                                   ? json_pack("[ii]", fl->cpu[0], fl->cpu[1])
                                   : json_null());
    bad |= json_object_set_new(o, "xcpu_copy_64k_gib_s", number(fl->xcpu_copy_gib_s));
    bad |= json_object_set_new(o, "spsc_64_msgs_per_s", number(fl->spsc_64_msgs_per_s));
    bad |= json_object_set_new(o, "memcpy_gib_s", memcpy_gib_s);
    bad |= json_object_set_new(o, "clock_read_ns", number(fl->clock_read_ns));
    bad |= json_object_set_new(o, "measured_utc", text(fl->measured_utc));
    bad |= json_object_set_new(o, "from_cache", json_boolean(fl->from_cache));
    return done(o, bad);
}

/* a whole number as a JSON integer (8192, not 8192.0), any other as a real */
static json_t *fact_number(double v)
{
    if (v == (double)(long long)v && v > -1e15 && v < 1e15)
        return json_integer((json_int_t)v);
    return number(v);
}

/* the facts of one group as an object: numbers, strings, arrays, null */
static json_t *facts_object(const struct ipcb_meta *m, const char *group)
{
    json_t *o = json_object();
    int bad = 0;
    for (size_t i = 0; i < m->n_facts; i++) {
        const struct ipcb_fact *f = &m->facts[i];
        if (strcmp(f->group, group) != 0)
            continue;
        json_t *v = NULL;
        switch (f->kind) {
        case IPCB_FACT_UNKNOWN: v = json_null(); break;
        case IPCB_FACT_TEXT: v = text(f->text); break;
        case IPCB_FACT_NUMBER: v = fact_number(f->number); break;
        case IPCB_FACT_LIST: {
            v = json_array();
            char item[sizeof f->text];
            for (const char *s = f->text; *s;) {
                size_t n = strcspn(s, ",");
                snprintf(item, sizeof item, "%.*s", (int)n, s);
                char *end;
                double d = strtod(item, &end);
                bad |= json_array_append_new(v, *item && !*end ? fact_number(d) : text(item));
                s += n + (s[n] == ',');
            }
            break;
        }
        }
        bad |= json_object_set_new(o, f->key, v);
    }
    return done(o, bad);
}

static json_t *meta_object(const struct ipcb_meta *m)
{
    json_t *o = json_object();
    int bad = 0;
    bad |= json_object_set_new(o, "version", text(m->version));
    bad |= json_object_set_new(o, "command_line", text(m->command_line));
    bad |= json_object_set_new(o, "date_utc", text(m->date_utc));
    bad |= json_object_set_new(o, "host", text(m->host));
    bad |= json_object_set_new(o, "kernel", text(m->kernel));
    bad |= json_object_set_new(o, "cpu_model", text(m->cpu_model));
    bad |= json_object_set_new(o, "cores", json_integer(m->cores));
    bad |= json_object_set_new(o, "clock", text(m->clock));
    bad |= json_object_set_new(o, "clock_read_ns", number(m->clock_read_ns));
    bad |= json_object_set_new(o, "clock_step_ns", number(m->clock_step_ns));
    if (m->tsc_ghz > 0)
        bad |= json_object_set_new(o, "tsc_ghz", number(m->tsc_ghz));
    bad |= json_object_set_new(o, "pinning", text(m->pinning));
    bad |= json_object_set_new(o, "warmup", integer(m->warmup));
    bad |= json_object_set_new(o, "pairs", integer(m->pairs));
    if (m->driver_max_rss_kib)
        bad |= json_object_set_new(o, "driver_max_rss_kib", json_integer(m->driver_max_rss_kib));
    bad |= json_object_set_new(o, "count", integer(m->count));
    bad |= json_object_set_new(o, "duration_s", number((double)m->duration_ns / 1e9));
    bad |= json_object_set_new(o, "count_cap_s", number((double)m->cap_ns / 1e9));
    bad |= json_object_set_new(o, "floor", floor_object(&m->hw_floor));
    bad |= json_object_set_new(o, "complete", json_boolean(m->complete));
    bad |= json_object_set_new(o, "environment", facts_object(m, "environment"));
    json_t *plan = facts_object(m, "plan");
    /* every option the run takes, as given or its default */
    bad |= !plan || json_object_set_new(plan, "options", facts_object(m, "options"));
    /* the library each transport on one was linked with (libzmq 4.3.4) */
    bad |= !plan || json_object_set_new(plan, "libraries", facts_object(m, "libraries"));
    bad |= json_object_set_new(o, "plan", plan);
    return done(o, bad);
}

/* The latency columns again as one object, keyed without the _ns suffix
 * ("p99"), with the number of timed messages; null when nothing was timed. */
static json_t *latency_object(const struct ipcb_result *r)
{
    if (r->stats.count == 0)
        return json_null();
    json_t *o = json_object();
    int bad = json_object_set_new(o, "count", integer(r->stats.count));
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    for (size_t c = 0; c < n; c++) {
        struct ipcb_value v;
        if (cols[c].when != IPCB_WHEN_TIMED)
            continue;
        int has = ipcb_column_get(&cols[c], r, &v);
        if (!has && !cols[c].is_percentile)
            continue;
        char key[64];
        snprintf(key, sizeof key, "%s", cols[c].name);
        size_t len = strlen(key);
        if (len > 3 && strcmp(key + len - 3, "_ns") == 0)
            key[len - 3] = '\0';
        bad |= json_object_set_new(o, key, has ? column_value(&cols[c], &v) : json_null());
    }
    return done(o, bad);
}

/* each role's own figures: "producer_cpu", "consumer_max_rss_kib" ... */
static int put_roles(json_t *o, const struct ipcb_result *r)
{
    int bad = 0;
    for (size_t k = 0; k < r->n_roles; k++) {
        const struct ipcb_role_result *ro = &r->roles[k];
        char key[96];
        snprintf(key, sizeof key, "%s_cpu", ro->role);
        bad |= json_object_set_new(o, key, json_integer(ro->cpu));
        snprintf(key, sizeof key, "%s_max_rss_kib", ro->role);
        bad |= json_object_set_new(o, key, json_integer(ro->max_rss_kib));
        snprintf(key, sizeof key, "%s_cpu_user_s", ro->role);
        bad |= json_object_set_new(o, key, number(ro->cpu_user_s));
        snprintf(key, sizeof key, "%s_cpu_sys_s", ro->role);
        bad |= json_object_set_new(o, key, number(ro->cpu_sys_s));
        snprintf(key, sizeof key, "%s_ctx_switches", ro->role);
        bad |= json_object_set_new(o, key, integer(ro->ctx_switches));
    }
    return bad;
}

/* one object per pair of a --pairs run, with the columns a pair has */
static json_t *pairs_array(const struct ipcb_result *r)
{
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    json_t *a = json_array();
    int bad = 0;
    for (size_t k = 0; k < r->n_pairs; k++) {
        json_t *o = json_object();
        int bad_pair = 0;
        for (size_t c = 0; c < n; c++) {
            struct ipcb_value v;
            if (ipcb_column_get_pair(&cols[c], &r->pairs[k], &v))
                bad_pair |= json_object_set_new(o, cols[c].name, column_value(&cols[c], &v));
        }
        bad |= json_array_append_new(a, done(o, bad_pair));
    }
    return done(a, bad);
}

static json_t *row_object(const struct ipcb_result *r)
{
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    json_t *o = json_object();
    int bad = 0;
    for (size_t c = 0; c < n; c++) {
        struct ipcb_value v;
        if (ipcb_column_get(&cols[c], r, &v))
            bad |= json_object_set_new(o, cols[c].name, column_value(&cols[c], &v));
        else if (cols[c].is_percentile && r->status == IPCB_OK && r->stats.count)
            bad |= json_object_set_new(o, cols[c].name, json_null()); /* too few samples */
    }
    if (r->status == IPCB_OK) {
        bad |= json_object_set_new(o, "latency_ns", latency_object(r));
        bad |= put_roles(o, r);
        if (r->n_pairs)
            bad |= json_object_set_new(o, "pairs", pairs_array(r));
    }
    return done(o, bad);
}

/* writes the document (NULL: it could not be built) and lets it go */
static int dump(FILE *f, json_t *doc)
{
    if (!doc)
        return -ENOMEM;
    int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (rc != 0 || fputc('\n', f) == EOF || ferror(f))
        return -EIO;
    return 0;
}

int ipcb_write_meta_json(FILE *f, const struct ipcb_meta *m)
{
    return dump(f, meta_object(m));
}

int ipcb_write_json_line(FILE *f, const struct ipcb_result *r)
{
    json_t *o = row_object(r);
    if (!o)
        return -ENOMEM;
    int rc = json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (rc != 0 || fputc('\n', f) == EOF || ferror(f))
        return -EIO;
    return 0;
}

int ipcb_write_json(FILE *f, const struct ipcb_results *res)
{
    json_t *rows = json_array();
    int bad = 0;
    for (size_t i = 0; i < res->n_rows; i++)
        bad |= json_array_append_new(rows, row_object(&res->rows[i]));
    rows = done(rows, bad);
    json_t *doc = json_object();
    bad = json_object_set_new(doc, "meta", meta_object(&res->meta));
    bad |= json_object_set_new(doc, "results", rows);
    return dump(f, done(doc, bad));
}
