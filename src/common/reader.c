/* The results reader of reader.h: summary.csv, meta.json, the .hgrm files. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "ipcbench/results.h"
#include "common/reader.h"
#include "common/sbuf.h"

int ipcb_results_dir_check(const char *dir, const char *command, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        int rc = -errno;
        snprintf(err, errlen, "results directory '%s': %s", dir,
                 rc == -ENOENT ? "no such directory" : strerror(-rc));
        return rc;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a directory; %s takes a results directory", dir,
                 command);
        return -ENOTDIR;
    }
    /* room left for plots/data/ and the longest chart file name */
    if (strlen(dir) > PATH_MAX - 128) {
        snprintf(err, errlen, "results directory name is too long");
        return -ENAMETOOLONG;
    }
    return 0;
}

/* ---- summary.csv ---- */

struct csv_fields {
    char **v;
    size_t n, cap;
};

static void csv_clear(struct csv_fields *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    f->n = 0;
}

static int csv_push(struct csv_fields *f, struct ipcb_sbuf *field)
{
    if (ipcb_sbuf_error(field))
        return -ENOMEM;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        char **v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        f->v = v;
        f->cap = cap;
    }
    /* strdup stops at a NUL byte inside a field: the field is cut there */
    if (!(f->v[f->n] = strdup(ipcb_sbuf_str(field))))
        return -ENOMEM;
    f->n++;
    ipcb_sbuf_reset(field);
    return 0;
}

/* One RFC 4180 record from *pos into f: fields end at commas outside quotes,
 * "" inside quotes is one quote, the record ends at a newline (or CRLF)
 * outside quotes. Returns 1 for a record, 0 at the end, -EINVAL for a quote
 * left open, -ENOMEM. */
static int csv_record(const char **pos, const char *end, struct csv_fields *f)
{
    const char *p = *pos;
    csv_clear(f);
    if (p >= end)
        return 0;
    struct ipcb_sbuf field = {0};
    int quoted = 0, rc = 0;
    for (;;) {
        if (p >= end) {
            if (quoted)
                rc = -EINVAL;
            break;
        }
        char c = *p++;
        if (quoted) {
            if (c == '"' && p < end && *p == '"') {
                ipcb_sbuf_putc(&field, '"');
                p++;
            } else if (c == '"') {
                quoted = 0;
            } else {
                ipcb_sbuf_putc(&field, c);
            }
        } else if (c == '"') {
            quoted = 1;
        } else if (c == ',') {
            if ((rc = csv_push(f, &field)) != 0)
                break;
        } else if (c == '\n') {
            break;
        } else if (c != '\r') {
            ipcb_sbuf_putc(&field, c);
        }
    }
    if (rc == 0)
        rc = csv_push(f, &field);
    ipcb_sbuf_free(&field);
    *pos = p;
    return rc ? rc : 1;
}

static void free_fields(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void ipcb_summary_free(struct ipcb_summary *s)
{
    for (size_t i = 0; i < s->n_rows; i++)
        free_fields(s->rows[i].fields, s->n_columns);
    free(s->rows);
    free_fields(s->columns, s->n_columns);
    free(s->source);
    *s = (struct ipcb_summary){0};
}

int ipcb_summary_column(const struct ipcb_summary *s, const char *name)
{
    for (size_t i = 0; i < s->n_columns && i < INT_MAX; i++)
        if (strcmp(s->columns[i], name) == 0)
            return (int)i;
    return -ENOENT;
}

static int require_column(const struct ipcb_summary *s, const char *name, char *err,
                          size_t errlen)
{
    if (ipcb_summary_column(s, name) >= 0)
        return 0;
    snprintf(err, errlen, "%s has no '%s' column in its header", s->source, name);
    return -EINVAL;
}

const char *ipcb_summary_field(const struct ipcb_summary *s, size_t row, const char *column)
{
    int c = ipcb_summary_column(s, column);
    return c < 0 || row >= s->n_rows ? NULL : s->rows[row].fields[c];
}

int ipcb_summary_number(const struct ipcb_summary *s, size_t row, const char *column,
                        double *out, char *err, size_t errlen)
{
    const char *text = ipcb_summary_field(s, row, column);
    if (!text) {
        if (require_column(s, column, err, errlen) == 0)
            snprintf(err, errlen, "%s has no row %zu", s->source, row);
        return -ENOENT;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || v < 0) {
        snprintf(err, errlen, "%s, row %zu: %s '%s' is not a number", s->source,
                 s->rows[row].record, column, text);
        return -EINVAL;
    }
    *out = v;
    return 0;
}

/* the caller's columns, and status, which decides the rows kept */
static int check_header(const struct ipcb_summary *s, const char *const *required, char *err,
                        size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; required && required[i] && rc == 0; i++)
        rc = require_column(s, required[i], err, errlen);
    return rc ? rc : require_column(s, IPCB_COL_STATUS, err, errlen);
}

