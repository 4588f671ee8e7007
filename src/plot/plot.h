#ifndef IPCB_PLOT_H
#define IPCB_PLOT_H

#include <stddef.h>

/* `ipcbench plot DIR`: reads DIR/summary.csv, DIR/meta.json and DIR/hist/,
 * writes the data gnuplot draws from into DIR/plots/data/ and the charts
 * (PNG and SVG) into DIR/plots/. scripts_dir NULL means look the scripts up
 * (see gnuplot.c). Lists the charts on stdout unless quiet.
 * Returns 0; -EIO when gnuplot failed or a chart could not be written (exit
 * status 1); any other -errno is bad input or a missing gnuplot or script
 * (exit status 2). err gets one line without the "ipcbench: " prefix. */
int ipcb_plot(const char *dir, const char *scripts_dir, int quiet, char *err, size_t errlen);

#endif
