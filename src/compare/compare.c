/* `ipcbench compare`: read, print, write, draw (compare.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "compare/compare.h"
#include "compare/parts.h"
#include "ipcbench/plan.h"
#include "output/results_dir.h"

/* the --csv file, stdout for "-"; NULL with a message when it cannot be made */
static FILE *open_csv(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "ipcbench: --csv: cannot write '%s': %s\n", path, strerror(errno));
    return f;
}

static int close_csv(FILE *f, const char *path)
{
    int bad = ferror(f);
    if ((f == stdout ? fflush(f) : fclose(f)) != 0 || bad) {
        fprintf(stderr, "ipcbench: --csv: cannot write '%s'\n", path);
        return -EIO;
    }
    return 0;
}

int ipcb_compare(const struct ipcb_plan *p)
{
    char err[1024], chart_dir[PATH_MAX];
    struct ipcb_comparison c;
    if (ipcb_cmp_load(&c, p->compare_dirs, p->n_compare_dirs, p->threshold_pct, err,
                      sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        return 2;
    }
    int status = 0;
    /* a chart directory asked for is checked now, as every output of a run is */
    if (p->outdir) {
        int rc = ipcb_prepare_outdir(p->outdir, chart_dir, sizeof chart_dir, err, sizeof err);
        if (rc) {
            fprintf(stderr, "ipcbench: -o: cannot use '%s' for the chart: %s\n", p->outdir,
                    strerror(-rc));
            status = 2;
        }
    } else if ((size_t)snprintf(chart_dir, sizeof chart_dir, "%s/plots", c.dirs[0].path) >=
               sizeof chart_dir) {
        fprintf(stderr, "ipcbench: results directory name '%s' is too long\n", c.dirs[0].path);
        status = 2;
    }
    FILE *csv = status == 0 && p->csv_path ? open_csv(p->csv_path) : NULL;
    if (p->csv_path && !csv)
        status = 2;
    if (status) {
        ipcb_cmp_free(&c);
        return status;
    }
    FILE *report = csv == stdout ? stderr : stdout;
    if (!p->quiet) {
        ipcb_cmp_print_environment(report, &c);
        ipcb_cmp_print_table(report, &c);
        fflush(report);
    }
    size_t worse = ipcb_cmp_count(&c, IPCB_VERDICT_WORSE);
    if (csv) {
        ipcb_cmp_write_csv(csv, &c);
        if (close_csv(csv, p->csv_path) != 0)    /* it sees a failed write too */
            status = 1;
    }
    int rc = ipcb_cmp_draw_chart(&c, chart_dir, err, sizeof err);
    if (rc == -ENOENT)
        fprintf(stderr, "ipcbench: %s; the comparison chart is left out\n", err);
    else if (rc)
        fprintf(stderr, "ipcbench: %s\n", err);
    else if (!p->quiet)
        fprintf(report, "chart: %s/compare.png and .svg\n", chart_dir);
    if (p->fail_on_regression && worse > 0)
        status = 1;
    ipcb_cmp_free(&c);
    return status;
}
