/* libFuzzer target: the results reader's parsers (summary.csv, meta.json,
 * .hgrm) and the report's reading of a chart's SVG take any bytes. Each must
 * return 0 or an error with a message, and what it accepts must keep the
 * promises of reader.h and report/html.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "report/html.h"

static void summary(const char *text, size_t len)
{
    static const char *const need[] = {IPCB_COL_TRANSPORT, IPCB_COL_SIZE, NULL};
    struct ipcb_summary s;
    char err[512] = "";
    const struct ipcb_summary_query q = {.text = text, .len = len, .required = need};
    int rc = ipcb_summary_load(&q, &s, err, sizeof err);
    if (rc != 0) {
        if ((rc != -EINVAL && rc != -ENOMEM) || !*err || strchr(err, '\n') ||
            s.rows || s.columns || s.source)
            abort();
        return;
    }
    if (s.n_columns && (ipcb_summary_column(&s, IPCB_COL_TRANSPORT) < 0 ||
                        ipcb_summary_column(&s, IPCB_COL_STATUS) < 0))
        abort();
    size_t last = 0;
    for (size_t i = 0; i < s.n_rows; i++) {
        const char *status = ipcb_summary_field(&s, i, IPCB_COL_STATUS);
        if (!status || !ipcb_status_ok(status) || s.rows[i].record <= last)
            abort();
        last = s.rows[i].record;
        for (size_t c = 0; c < s.n_columns; c++)
            if (!s.rows[i].fields[c])
                abort();
        double size;
        if (ipcb_summary_number(&s, i, IPCB_COL_SIZE, &size, err, sizeof err) == 0 &&
            !(size >= 0))
            abort();
    }
    ipcb_summary_free(&s);
}

/* the reader that keeps every row, whatever its status */
static void summary_all(const char *text, size_t len)
{
    struct ipcb_summary s;
    char err[512] = "";
    const struct ipcb_summary_query q = {.text = text, .len = len, .every_row = true};
    if (ipcb_summary_load(&q, &s, err, sizeof err) != 0) {
        if (!*err || s.rows || s.columns || s.source)
            abort();
        return;
    }
    /* with every record kept, the rows are the records in the file's order */
    for (size_t i = 0; i < s.n_rows; i++)
        if (!ipcb_summary_field(&s, i, IPCB_COL_STATUS) || s.rows[i].record != i + 1)
            abort();
    ipcb_summary_free(&s);
}

/* every row, and a bad record ending the rows: what report reads */
static void summary_rows(const char *text, size_t len)
{
    struct ipcb_summary s;
    char err[512] = "";
    const struct ipcb_summary_query q = {.text = text, .len = len, .every_row = true,
                                         .up_to_error = true};
    int rc = ipcb_summary_load(&q, &s, err, sizeof err);
    if (rc != 0) {
        if ((rc != -EINVAL && rc != -ENOMEM) || !*err || s.rows || s.columns)
            abort();
        return;
    }
    if ((s.cut_short && !*err) || (s.n_rows && ipcb_summary_column(&s, IPCB_COL_STATUS) < 0))
        abort();
    for (size_t i = 0; i < s.n_rows; i++)
        for (size_t c = 0; c < s.n_columns; c++)
            if (!s.rows[i].fields[c])
                abort();
    ipcb_summary_free(&s);
}

static void svg(const char *text, size_t len)
{
    struct ipcb_sbuf b = {0};
    int rc = ipcb_html_svg(&b, text, len, "c1-");
    if ((rc == 0 && strncmp(ipcb_sbuf_str(&b), "<svg", 4) != 0) ||
        (rc != 0 && (b.len || (rc != -EINVAL && rc != -ENOMEM))))
        abort();
    ipcb_sbuf_free(&b);
}

static void meta(const char *text, size_t len)
{
    struct ipcb_meta_fields m;
    char err[512] = "";
    int rc = ipcb_meta_parse(text, len, "meta.json", &m, err, sizeof err);
    if (rc != 0 && (!*err || (rc != -EINVAL && rc != -ENOMEM)))
        abort();
    if (m.cores < 0 || strlen(m.cpu_model) >= sizeof m.cpu_model ||
        m.n_scalars > IPCB_META_MAX_SCALARS ||
        strlen(m.command_line) >= sizeof m.command_line || m.count < -1 || m.pairs < -1 ||
        m.floor.n_memcpy > IPCB_META_MEMCPY_SIZES || m.clock_read_ns < 0)
        abort();
    for (size_t i = 0; i < m.n_scalars; i++)
        if (strlen(m.scalars[i].key) >= sizeof m.scalars[i].key ||
            strlen(m.scalars[i].text) >= sizeof m.scalars[i].text)
            abort();
}

static void hgrm(const char *text, size_t len)
{
    struct ipcb_hgrm h;
    if (ipcb_hgrm_parse(text, len, &h) != 0)
        return;
    for (size_t i = 0; i < h.n_points; i++)
        if (h.points[i].value != h.points[i].value)    /* NaN never gets through */
            abort();
    ipcb_hgrm_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly size bytes, so reading past the input is caught */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    summary(text, size);
    summary_all(text, size);
    summary_rows(text, size);
    meta(text, size);
    svg(text, size);
    hgrm(text, size);
    free(text);
    return 0;
}
