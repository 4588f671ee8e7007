/* The options of the shm transport, parsed by the command line's generic
 * loop over every plugin's options: --ring-slots (queue depth) and --notify
 * (how the two sides wait: --wait for shm alone, by its older name). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/plan.h"
#include "transports/shm_options.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

#define DEFAULT_RING_SLOTS IPCB_SHM_DEFAULT_RING_SLOTS
#define NOTIFY_BASE "shm"

static unsigned ring_slots = DEFAULT_RING_SLOTS;

unsigned ipcb_ring_slots(void)
{
    return ring_slots;
}

static void ring_slots_reset(void)
{
    ring_slots = DEFAULT_RING_SLOTS;
}

static int ring_slots_apply(const char *value, struct ipcb_plan *plan, char *err, size_t errlen)
{
    (void)plan;
    uint64_t v;
    if (ipcb_parse_count_range("--ring-slots", value, 2, 65536, &v, err, errlen) != 0)
        return -EINVAL;
    ring_slots = (unsigned)v;
    return 0;
}

const struct ipcb_option ipcb_opt_ring_slots = {
    .name = "ring-slots", .metavar = "N",
    .help = "queue depth of shm's rings and posix-mq's\nqueues (default: 16)",
    .reset = ring_slots_reset, .apply = ring_slots_apply,
};

/* --notify is shm's name for --wait, older than it: the same strategies as
 * rows, only shm's place in the transport list taken */
static int notify_apply(const char *value, struct ipcb_plan *p, char *err, size_t errlen)
{
    if (p->wait_list)
        FAIL("--notify is shm's older name for --wait: give one of them, not both "
             "(--notify %s, --wait %s)", value, p->wait_list);
    return ipcb_wait_expand(p, value, ipcb_transport_find(NOTIFY_BASE), "--notify", err, errlen);
}

const struct ipcb_option ipcb_opt_notify = {
    .name = "notify", .metavar = "LIST",
    .help = "shm's older name for --wait, for shm only:\n"
            "sem (default, row shm), sysv-sem, futex,\n"
            "eventfd, spin, condvar, signal, or all",
    .apply = notify_apply,
};
