/* --repeat: every cell measured several times, round by round, and its row
 * made from its repeats after the last (src/run/repeats.c). */
#ifndef IPCB_REPEATS_H
#define IPCB_REPEATS_H

#include <stddef.h>

#include "ipcbench/results.h"

/* A cell's row from its n repeats, column by column as each column's
 * repeats rule says (ipcbench/columns.h): the histograms merged, the
 * medians of p50, p99 and msgs/s with their intervals, counts and CPU
 * added, the rate columns from the repeat that kept its schedule worst. A
 * failure in any repeat fails the row, and so do repeats that differ where
 * they must agree. Takes the repeats' histograms. */
void ipcb_aggregate_repeats(struct ipcb_result *row, struct ipcb_result *reps, size_t n);

#endif
