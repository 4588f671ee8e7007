/* The options the shm transport owns (shm_options.c). */
#ifndef IPCB_SHM_OPTIONS_H
#define IPCB_SHM_OPTIONS_H

#include "ipcbench/options.h"

/* --ring-slots: the depth of shm's rings, and of posix-mq's queues, which
 * list the same option */
#define IPCB_SHM_DEFAULT_RING_SLOTS 16u
extern const struct ipcb_option ipcb_opt_ring_slots;
/* --notify: which of shm's wait strategies run, each its own row */
extern const struct ipcb_option ipcb_opt_notify;
/* what --ring-slots said, or its default */
unsigned ipcb_ring_slots(void);

#endif
