/* Where a run's results go (src/output/results_dir.c). */
#ifndef IPCB_RESULTS_DIR_H
#define IPCB_RESULTS_DIR_H

#include <stddef.h>

/* The results directory: requested, or results/<UTC date>-<host> when NULL,
 * made with its parents and checked writable before the run, so a run does
 * not measure for minutes and then fail to write. The path goes to out;
 * 0, or -errno with a message in err. */
int ipcb_prepare_outdir(const char *requested, char *out, size_t len, char *err, size_t errlen);

#endif
