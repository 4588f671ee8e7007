/* The run's ledger of System V objects and daemons. They have no names to
 * find them by, so each one a run makes is written down, with its creation
 * time, in a file in the run's private directory; `ipcbench cleanup` reads
 * it back when the run was killed before it could remove them. */
#ifndef IPCB_LEDGER_H
#define IPCB_LEDGER_H

#include <sys/types.h>

/* where this process writes from now on; NULL: nowhere. With
 * $IPCBENCH_LEDGER_COPY set, a run also appends "run <pid>" and every
 * object's line to that file, which it never removes. */
void ipcb_ledger_set(const char *path);

/* write down a System V object just made: kind "msg", "shm" or "sem" */
void ipcb_ledger_sysv(const char *kind, int id);

/* write down a daemon the run started (run/daemon.h), by its pid and its
 * start time, since a pid is reused; cleanup kills its process group */
void ipcb_ledger_daemon(pid_t pid);

/* the start time of process pid (/proc/<pid>/stat, clock ticks since
 * boot; a zombie's too), -1 when it is gone */
long long ipcb_process_start_time(pid_t pid);

/* Remove each object in the ledger at path that is still the one written
 * down (same owner, same creation time: an id can be reused by someone
 * else), and call removed() for each. */
void ipcb_ledger_drain(const char *path,
                       void (*removed)(const char *kind, int id, void *arg), void *arg);

#endif
