/* `ipcbench verdict DIR` (verdict.h), and the verdict a run prints after
 * its table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/plan.h"
#include "verdict/verdict.h"

int ipcb_verdict_command(const struct ipcb_plan *p)
{
    char err[1024];
    struct ipcb_verdicts v;
    int rc = ipcb_results_dir_check(p->plot_dir, "verdict", err, sizeof err);
    if (rc == 0)
        rc = ipcb_verdict_of_dir(p->plot_dir, p->margin_pct, &v, err, sizeof err);
    if (rc) {
        fprintf(stderr, "ipcbench: %s\n", err);
        return rc == -ENOMEM ? 1 : 2;
    }
    /* the Markdown on stdout takes the place of the text */
    int md_stdout = p->markdown_path && strcmp(p->markdown_path, "-") == 0;
    if (!p->quiet && !md_stdout) {
        if (v.n_lines == 0)
            printf("Verdict: %s has no rows to judge.\n", p->plot_dir);
        ipcb_verdict_print(stdout, &v);
    }
    ipcb_verdict_free(&v);
    if (p->markdown_path &&
        (rc = ipcb_markdown_write(p->plot_dir, p->markdown_path, p->margin_pct, err,
                                  sizeof err)) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        return rc == -ENOENT || rc == -EINVAL ? 2 : 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

int ipcb_run_verdict(const char *dir, const struct ipcb_plan *p, FILE *table)
{
    char err[1024];
    if (!p->quiet) {
        struct ipcb_verdicts v;
        if (ipcb_verdict_of_dir(dir, p->margin_pct, &v, err, sizeof err) == 0) {
            ipcb_verdict_print(table, &v);
            ipcb_verdict_free(&v);
            fflush(table);
        } else {
            fprintf(stderr, "ipcbench: no verdict: %s\n", err);
        }
    }
    if (p->markdown_path &&
        ipcb_markdown_write(dir, p->markdown_path, p->margin_pct, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        return -1;
    }
    return 0;
}
