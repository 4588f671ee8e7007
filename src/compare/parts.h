/* The parts of `ipcbench compare`'s output, each from the comparison that
 * cells.c read: the environment, the table, the CSV, the chart. */
#ifndef IPCB_COMPARE_PARTS_H
#define IPCB_COMPARE_PARTS_H

#include <stdio.h>

#include "compare/cells.h"

/* the directories, then where their meta.json differ and the hardware
 * floor of each (machines.c) */
void ipcb_cmp_print_environment(FILE *f, const struct ipcb_comparison *c);

/* every cell, a line per directory, and the count of verdicts (cell_table.c) */
void ipcb_cmp_print_table(FILE *f, const struct ipcb_comparison *c);

/* one CSV row per cell and directory (cell_table.c); 0 or -EIO */
int ipcb_cmp_write_csv(FILE *f, const struct ipcb_comparison *c);

/* the p50 ratios as bars into OUT/compare.png and .svg, the data into
 * OUT/data/ (chart.c). 0; -ENODATA when no cell has a ratio; -ENOENT when
 * gnuplot or its scripts are missing; -EIO when drawing failed. err says
 * which. */
int ipcb_cmp_draw_chart(const struct ipcb_comparison *c, const char *out_dir, char *err,
                        size_t errlen);

/* a latency in ns, a rate, a ratio as the table shows them; "-" for NAN */
void ipcb_cmp_show_ns(double ns, char *buf, size_t len);
void ipcb_cmp_show_rate(double per_s, char *buf, size_t len);
void ipcb_cmp_show_ratio(double ratio, char *buf, size_t len);

#endif
