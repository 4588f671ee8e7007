/* sysv-shm: shm's two rings (shm_pair.h) in a System V segment (shmget
 * IPC_PRIVATE, 0600), attached in the parent and inherited by both sides
 * through fork, waiting on a System V semaphore set (shm_notify.c's
 * sysv-sem). The segment is written to the run's ledger, so `ipcbench
 * cleanup` finds it after a SIGKILL, and marked for removal (IPC_RMID) as
 * soon as both sides hold it: the kernel frees it when the last one exits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "transports/ledger.h"
#include "transports/shm_options.h"
#include "transports/shm_pair.h"

#define NOTIFY IPCB_NOTIFY_SYSV_SEM

struct sysv_shm_chan {
    struct ipcb_shm_pair r; /* first: the shared ring operations find it */
    int id;                  /* the segment; -1 once removed */
};

/* A segment is bounded by kernel.shmmax (bytes) and kernel.shmall (pages,
 * for all segments together): the largest message is the one whose two
 * rings of --ring-slots slots still fit the smaller of the two. */
static void sysv_shm_limit(struct ipcb_limit *lim)
{
    size_t shmmax = ipcb_read_sysctl("/proc/sys/kernel/shmmax");
    size_t shmall = ipcb_read_sysctl("/proc/sys/kernel/shmall");
    size_t page = (size_t)sysconf(_SC_PAGESIZE), all_bytes;
    if (shmmax == 0 || shmall == 0)
        return; /* unreadable: create() reports what shmget says */
    if (__builtin_mul_overflow(shmall, page, &all_bytes))
        all_bytes = SIZE_MAX;
    int all_binds = all_bytes < shmmax;
    size_t cap = all_binds ? all_bytes : shmmax;
    unsigned slots = ipcb_ring_slots();
    /* the most a slot header can say; above it no setting helps */
    size_t lo = 0, hi = (size_t)UINT32_MAX - 1024;
    size_t top = ipcb_shm_ring_bytes(hi, slots);
    if (top != 0 && top <= cap / 2)
        return; /* more than any message can be: no limit from the kernel */
    while (lo < hi) { /* the largest size whose rings fit */
        size_t mid = lo + (hi - lo + 1) / 2, one = ipcb_shm_ring_bytes(mid, slots);
        if (one != 0 && one <= cap / 2)
            lo = mid;
        else
            hi = mid - 1;
    }
    lim->max_message = lo ? lo : 1;
    lim->setting = all_binds ? "kernel.shmall" : "kernel.shmmax";
}

static void sysv_shm_destroy(struct ipcb_chan *c)
{
    struct sysv_shm_chan *p = c->priv;
    if (!p)
        return;
    /* both children are reaped by now: no one waits on the rings */
    ipcb_shm_pair_fini(&p->r);
    if (p->r.base)
        shmdt(p->r.base);
    if (p->id >= 0)
        shmctl(p->id, IPC_RMID, NULL);
    free(p);
    c->priv = NULL;
}

static int sysv_shm_create(struct ipcb_chan *c)
{
    int err;
    struct sysv_shm_chan *p = ipcb_shm_pair_new(c, NOTIFY, sizeof *p, &err);
    if (!p)
        return err;
    size_t bytes = p->r.bytes;
    p->id = shmget(IPC_PRIVATE, bytes, IPC_CREAT | IPC_EXCL | 0600);
    if (p->id < 0) {
        err = -errno;
        if (err == -EINVAL || err == -ENOSPC || err == -ENOMEM)
            ipcb_chan_error(c, "shmget of %zu bytes (2 rings x %u slots x %zu bytes): %s "
                            "(kernel.shmmax, kernel.shmall and kernel.shmmni bound it); "
                            "raise them with sysctl or lower --ring-slots",
                            bytes, ipcb_ring_slots(), c->msg_max, strerror(-err));
        else
            ipcb_chan_error(c, "shmget of %zu bytes: %s", bytes, strerror(-err));
        goto fail;
    }
    ipcb_ledger_sysv("shm", p->id);
    void *base = shmat(p->id, NULL, 0);
    if (base == (void *)-1) {
        err = ipcb_chan_errno(c, "shmat");
        goto fail;
    }
    p->r.base = base;
    err = ipcb_shm_pair_init(c, &p->r, NOTIFY);
    if (err == 0)
        return 0;
fail:
    sysv_shm_destroy(c); /* leaves nothing behind, and a later destroy() is a no-op */
    return err;
}

/* both sides are attached: the segment can go now, and lives on until the
 * last of them detaches, so no run can leave it behind from here on */
static void sysv_shm_opened(struct ipcb_chan *c)
{
    struct sysv_shm_chan *p = c->priv;
    if (p->id >= 0 && shmctl(p->id, IPC_RMID, NULL) == 0)
        p->id = -1;
    ipcb_shm_pair_opened(&p->r);
}

static const struct ipcb_option *const sysv_shm_options[] = { &ipcb_opt_ring_slots, NULL };

const struct ipcb_transport ipcb_sysv_shm = {
    .name = "sysv-shm",
    .summary = "System V shared memory segment holding shm's rings, System V semaphores",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX, .wait_default = "sysv-sem",
    .limit = sysv_shm_limit, .create = sysv_shm_create, .open = ipcb_shm_pair_open,
    .opened = sysv_shm_opened, .send = ipcb_shm_pair_send, .recv = ipcb_shm_pair_recv,
    .close = ipcb_shm_pair_close, .destroy = sysv_shm_destroy, .options = sysv_shm_options,
    .memory = ipcb_shm_pair_memory,
};
