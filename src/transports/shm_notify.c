/* How the two sides of a shm ring wait for each other, the strategies that
 * keep a count of their own: semaphores (POSIX, System V) and eventfds
 * count free and filled slots, and a wait takes one. The ring (shm_ring.c)
 * has already copied the message and moved head or tail when a post runs,
 * and copies only after a wait returned, so each strategy is just its wait
 * and its wake. The strategies that watch the ring's own counters instead
 * are in shm_notify_watch.c; the table of all of them ends this file. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/ledger.h"
#include "transports/shm_ring.h"

/* ---- sem: process-shared POSIX semaphores counting free and filled slots ---- */

static int psem_init(struct ipcb_shm_ring *r)
{
    if (sem_init(&r->room.sem, 1, r->slots) != 0)
        return -errno;
    if (sem_init(&r->filled.sem, 1, 0) != 0) {
        int err = errno;
        sem_destroy(&r->room.sem);
        return -err;
    }
    return 0;
}

static void psem_fini(struct ipcb_shm_ring *r)
{
    sem_destroy(&r->filled.sem);
    sem_destroy(&r->room.sem);
}

/* sem_wait (again after a signal handler interrupted it), or sem_trywait */
static int psem_take(sem_t *s, int block)
{
    while ((block ? sem_wait(s) : sem_trywait(s)) != 0)
        if (errno != EINTR)
            return -errno; /* EAGAIN: nothing to take */
    return 0;
}

static int psem_wait_room(struct ipcb_shm_ring *r, int block) { return psem_take(&r->room.sem, block); }
static int psem_wait_filled(struct ipcb_shm_ring *r, int block) { return psem_take(&r->filled.sem, block); }
static int psem_post_filled(struct ipcb_shm_ring *r) { return sem_post(&r->filled.sem) == 0 ? 0 : -errno; }
static int psem_post_room(struct ipcb_shm_ring *r) { return sem_post(&r->room.sem) == 0 ? 0 : -errno; }

const struct ipcb_shm_notify_ops ipcb_shm_notify_sem = {
    .init_call = "sem_init", .max_slots = SEM_VALUE_MAX,
    .init = psem_init, .fini = psem_fini,
    .wait_room = psem_wait_room, .post_filled = psem_post_filled,
    .wait_filled = psem_wait_filled, .post_room = psem_post_room,
};

/* ---- sysv-sem: the same counting, in a System V set of two ---- */

enum { SYSV_ROOM = 0, SYSV_FILLED = 1 };
#define SYSV_SEMVMX 32767 /* the largest value a System V semaphore holds (kernel SEMVMX) */

static int sysv_op(int semid, unsigned short num, short delta, int block)
{
    struct sembuf op = {.sem_num = num, .sem_op = delta, .sem_flg = block ? 0 : IPC_NOWAIT};
    while (semop(semid, &op, 1) != 0)
        if (errno != EINTR)
            return -errno; /* EAGAIN: IPC_NOWAIT and nothing to take */
    return 0;
}

static int sysv_init(struct ipcb_shm_ring *r)
{
    int id = semget(IPC_PRIVATE, 2, IPC_CREAT | IPC_EXCL | 0600);
    if (id < 0)
        return -errno;
    /* in the ledger before anything else can fail or a SIGKILL can land */
    ipcb_ledger_sysv("sem", id);
    /* a new set starts at zero; semop, not SETALL, fills the room count,
     * because SETALL would change the ctime the ledger identifies it by */
    int rc = sysv_op(id, SYSV_ROOM, (short)r->slots, 0);
    if (rc < 0) {
        semctl(id, 0, IPC_RMID);
        return rc;
    }
    r->semid = id;
    return 0;
}

static void sysv_fini(struct ipcb_shm_ring *r)
{
    semctl(r->semid, 0, IPC_RMID);
}

static int sysv_wait_room(struct ipcb_shm_ring *r, int block) { return sysv_op(r->semid, SYSV_ROOM, -1, block); }
static int sysv_wait_filled(struct ipcb_shm_ring *r, int block) { return sysv_op(r->semid, SYSV_FILLED, -1, block); }
static int sysv_post_filled(struct ipcb_shm_ring *r) { return sysv_op(r->semid, SYSV_FILLED, 1, 1); }
static int sysv_post_room(struct ipcb_shm_ring *r) { return sysv_op(r->semid, SYSV_ROOM, 1, 1); }

const struct ipcb_shm_notify_ops ipcb_shm_notify_sysv_sem = {
    .init_call = "semget", .max_slots = SYSV_SEMVMX,
    .init = sysv_init, .fini = sysv_fini,
    .wait_room = sysv_wait_room, .post_filled = sysv_post_filled,
    .wait_filled = sysv_wait_filled, .post_room = sysv_post_room,
};

/* ---- eventfd: two eventfds in semaphore mode, counting as sem does ----
 * Made in the parent before fork, so both children inherit them; the
 * parent closes its copies once both have opened (fini_at_open). */

static int efd_init(struct ipcb_shm_ring *r)
{
    r->room.fd = eventfd(r->slots, EFD_SEMAPHORE | EFD_CLOEXEC);
    if (r->room.fd < 0)
        return -errno;
    r->filled.fd = eventfd(0, EFD_SEMAPHORE | EFD_CLOEXEC);
    if (r->filled.fd < 0) {
        int err = errno;
        close(r->room.fd);
        return -err;
    }
    return 0;
}

static void efd_fini(struct ipcb_shm_ring *r)
{
    close(r->filled.fd);
    close(r->room.fd);
}

/* take one from the count. O_NONBLOCK would be shared with the other
 * process through the open file description, so a try polls first: only
 * this side takes from this descriptor, so what poll saw is still there */
static int efd_take(int fd, int block)
{
    uint64_t one;
    if (!block) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n;
        while ((n = poll(&p, 1, 0)) < 0)
            if (errno != EINTR)
                return -errno;
        if (n == 0)
            return -EAGAIN;
    }
    while (read(fd, &one, sizeof one) != (ssize_t)sizeof one)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static int efd_give(int fd)
{
    const uint64_t one = 1;
    while (write(fd, &one, sizeof one) != (ssize_t)sizeof one)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static int efd_wait_room(struct ipcb_shm_ring *r, int block) { return efd_take(r->room.fd, block); }
static int efd_wait_filled(struct ipcb_shm_ring *r, int block) { return efd_take(r->filled.fd, block); }
static int efd_post_filled(struct ipcb_shm_ring *r) { return efd_give(r->filled.fd); }
static int efd_post_room(struct ipcb_shm_ring *r) { return efd_give(r->room.fd); }

const struct ipcb_shm_notify_ops ipcb_shm_notify_eventfd = {
    .init_call = "eventfd", .max_slots = UINT_MAX, .fini_at_open = 1,
    .init = efd_init, .fini = efd_fini,
    .wait_room = efd_wait_room, .post_filled = efd_post_filled,
    .wait_filled = efd_wait_filled, .post_room = efd_post_room,
};

/* every strategy's table, by IPCB_NOTIFY_*, from shm_ring.h's one list */
const struct ipcb_shm_notify_ops *const ipcb_shm_notify_ops[IPCB_NOTIFY_COUNT] = {
#define NOTIFY_OPS_(ctx, e, id, name, what) [IPCB_NOTIFY_##e] = &ipcb_shm_notify_##id,
    IPCB_SHM_NOTIFY_LIST(NOTIFY_OPS_, _)
#undef NOTIFY_OPS_
};
