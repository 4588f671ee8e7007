/* `ipcbench compare A B [C ...]`: results directories side by side, each
 * against the first. The folder's parts: cells.c reads and matches the
 * directories, verdict.c judges a figure, machines.c and cell_table.c print,
 * chart.c draws, compare.c runs them. */
#ifndef IPCB_COMPARE_H
#define IPCB_COMPARE_H

struct ipcb_plan;

/* Compares plan->compare_dirs: prints where their environments differ and
 * the table of cells with their verdicts (to stderr when --csv - takes
 * stdout; not at all with -q), writes --csv and the chart. Prints its own
 * messages and returns the exit status: 2 for bad input or an output that
 * cannot be opened, 1 when a cell is worse and --fail-on-regression was
 * given (or --csv could not be written), else 0. A chart that cannot be
 * drawn is one line on stderr and leaves the status alone. */
int ipcb_compare(const struct ipcb_plan *plan);

#endif
