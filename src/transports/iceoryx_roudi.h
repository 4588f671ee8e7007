/* RouDi, iceoryx's daemon, for the iceoryx transports: found running or
 * started for a cell (run/daemon.h), stopped, and what it leaves behind.
 *
 * iceoryx 2.0 allows one RouDi per machine: its names are fixed
 * (/tmp/iox-unique-roudi.lock, which it holds locked while it runs;
 * /tmp/roudi and /tmp/roudi.lock, its socket; /dev/shm/iceoryx_mgmt and
 * /dev/shm/<group of its user>, its shared memory), and a second RouDi
 * aborts at start without touching the first's. So a channel
 *  - uses a RouDi of this user's own that is not an ipcbench run's, as it is;
 *  - is skipped, with the reason, when the RouDi running is another
 *    ipcbench run's (which stops it when its cell ends) or another user's;
 *  - otherwise starts iox-roudi for the cell with mempools for the cell's
 *    size (a config in the channel's private directory) and stops it in
 *    destroy, removing whatever RouDi left once no RouDi holds its lock.
 * Nothing here needs the iceoryx library: cleanup uses it in every build. */
#ifndef IPCB_ICEORYX_ROUDI_H
#define IPCB_ICEORYX_ROUDI_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "run/daemon.h"

struct ipcb_roudi {
    struct ipcb_daemon d;  /* ours, when the cell started one (d.pid > 0) */
    pid_t pid;             /* the RouDi the channel uses, ours or the user's */
    int users;             /* 1: the user's own, used as it is */
    char dir[PATH_MAX];    /* the channel's private directory: roudi.toml, roudi.log */
};

/* In create(): a RouDi for chunks of payload bytes, chunks of them. 0;
 * -EOPNOTSUPP with err saying why the cell is skipped; -errno with err
 * saying what failed. r->dir must be the channel's private directory. */
int ipcb_roudi_acquire(struct ipcb_roudi *r, uint64_t payload, unsigned chunks,
                       char *err, size_t len);

/* In destroy(): ours stopped (it takes RouDi a second or two) and its
 * leftovers removed; the user's left alone. Idempotent. */
void ipcb_roudi_release(struct ipcb_roudi *r);

/* In a side: 1 when the RouDi the channel uses has ended, with the
 * sentence in buf ("RouDi, the iceoryx daemon (iox-roudi, pid 12) was
 * killed by signal 9 (SIGKILL)"); pidfd is the side's pidfd of r->pid. */
int ipcb_roudi_ended(struct ipcb_roudi *r, int pidfd, char *buf, size_t len);

/* What the run will do about RouDi, for `ipcbench list` and meta.json:
 * "RouDi: started by the run for each cell" or "RouDi: the user's (pid 7)". */
const char *ipcb_roudi_mode(void);

/* cleanup: dir is a dead run's private directory; 1 when a RouDi was
 * started there (its roudi.toml), so cleanup calls ipcb_roudi_leftovers */
int ipcb_roudi_started_in(const char *dir);

/* RouDi's names removed, when no RouDi runs (its lock taken for the
 * moment of the removal, so none can be a live RouDi's); each one removed
 * passed to removed. The number removed. */
int ipcb_roudi_leftovers(void (*removed)(const char *what, void *arg), void *arg);

#endif