/* f's fields become the row's, leaving f empty for the next record */
static int keep_row(struct ipcb_summary *s, struct csv_fields *f, size_t record)
{
    struct ipcb_summary_row *rows = realloc(s->rows, (s->n_rows + 1) * sizeof *rows);
    if (!rows)
        return -ENOMEM;
    s->rows = rows;
    rows[s->n_rows++] = (struct ipcb_summary_row){.record = record, .fields = f->v};
    *f = (struct csv_fields){0};
    return 0;
}

int ipcb_summary_parse_rows(const char *text, size_t len, const char *source,
                            const char *const *required, unsigned flags,
                            struct ipcb_summary *s, char *err, size_t errlen)
{
    *s = (struct ipcb_summary){0};
    *err = '\0';
    if (!(s->source = strdup(source))) {
        snprintf(err, errlen, "out of memory reading %s", source);
        return -ENOMEM;
    }
    if (!text)
        text = "", len = 0;     /* NULL + 0 is not a pointer C allows */
    const char *pos = text, *end = text + len;
    struct csv_fields f = {0};
    size_t record = 0;          /* records so far, the header included */
    int status = -1, rc;
    while ((rc = csv_record(&pos, end, &f)) == 1) {
        if (f.n == 1 && !*f.v[0])
            continue;           /* a blank line */
        if (record++ == 0) {
            s->columns = f.v;
            s->n_columns = f.n;
            f = (struct csv_fields){0};
            if ((rc = check_header(s, required, err, errlen)) != 0)
                break;
            status = ipcb_summary_column(s, IPCB_COL_STATUS);
            continue;
        }
        if (f.n != s->n_columns) {
            snprintf(err, errlen, "%s, row %zu: %zu fields where the header has %zu", source,
                     record - 1, f.n, s->n_columns);
            rc = -EINVAL;
            break;
        }
        if (((flags & IPCB_SUMMARY_ALL_ROWS) || ipcb_status_ok(f.v[status])) &&
            (rc = keep_row(s, &f, record - 1)) != 0)
            break;
    }
    if (rc == -EINVAL && !*err) {
        if (record == 0)
            snprintf(err, errlen, "%s: a quoted field is never closed", source);
        else
            snprintf(err, errlen, "%s, row %zu: a quoted field is never closed", source,
                     record);
    } else if (rc == -ENOMEM) {
        snprintf(err, errlen, "out of memory reading %s", source);
    }
    /* a run cut off while writing leaves a short or open last record: with
     * UP_TO_ERROR what came before it is still worth reading */
    if (rc == -EINVAL && (flags & IPCB_SUMMARY_UP_TO_ERROR) && status >= 0) {
        s->cut_short = 1;
        rc = 0;
    }
    csv_clear(&f);
    free(f.v);
    if (rc < 0) {
        ipcb_summary_free(s);
        return rc;
    }
    return 0;
}

int ipcb_summary_parse(const char *text, size_t len, const char *source,
                       const char *const *required, struct ipcb_summary *s, char *err,
                       size_t errlen)
{
    return ipcb_summary_parse_rows(text, len, source, required, 0, s, err, errlen);
}

int ipcb_summary_parse_all(const char *text, size_t len, const char *source,
                           const char *const *required, struct ipcb_summary *s, char *err,
                           size_t errlen)
{
    return ipcb_summary_parse_rows(text, len, source, required, IPCB_SUMMARY_ALL_ROWS, s, err,
                                   errlen);
}

