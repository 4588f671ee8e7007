/* The options of the shm transport, as entries of the option table:
 * --ring-slots (queue depth) and --notify (how the two sides wait: --wait
 * for shm alone, by its older name; the plan makes its rows). */
#include <stdio.h>

#include "ipcbench/plan.h"
#include "transports/shm_options.h"

static uint64_t ring_slots;

unsigned ipcb_ring_slots(void)
{
    return ring_slots ? (unsigned)ring_slots : IPCB_SHM_DEFAULT_RING_SLOTS;
}

const struct ipcb_option ipcb_opt_ring_slots = {
    .name = "ring-slots", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 2, .max = 65536,
    .def = "16", IPCB_OPT_INTO(ring_slots),
    .help = "queue depth of shm's rings and posix-mq's queues",
};

static const char *notify_list;

static void notify_names(char *buf, size_t len)
{
    (void)ipcb_wait_strategy_names(ipcb_transport_find("shm"), buf, len);
    ipcb_wrap_list(buf, 55);
}

const struct ipcb_option ipcb_opt_notify = {
    .name = "notify", .metavar = "LIST", .type = IPCB_OPT_LIST, IPCB_OPT_INTO(notify_list),
    .names = notify_names,
    .help = "shm's older name for --wait, for shm alone: sem (its\n"
            "own, the row shm) or a variant's strategy, or all",
};
