/* summary.csv: one row per (transport, pattern, size), one field per output
 * column (ipcbench/columns.h), RFC 4180 quoting. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/columns.h"
#include "ipcbench/results.h"

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void ipcb_write_csv_field(FILE *f, const char *s)
{
    csv_field(f, s);
}

int ipcb_write_csv_header(FILE *f)
{
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    for (size_t c = 0; c < n; c++) {
        if (c)
            fputc(',', f);
        csv_field(f, cols[c].name);
    }
    fputc('\n', f);
    return ferror(f) ? -EIO : 0;
}

int ipcb_write_csv_row(FILE *f, const struct ipcb_result *r)
{
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    for (size_t c = 0; c < n; c++) {
        struct ipcb_value v;
        if (c)
            fputc(',', f);
        if (!ipcb_column_get(&cols[c], r, &v))
            continue; /* an empty field */
        switch (cols[c].type) {
        case IPCB_COLUMN_INTEGER: fprintf(f, "%llu", (unsigned long long)v.integer); break;
        case IPCB_COLUMN_REAL: fprintf(f, "%.*f", cols[c].decimals, v.real); break;
        case IPCB_COLUMN_TEXT: csv_field(f, v.text); break;
        }
    }
    fputc('\n', f);
    return ferror(f) ? -EIO : 0;
}

int ipcb_write_csv(FILE *f, const struct ipcb_results *res)
{
    int rc = ipcb_write_csv_header(f);
    for (size_t i = 0; i < res->n_rows && rc == 0; i++)
        rc = ipcb_write_csv_row(f, &res->rows[i]);
    return rc;
}
