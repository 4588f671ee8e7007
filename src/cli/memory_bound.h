/* --max-memory: what a run maps at most, stated before it starts and
 * bounded (cli/memory_bound.c). */
#ifndef IPCB_MEMORY_BOUND_H
#define IPCB_MEMORY_BOUND_H

#include <stdint.h>
#include <stdio.h>

#include "ipcbench/plan.h"

/* --max-memory's variable: bytes, 0 when not given */
extern uint64_t ipcb_max_memory_opt;

/* the bound: --max-memory, or a quarter of the machine's RAM */
uint64_t ipcb_memory_limit(void);

/* the plan's worst cell within the bound: 0, or -EINVAL with one line in
 * err naming the cell and what it needs */
int ipcb_memory_check(const struct ipcb_plan *p, char *err, size_t errlen);

/* one line on f: the most one cell of the plan maps, and which */
void ipcb_memory_statement(const struct ipcb_plan *p, FILE *f);

#endif
