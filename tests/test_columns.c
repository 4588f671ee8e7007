/* The column table itself: percentile columns as asked for, every column
 * complete, and docs/outputs.md describing each column and each column's
 * rule for --repeat exactly as the table says. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "ipcbench/columns.h"
#include "ipcbench/results.h"

#include <stdio.h>

/* the percentile rule: names, the samples a tail needs, the cut itself */
static void percentiles(void)
{
    static const struct { double p; const char *name; uint64_t needs; } cases[] = {
        {50, "p50_ns", 20}, {90, "p90_ns", 100}, {99, "p99_ns", 1000},
        {99.9, "p999_ns", 10000}, {99.99, "p9999_ns", 100000},
        {99.999, "p99999_ns", 1000000}, {5, "p05_ns", 11}, {0.1, "p001_ns", 11},
        {12.5, "p125_ns", 12}, {1.5, "p015_ns", 11}, {15, "p15_ns", 12},
        {100, "p100_ns", 1}, {0, "p00_ns", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        ipcb_percentile_name(cases[i].p, name, sizeof name);
        CHECK(strcmp(name, cases[i].name) == 0, "%g is named %s (%s)", cases[i].p,
              cases[i].name, name);
        CHECK(ipcb_percentile_needs(cases[i].p) == cases[i].needs, "%g needs %llu (%llu)",
              cases[i].p, (unsigned long long)cases[i].needs,
              (unsigned long long)ipcb_percentile_needs(cases[i].p));
    }
    /* 999 samples have no p99, 1000 have one, and it is what the histogram says */
    struct ipcb_hist *h = malloc(sizeof *h);
    const struct ipcb_column *p99 = ipcb_column_find("p99_ns");
    for (uint64_t total = 999; total <= 1000; total++) {
        ipcb_hist_init(h);
        for (uint64_t v = 1; v <= total; v++)
            ipcb_hist_record(h, v * 10);
        struct ipcb_result r = {.status = IPCB_OK, .hist = h};
        ipcb_hist_stats(h, &r.stats);
        struct ipcb_value v;
        bool has = ipcb_column_get(p99, &r, &v);
        CHECK(has == (total == 1000), "%llu samples %s a p99", (unsigned long long)total,
              total == 1000 ? "have" : "have no");
        if (has)
            CHECK(v.integer == ipcb_hist_percentile(h, 99.0) && v.integer >= 9890 &&
                  v.integer <= 9910, "p99 of 10..10000 is about 9900 (%llu)",
                  (unsigned long long)v.integer);
    }
    free(h);
    /* --percentiles: the chosen set, ascending, 50 and 99 kept; then back */
    char err[128];
    double want[] = {99.999, 5};
    CHECK(ipcb_columns_use_percentiles(want, 2, err, sizeof err) == 0, "99.999,5 taken");
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    const char *seen[8];
    size_t k = 0;
    for (size_t c = 0; c < n && k < 8; c++)
        if (cols[c].is_percentile)
            seen[k++] = cols[c].name;
    CHECK(k == 4 && strcmp(seen[0], "p05_ns") == 0 && strcmp(seen[1], "p50_ns") == 0 &&
              strcmp(seen[2], "p99_ns") == 0 && strcmp(seen[3], "p99999_ns") == 0,
          "percentile columns p05, p50, p99, p99999 (%zu)", k);
    double bad[] = {100.5};
    CHECK(ipcb_columns_use_percentiles(bad, 1, err, sizeof err) != 0 && strstr(err, "100.5"),
          "101 refused: %s", err);
    ipcb_columns_use_default();
    CHECK(ipcb_column_find("p9999_ns") != NULL && ipcb_column_find("p99999_ns") == NULL,
          "the default set is back");
}

/* the lookup, and a table order without two columns in one place */
static void columns(void)
{
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    size_t p9999 = 0;
    while (p9999 < n && strcmp(cols[p9999].name, "p9999_ns") != 0)
        p9999++;
    CHECK(p9999 < n && ipcb_column_find("p9999_ns") == &cols[p9999] &&
              ipcb_column_find("nosuch") == NULL,
          "ipcb_column_find by name");
    const struct ipcb_column *shown[64];
    size_t k = ipcb_table_columns(shown, 64);
    CHECK(k == 10 && strcmp(shown[0]->name, "transport") == 0 &&
              strcmp(shown[3]->name, "p50_ns") == 0 && strcmp(shown[9]->name, "status") == 0,
          "table columns: transport first, p50 fourth, status last (%zu)", k);
    for (size_t i = 1; i < k; i++)
        CHECK(shown[i - 1]->table.place < shown[i]->table.place, "table places differ: %s, %s",
              shown[i - 1]->name, shown[i]->name);
}

/* The reference names every column as the column table describes it, so
 * the two cannot drift: a failure prints the line docs/outputs.md needs. */
static void docs(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    CHECK(f != NULL, "docs/outputs.md opens (%s)", path ? path : "no path given");
    if (!f)
        return;
    static char doc[64 * 1024];
    size_t len = fread(doc, 1, sizeof doc - 1, f);
    doc[len] = '\0';
    fclose(f);
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    for (size_t c = 0; c < n; c++) {
        char type[32], title[32], line[512];
        if (cols[c].type == IPCB_COLUMN_REAL)
            snprintf(type, sizeof type, "real, `%%.%df`", cols[c].decimals);
        else
            snprintf(type, sizeof type, "%s",
                     cols[c].type == IPCB_COLUMN_INTEGER ? "integer" : "text");
        if (cols[c].table.place)
            snprintf(title, sizeof title, "`%s`", cols[c].table.title);
        else
            snprintf(title, sizeof title, "-");
        snprintf(line, sizeof line, "| `%s` | %s | %s | %s | %s | %s |", cols[c].name,
                 cols[c].unit, type, ipcb_column_when_text(&cols[c]), title,
                 cols[c].description);
        CHECK(strstr(doc, line) != NULL, "docs/outputs.md lacks this line:\n%s", line);
    }
}

/* the reference says how each column's repeats combine (--repeat), as the
 * column table does */
static void docs_repeats(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return;             /* docs() has said so */
    static char doc[64 * 1024];
    size_t len = fread(doc, 1, sizeof doc - 1, f);
    doc[len] = '\0';
    fclose(f);
    ipcb_columns_use_default();
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    for (size_t c = 0; c < n; c++) {
        char line[256];
        snprintf(line, sizeof line, "| `%s` | %s |", cols[c].name,
                 ipcb_column_repeats_text(&cols[c]));
        CHECK(strstr(doc, line) != NULL, "docs/outputs.md lacks this line:\n%s", line);
    }
}

int main(int argc, char **argv)
{
    columns();
    percentiles();
    docs(argc > 1 ? argv[1] : NULL);
    docs_repeats(argc > 1 ? argv[1] : NULL);
    return checks_done();
}