/* DIR/name into text, its path into path; err says why not, except for
 * -ENOENT, which each caller words its own way */
static int read_results_file(const char *dir, const char *name, char *path, size_t pathlen,
                             struct ipcb_sbuf *text, char *err, size_t errlen)
{
    if ((size_t)snprintf(path, pathlen, "%s/%s", dir, name) >= pathlen) {
        snprintf(err, errlen, "results directory name is too long");
        return -ENAMETOOLONG;
    }
    int rc = ipcb_sbuf_read_file(path, text);
    if (rc && rc != -ENOENT)
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
    return rc;
}

int ipcb_summary_read_rows(const char *dir, const char *const *required, unsigned flags,
                           struct ipcb_summary *s, char *err, size_t errlen)
{
    char path[PATH_MAX];
    struct ipcb_sbuf text = {0};
    *s = (struct ipcb_summary){0};
    int rc = read_results_file(dir, "summary.csv", path, sizeof path, &text, err, errlen);
    if (rc == -ENOENT)
        snprintf(err, errlen, "no summary.csv in '%s'; is it an ipcbench results directory?",
                 dir);
    if (rc)
        return rc;
    rc = ipcb_summary_parse_rows(text.s, text.len, path, required, flags, s, err, errlen);
    ipcb_sbuf_free(&text);
    return rc;
}

int ipcb_summary_read(const char *dir, const char *const *required, struct ipcb_summary *s,
                      char *err, size_t errlen)
{
    return ipcb_summary_read_rows(dir, required, 0, s, err, errlen);
}

int ipcb_summary_read_all(const char *dir, const char *const *required,
                          struct ipcb_summary *s, char *err, size_t errlen)
{
    return ipcb_summary_read_rows(dir, required, IPCB_SUMMARY_ALL_ROWS, s, err, errlen);
}

/* ---- meta.json ---- */

/* n bytes of s into out, cut at a character boundary when they do not fit */
static void copy_text(const char *s, size_t n, char *out, size_t len)
{
    if (n >= len) {
        n = len - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;                /* s[n] continues a UTF-8 character: drop all of it */
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* key's string into out; out untouched when it is not a string */
static void copy_string(json_t *object, const char *key, char *out, size_t len)
{
    json_t *value = json_object_get(object, key);
    if (json_is_string(value))
        copy_text(json_string_value(value), json_string_length(value), out, len);
}

/* every value of object that is not an object into m->scalars, named by
 * its path from the top; objects inside are followed to a few levels */
static int add_scalars(struct ipcb_meta_fields *m, json_t *object, const char *prefix,
                       int depth)
{
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value) {
        char path[512];         /* cut to fit the key by copy_text, at a character */
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
        if (depth == 0 && strcmp(key, "floor") == 0)
            continue;           /* measured afresh by every run: two of its figures are kept */
        if (json_is_object(value)) {
            if (depth < 3 && add_scalars(m, value, path, depth + 1) != 0)
                return -ENOMEM;
            continue;
        }
        if (m->n_scalars == IPCB_META_MAX_SCALARS)
            return 0;
        struct ipcb_meta_scalar *sc = &m->scalars[m->n_scalars++];
        copy_text(path, strlen(path), sc->key, sizeof sc->key);
        if (json_is_string(value)) {
            copy_text(json_string_value(value), json_string_length(value), sc->text,
                      sizeof sc->text);
            continue;
        }
        /* real numbers as %.10g, as json.c writes them */
        char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10));
        if (!text)
            return -ENOMEM;
        copy_text(text, strlen(text), sc->text, sizeof sc->text);
        free(text);
    }
    return 0;
}

/* key's number when it is one and not negative, else NAN */
static double figure(json_t *object, const char *key)
{
    json_t *value = json_object_get(object, key);
    double v = json_is_number(value) ? json_number_value(value) : NAN;
    return v >= 0 ? v : NAN;
}

/* key's integer when it is one and not negative, else -1 */
static long long count(json_t *object, const char *key)
{
    json_t *value = json_object_get(object, key);
    if (!json_is_integer(value) || json_integer_value(value) < 0)
        return -1;
    return json_integer_value(value);
}

