/* --repeat: every cell measured several times, round by round, and its row
 * made from its repeats after the last (src/run/repeats.c). */
#ifndef IPCB_REPEATS_H
#define IPCB_REPEATS_H

#include <stddef.h>

#include "ipcbench/results.h"

/* the repeats of every cell of a run, cell c's in reps[c * rounds ...] */
struct ipcb_repeats {
    size_t n_cells, rounds;
    struct ipcb_result *reps;
    size_t *done;               /* repeats measured of each cell */
    unsigned char *emitted;     /* the cell's row has been made */
};

/* 0, or -ENOMEM */
int ipcb_repeats_init(struct ipcb_repeats *rs, size_t n_cells, size_t rounds);
void ipcb_repeats_free(struct ipcb_repeats *rs);
/* where the cell's measurement in this round (from 0) goes; NULL when its
 * first one was skipped or failed, which is not measured again */
struct ipcb_result *ipcb_repeats_slot(struct ipcb_repeats *rs, size_t cell, size_t round);
/* the measurement in the cell's slot of this round is finished */
void ipcb_repeats_done(struct ipcb_repeats *rs, size_t cell, size_t round);
/* true when the cell has repeats and no row yet */
int ipcb_repeats_pending(const struct ipcb_repeats *rs, size_t cell);
/* the cell's row from its repeats into row (see ipcb_aggregate_repeats) */
void ipcb_repeats_emit(struct ipcb_repeats *rs, size_t cell, struct ipcb_result *row);

/* A cell's row from its n repeats, column by column as each column's
 * repeats rule says (ipcbench/columns.h): the histograms merged, the
 * medians of p50, p99 and msgs/s with their intervals, counts and CPU
 * added, the rate columns from the repeat that kept its schedule worst. A
 * failure in any repeat fails the row, and so do repeats that differ where
 * they must agree. Takes the repeats' histograms. */
void ipcb_aggregate_repeats(struct ipcb_result *row, struct ipcb_result *reps, size_t n);

#endif
