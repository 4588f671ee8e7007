/* Reading the directories of `ipcbench compare` and matching their rows
 * (cells.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare/cells.h"
#include "ipcbench/pattern.h"

/* A ... Z, then AA, AB ...: a column name in a spreadsheet */
static void dir_label(size_t i, char *buf, size_t len)
{
    char rev[8];
    size_t n = 0;
    for (i++; i > 0 && n < sizeof rev; i = (i - 1) / 26)
        rev[n++] = (char)('A' + (i - 1) % 26);
    size_t w = 0;
    while (n > 0 && w + 1 < len)
        buf[w++] = rev[--n];
    buf[w] = '\0';
}

/* text from the files as one printable line: control characters become ? */
static char *printable(char *s)
{
    for (char *c = s; c && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return s;
}

/* a figure's field: NAN when it is empty or the header has no such column,
 * -EINVAL (err says which) when it holds something that is not a number */
static int optional_number(const struct ipcb_summary *s, size_t row, const char *column,
                           double *out, char *err, size_t errlen)
{
    const char *text = ipcb_summary_field(s, row, column);
    *out = NAN;
    if (!text || !*text)
        return 0;
    return ipcb_summary_number(s, row, column, out, err, errlen);
}

/* value and interval of one figure; the interval only when both ends are there */
static int read_figure(const struct ipcb_summary *s, size_t row, const char *column,
                       const char *ci_low, const char *ci_high, struct ipcb_figure_sample *f,
                       char *err, size_t errlen)
{
    int rc;
    *f = (struct ipcb_figure_sample){0};
    if ((rc = optional_number(s, row, column, &f->value, err, errlen)) != 0 ||
        (rc = optional_number(s, row, ci_low, &f->ci_low, err, errlen)) != 0 ||
        (rc = optional_number(s, row, ci_high, &f->ci_high, err, errlen)) != 0)
        return rc;
    f->has_ci = !isnan(f->value) && !isnan(f->ci_low) && !isnan(f->ci_high);
    return 0;
}

static int read_row(const struct ipcb_summary *s, size_t i, struct ipcb_cmp_row *r, char *err,
                    size_t errlen)
{
    int rc;
    *r = (struct ipcb_cmp_row){.present = 1};
    r->p50.value = r->rate.value = r->p99_ns = NAN;
    if (!(r->status = strdup(ipcb_summary_field(s, i, IPCB_COL_STATUS))))
        return -ENOMEM;
    r->ok = strncmp(r->status, "ok", 2) == 0;  /* "ok, could not keep 100k/s ..." too */
    if (!r->ok)
        return 0;               /* a skipped or failed row measured nothing */
    if ((rc = read_figure(s, i, IPCB_COL_P50_NS, IPCB_COL_P50_CI_LOW, IPCB_COL_P50_CI_HIGH,
                          &r->p50, err, errlen)) != 0 ||
        (rc = read_figure(s, i, IPCB_COL_MSGS_PER_S, IPCB_COL_RATE_CI_LOW,
                          IPCB_COL_RATE_CI_HIGH, &r->rate, err, errlen)) != 0)
        return rc;
    return optional_number(s, i, IPCB_COL_P99_NS, &r->p99_ns, err, errlen);
}

/* the cell of (transport, pattern, size), made when it is new */
static struct ipcb_cmp_cell *find_cell(struct ipcb_comparison *c, const char *transport,
                                       const char *pattern, uint64_t size)
{
    for (size_t i = 0; i < c->n_cells; i++) {
        struct ipcb_cmp_cell *cell = &c->cells[i];
        if (cell->size == size && strcmp(cell->transport, transport) == 0 &&
            strcmp(cell->pattern, pattern) == 0)
            return cell;
    }
    struct ipcb_cmp_cell *cells = realloc(c->cells, (c->n_cells + 1) * sizeof *cells);
    if (!cells)
        return NULL;
    c->cells = cells;
    struct ipcb_cmp_cell *cell = &cells[c->n_cells];
    const struct ipcb_pattern *p = ipcb_pattern_of_row(pattern);
    *cell = (struct ipcb_cmp_cell){
        .transport = strdup(transport), .pattern = strdup(pattern), .size = size,
        .latency = p && p->figure != IPCB_FIGURE_THROUGHPUT,
        .rows = calloc(c->n_dirs, sizeof *cell->rows),
    };
    c->n_cells++;               /* counted now, so ipcb_cmp_free frees what was made */
    return cell->transport && cell->pattern && cell->rows ? cell : NULL;
}

static int read_dir(struct ipcb_comparison *c, size_t d, char *err, size_t errlen)
{
    static const char *const columns[] = {
        IPCB_COL_TRANSPORT, IPCB_COL_PATTERN, IPCB_COL_SIZE, IPCB_COL_MSGS_PER_S,
        IPCB_COL_P50_NS, IPCB_COL_P99_NS, NULL,
    };
    const char *dir = c->dirs[d].path;
    struct stat st;
    int rc = stat(dir, &st) != 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
    if (rc) {
        snprintf(err, errlen, "results directory '%s': %s", dir,
                 rc == -ENOENT ? "no such directory" : strerror(-rc));
        return rc;
    }
    struct ipcb_summary sum;
    const struct ipcb_summary_query q = {.dir = dir, .required = columns, .every_row = true};
    if ((rc = ipcb_summary_load(&q, &sum, err, errlen)) != 0)
        return rc;
    for (size_t i = 0; i < sum.n_rows && rc == 0; i++) {
        for (size_t k = 0; k < sum.n_columns; k++)
            printable(sum.rows[i].fields[k]);   /* names and reasons go to a terminal */
        double size;
        if ((rc = ipcb_summary_number(&sum, i, IPCB_COL_SIZE, &size, err, errlen)) != 0)
            break;
        if (size != floor(size) || size > 0x1p53) {
            snprintf(err, errlen, "%s, row %zu: size_bytes '%s' is not a message size",
                     sum.source, sum.rows[i].record, ipcb_summary_field(&sum, i, IPCB_COL_SIZE));
            rc = -EINVAL;
            break;
        }
        struct ipcb_cmp_cell *cell = find_cell(c, ipcb_summary_field(&sum, i, IPCB_COL_TRANSPORT),
                                               ipcb_summary_field(&sum, i, IPCB_COL_PATTERN),
                                               (uint64_t)size);
        if (!cell) {
            rc = -ENOMEM;
            snprintf(err, errlen, "out of memory reading %s", sum.source);
        } else if (!cell->rows[d].present) {
            /* a repeated row (two runs into one directory) counts once, the first */
            rc = read_row(&sum, i, &cell->rows[d], err, errlen);
        }
    }
    ipcb_summary_free(&sum);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory reading '%s'", dir);
    return rc;
}

int ipcb_cmp_load(struct ipcb_comparison *c, char *const *dirs, size_t n_dirs,
                  double threshold_pct, char *err, size_t errlen)
{
    *c = (struct ipcb_comparison){.n_dirs = n_dirs, .threshold_pct = threshold_pct};
    if (!(c->dirs = calloc(n_dirs, sizeof *c->dirs))) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    int rc = 0;
    for (size_t d = 0; d < n_dirs && rc == 0; d++) {
        struct ipcb_cmp_dir *dir = &c->dirs[d];
        dir->path = dirs[d];
        dir_label(d, dir->label, sizeof dir->label);
        rc = read_dir(c, d, err, errlen);
        if (rc == 0) {
            /* the environment is worth having, not worth refusing for */
            int meta_rc = ipcb_meta_read(dir->path, &dir->meta, dir->meta_note,
                                         sizeof dir->meta_note);
            dir->have_meta = meta_rc == 0;
            for (size_t k = 0; k < dir->meta.n_scalars; k++)
                printable(dir->meta.scalars[k].text);
            printable(dir->meta_note);
        }
    }
    if (rc)
        ipcb_cmp_free(c);
    return rc;
}

void ipcb_cmp_free(struct ipcb_comparison *c)
{
    for (size_t i = 0; i < c->n_cells; i++) {
        struct ipcb_cmp_cell *cell = &c->cells[i];
        for (size_t d = 0; cell->rows && d < c->n_dirs; d++)
            free(cell->rows[d].status);
        free(cell->rows);
        free(cell->transport);
        free(cell->pattern);
    }
    free(c->cells);
    free(c->dirs);
    *c = (struct ipcb_comparison){0};
}

double ipcb_cmp_ratio(double ref, double other)
{
    return ref > 0 && other > 0 ? other / ref : NAN;
}

int ipcb_cmp_judge(const struct ipcb_comparison *c, const struct ipcb_cmp_cell *cell,
                   size_t dir, struct ipcb_judgement *j, int *by_p50)
{
    const struct ipcb_cmp_row *ref = &cell->rows[0], *other = &cell->rows[dir];
    if (dir == 0 || !ref->ok || !other->ok)
        return -ENODATA;
    *by_p50 = cell->latency && ref->p50.value > 0 && other->p50.value > 0;
    const struct ipcb_figure_sample *a = *by_p50 ? &ref->p50 : &ref->rate;
    const struct ipcb_figure_sample *b = *by_p50 ? &other->p50 : &other->rate;
    if (isnan(a->value) || isnan(b->value))
        return -ENODATA;
    *j = ipcb_judge(a, b, *by_p50, c->threshold_pct);
    return 0;
}

size_t ipcb_cmp_count(const struct ipcb_comparison *c, enum ipcb_verdict v)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_cells; i++)
        for (size_t d = 1; d < c->n_dirs; d++) {
            struct ipcb_judgement j;
            int by_p50;
            n += ipcb_cmp_judge(c, &c->cells[i], d, &j, &by_p50) == 0 && j.verdict == v;
        }
    return n;
}
