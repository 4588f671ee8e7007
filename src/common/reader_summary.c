/* summary.csv for reader.h: RFC 4180 records, the header's columns found
 * by name, and the rows kept by their status. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "common/sbuf.h"

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

/* the records of text, kept as q says; s and err as ipcb_summary_load says */
static int parse(const char *text, size_t len, const char *source,
                 const struct ipcb_summary_query *q, struct ipcb_summary *s, char *err,
                 size_t errlen)
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
            if ((rc = check_header(s, q->required, err, errlen)) != 0)
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
        if ((q->every_row || ipcb_status_ok(f.v[status])) &&
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
     * up_to_error what came before it is still worth reading */
    if (rc == -EINVAL && q->up_to_error && status >= 0) {
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

int ipcb_summary_load(const struct ipcb_summary_query *q, struct ipcb_summary *s, char *err,
                      size_t errlen)
{
    if (!q->dir)
        return parse(q->text, q->len, q->source ? q->source : "summary.csv", q, s, err,
                     errlen);
    char path[PATH_MAX];
    struct ipcb_sbuf text = {0};
    *s = (struct ipcb_summary){0};
    int rc = ipcb_results_file_read(q->dir, "summary.csv", path, sizeof path, &text, err,
                                    errlen);
    if (rc == -ENOENT)
        snprintf(err, errlen, "no summary.csv in '%s'; is it an ipcbench results directory?",
                 q->dir);
    if (rc)
        return rc;
    rc = parse(text.s, text.len, path, q, s, err, errlen);
    ipcb_sbuf_free(&text);
    return rc;
}