static void read_floor(json_t *object, struct ipcb_meta_floor *fl)
{
    *fl = (struct ipcb_meta_floor){.cacheline_rtt_ns = NAN, .cacheline_cpus = {-1, -1},
                                   .xcpu_copy_64k_gib_s = NAN, .spsc_64_msgs_per_s = NAN,
                                   .clock_read_ns = NAN, .from_cache = -1};
    if (!json_is_object(object))
        return;
    fl->present = 1;
    fl->cacheline_rtt_ns = figure(object, "cacheline_rtt_ns");
    fl->xcpu_copy_64k_gib_s = figure(object, "xcpu_copy_64k_gib_s");
    fl->spsc_64_msgs_per_s = figure(object, "spsc_64_msgs_per_s");
    fl->clock_read_ns = figure(object, "clock_read_ns");
    copy_string(object, "measured_utc", fl->measured_utc, sizeof fl->measured_utc);
    json_t *from_cache = json_object_get(object, "from_cache");
    if (json_is_boolean(from_cache))
        fl->from_cache = json_is_true(from_cache);
    json_t *cpus = json_object_get(object, "cacheline_cpus");
    json_t *a = json_array_get(cpus, 0), *b = json_array_get(cpus, 1);
    if (json_array_size(cpus) == 2 && json_is_integer(a) && json_is_integer(b) &&
        json_integer_value(a) >= 0 && json_integer_value(a) <= INT_MAX &&
        json_integer_value(b) >= 0 && json_integer_value(b) <= INT_MAX) {
        fl->cacheline_cpus[0] = (int)json_integer_value(a);
        fl->cacheline_cpus[1] = (int)json_integer_value(b);
    }
    json_t *by_size = json_object_get(object, "memcpy_gib_s");
    const char *size;
    json_t *value;
    if (!json_is_object(by_size))
        return;
    /* jansson keeps an object's keys in the order of the file */
    json_object_foreach(by_size, size, value) {
        if (fl->n_memcpy == IPCB_META_MEMCPY_SIZES)
            break;
        copy_text(size, strlen(size), fl->memcpy[fl->n_memcpy].size,
                  sizeof fl->memcpy[0].size);
        fl->memcpy[fl->n_memcpy++].gib_s = figure(by_size, size);
    }
}

/* every field "not recorded", as reader.h says each one is */
static void not_recorded(struct ipcb_meta_fields *m)
{
    *m = (struct ipcb_meta_fields){.clock_read_ns = NAN, .tsc_ghz = NAN, .duration_s = NAN,
                                   .count = -1, .warmup = -1, .pairs = -1, .complete = -1};
    read_floor(NULL, &m->floor);
}

int ipcb_meta_parse(const char *text, size_t len, const char *source,
                    struct ipcb_meta_fields *m, char *err, size_t errlen)
{
    not_recorded(m);
    json_error_t error;
    json_t *root = json_loadb(text, len, 0, &error);
    if (!root) {
        if (json_error_code(&error) == json_error_out_of_memory) {
            snprintf(err, errlen, "out of memory reading %s", source);
            return -ENOMEM;
        }
        snprintf(err, errlen, "%s, line %d: %s", source, error.line, error.text);
        return -EINVAL;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s is not a JSON object", source);
        json_decref(root);
        return -EINVAL;
    }
    copy_string(root, "cpu_model", m->cpu_model, sizeof m->cpu_model);
    copy_string(root, "kernel", m->kernel, sizeof m->kernel);
    copy_string(root, "date_utc", m->date_utc, sizeof m->date_utc);
    json_t *cores = json_object_get(root, "cores");
    if (json_is_integer(cores) && json_integer_value(cores) > 0 &&
        json_integer_value(cores) <= INT_MAX)
        m->cores = (int)json_integer_value(cores);
    copy_string(root, "version", m->version, sizeof m->version);
    copy_string(root, "command_line", m->command_line, sizeof m->command_line);
    copy_string(root, "host", m->host, sizeof m->host);
    copy_string(root, "clock", m->clock, sizeof m->clock);
    copy_string(root, "pinning", m->pinning, sizeof m->pinning);
    m->clock_read_ns = figure(root, "clock_read_ns");
    m->tsc_ghz = figure(root, "tsc_ghz");
    m->duration_s = figure(root, "duration_s");
    m->count = count(root, "count");
    m->warmup = count(root, "warmup");
    m->pairs = count(root, "pairs");
    json_t *complete = json_object_get(root, "complete");
    if (json_is_boolean(complete))
        m->complete = json_is_true(complete);
    read_floor(json_object_get(root, "floor"), &m->floor);
    int rc = add_scalars(m, root, "", 0);
    json_decref(root);
    if (rc) {
        not_recorded(m);
        snprintf(err, errlen, "out of memory reading %s", source);
    }
    return rc;
}

