#ifndef IPCB_REPORT_H
#define IPCB_REPORT_H

#include <stddef.h>
#include <stdio.h>

/* `ipcbench report DIR [-o FILE]`: one self-contained HTML page of a results
 * directory, written to FILE (NULL: DIR/report.html): the run's heading, the
 * machine and its hardware floor, the settings, every row of summary.csv,
 * the warnings, and the charts of `ipcbench plot` inline as SVG (drawn into
 * DIR/plots/ on the way; without gnuplot the page says so in their place).
 * A directory with only one of summary.csv and meta.json, or with a broken
 * summary.csv, still gets its page, marked as an incomplete run.
 * What a reader should know but that does not stop the page (no charts, an
 * incomplete run) goes to notes, one "ipcbench: " line each; the page's path
 * goes to stdout unless quiet.
 * Returns 0; -EIO or -ENOMEM when the page could not be made or written
 * (exit status 1); any other -errno for bad input (exit status 2): no such
 * directory, neither file in it, or no summary.csv that can be read (the
 * page is written all the same when meta.json is there). err gets one line
 * without the "ipcbench: " prefix. */
int ipcb_report(const char *dir, const char *out_path, double margin_pct, int quiet, FILE *notes,
                char *err, size_t errlen);

#endif