int ipcb_meta_read(const char *dir, struct ipcb_meta_fields *m, char *err, size_t errlen)
{
    char path[PATH_MAX];
    struct ipcb_sbuf text = {0};
    not_recorded(m);
    int rc = read_results_file(dir, "meta.json", path, sizeof path, &text, err, errlen);
    if (rc == -ENOENT)
        snprintf(err, errlen, "no meta.json in '%s'", dir);
    if (rc)
        return rc;
    rc = ipcb_meta_parse(text.s, text.len, path, m, err, errlen);
    ipcb_sbuf_free(&text);
    return rc;
}

/* ---- the .hgrm files in hist/ ---- */

/* "value percentile count [1/(1-p)]" and nothing more, every number finite */
static int hgrm_line(const char *line, struct ipcb_hgrm_point *pt)
{
    double v[4];
    int n = 0;
    const char *p = line;
    for (;;) {
        p += strspn(p, " \t\r");
        if (!*p || n == 4)
            break;
        char *end;
        v[n] = strtod(p, &end);
        if (end == p || !isfinite(v[n]) || !strchr(" \t\r", *end))
            return 0;
        n++;
        p = end;
    }
    if (*p || n < 3)
        return 0;
    *pt = (struct ipcb_hgrm_point){.value = v[0], .percentile = v[1], .count = v[2],
                                   .one_over_1_minus_p = n == 4 ? v[3] : INFINITY};
    return 1;
}

int ipcb_hgrm_parse(const char *text, size_t len, struct ipcb_hgrm *h)
{
    *h = (struct ipcb_hgrm){0};
    size_t cap = 0;
    if (!text)
        return 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((eol ? eol : end) - p);
        char line[256];         /* a percentile line is under 60 bytes */
        int ok = n < sizeof line;
        if (ok) {
            memcpy(line, p, n);
            line[n] = '\0';
            /* a NUL inside the line would hide the rest of it from strtod */
            ok = strlen(line) == n && line[strspn(line, " \t")] != '#';
        }
        p = eol ? eol + 1 : end;
        struct ipcb_hgrm_point pt;
        if (!ok || !hgrm_line(line, &pt))
            continue;
        if (h->n_points == cap) {
            size_t more = cap ? cap * 2 : 64;
            struct ipcb_hgrm_point *points = realloc(h->points, more * sizeof *points);
            if (!points) {
                ipcb_hgrm_free(h);
                return -ENOMEM;
            }
            h->points = points;
            cap = more;
        }
        h->points[h->n_points++] = pt;
    }
    return 0;
}

int ipcb_hgrm_path(const char *dir, const char *transport, const char *pattern,
                   uint64_t size, char *path, size_t len)
{
    char name[384];
    ipcb_hgrm_name(transport, pattern, size, name, sizeof name);
    if ((size_t)snprintf(path, len, "%s/hist/%s", dir, name) >= len) {
        path[0] = '\0';
        return -ENAMETOOLONG;
    }
    return 0;
}

int ipcb_hgrm_read(const char *path, struct ipcb_hgrm *h)
{
    struct ipcb_sbuf text = {0};
    *h = (struct ipcb_hgrm){0};
    int rc = ipcb_sbuf_read_file(path, &text);
    if (rc == 0)
        rc = ipcb_hgrm_parse(text.s, text.len, h);
    ipcb_sbuf_free(&text);
    return rc;
}

void ipcb_hgrm_free(struct ipcb_hgrm *h)
{
    free(h->points);
    *h = (struct ipcb_hgrm){0};
}
