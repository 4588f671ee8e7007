/* The only place that lists every transport and its variants, and the
 * questions asked of that list: find one by name, what limits its messages.
 * Which variants a transport has is a question for this list too
 * (transports/wait.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/transport.h"
#include "ipcbench/units.h"
#include "transports/wait.h"

extern const struct ipcb_transport ipcb_pipe;
extern const struct ipcb_transport ipcb_fifo;
extern const struct ipcb_transport ipcb_unix;
extern const struct ipcb_transport ipcb_unix_dgram;
extern const struct ipcb_transport ipcb_unix_seqpacket;
extern const struct ipcb_transport ipcb_tcp;
extern const struct ipcb_transport ipcb_udp;
extern const struct ipcb_transport ipcb_sysv_mq;
extern const struct ipcb_transport ipcb_posix_mq;
extern const struct ipcb_transport ipcb_shm;
extern const struct ipcb_transport ipcb_shm_sysv_sem;
extern const struct ipcb_transport ipcb_shm_futex;
extern const struct ipcb_transport ipcb_shm_eventfd;
extern const struct ipcb_transport ipcb_shm_spin;
extern const struct ipcb_transport ipcb_shm_condvar;
extern const struct ipcb_transport ipcb_shm_signal;
extern const struct ipcb_transport ipcb_signal;
extern const struct ipcb_transport ipcb_sysv_mq_spin;
extern const struct ipcb_transport ipcb_mmap;
extern const struct ipcb_transport ipcb_mmap_sysv_sem;
extern const struct ipcb_transport ipcb_mmap_futex;
extern const struct ipcb_transport ipcb_mmap_eventfd;
extern const struct ipcb_transport ipcb_mmap_spin;
extern const struct ipcb_transport ipcb_mmap_condvar;
extern const struct ipcb_transport ipcb_mmap_signal;
extern const struct ipcb_transport ipcb_sysv_shm;
IPCB_FD_WAIT_EXTERNS(ipcb_pipe);
IPCB_FD_WAIT_EXTERNS(ipcb_fifo);
IPCB_FD_WAIT_EXTERNS(ipcb_unix);
IPCB_FD_WAIT_EXTERNS(ipcb_unix_dgram);
IPCB_FD_WAIT_EXTERNS(ipcb_unix_seqpacket);
IPCB_FD_WAIT_EXTERNS(ipcb_tcp);
IPCB_FD_WAIT_EXTERNS(ipcb_udp);
IPCB_FD_WAIT_EXTERNS(ipcb_posix_mq);

static const struct ipcb_transport *const all[] = {
    &ipcb_pipe,
    &ipcb_fifo,
    &ipcb_unix,
    &ipcb_unix_dgram,
    &ipcb_unix_seqpacket,
    &ipcb_tcp,
    &ipcb_udp,
    &ipcb_sysv_mq,
    &ipcb_posix_mq,
    &ipcb_shm,
    &ipcb_mmap,
    &ipcb_sysv_shm,
    &ipcb_signal,
    /* IPCB_VARIANT: a transport with another wait strategy (--wait), in
     * the order --wait all makes rows */
    IPCB_FD_WAIT_ENTRIES(ipcb_pipe),
    IPCB_FD_WAIT_ENTRIES(ipcb_fifo),
    IPCB_FD_WAIT_ENTRIES(ipcb_unix),
    IPCB_FD_WAIT_ENTRIES(ipcb_unix_dgram),
    IPCB_FD_WAIT_ENTRIES(ipcb_unix_seqpacket),
    IPCB_FD_WAIT_ENTRIES(ipcb_tcp),
    IPCB_FD_WAIT_ENTRIES(ipcb_udp),
    &ipcb_sysv_mq_spin,
    IPCB_FD_WAIT_ENTRIES(ipcb_posix_mq),
    &ipcb_shm_sysv_sem,
    &ipcb_shm_futex,
    &ipcb_shm_eventfd,
    &ipcb_shm_spin,
    &ipcb_mmap_sysv_sem,
    &ipcb_mmap_futex,
    &ipcb_mmap_eventfd,
    &ipcb_mmap_spin,
    &ipcb_mmap_condvar,
    &ipcb_mmap_signal,
    &ipcb_shm_condvar,
    &ipcb_shm_signal,
};

void ipcb_transport_limit(const struct ipcb_transport *t, struct ipcb_limit *lim)
{
    *lim = (struct ipcb_limit){0};
    if (!t->limit && t->base)
        t = t->base; /* a variant carries what its base carries */
    if (t->limit)
        t->limit(lim);
}

int ipcb_check_limit(const struct ipcb_transport *t, uint64_t size, int with_hint,
                     char *buf, size_t len)
{
    struct ipcb_limit lim;
    ipcb_transport_limit(t, &lim);
    if (lim.max_message == 0 || size <= lim.max_message)
        return 0;
    char sz[32];
    ipcb_format_size(size, sz, sizeof sz);
    int n = snprintf(buf, len, "%s exceeds %s's limit of %zu bytes", sz, t->name,
                     lim.max_message);
    if (n < 0 || (size_t)n >= len)
        return -EMSGSIZE;
    if (lim.ceiling && size > lim.ceiling)
        snprintf(buf + n, len - (size_t)n, " (a kernel ceiling no setting raises)");
    else if (lim.setting && with_hint)
        snprintf(buf + n, len - (size_t)n, " (%s); raise it with sysctl %s=%llu",
                 lim.setting, lim.setting, (unsigned long long)size);
    else if (lim.setting)
        snprintf(buf + n, len - (size_t)n, " (%s)", lim.setting);
    else if (lim.fixed)
        snprintf(buf + n, len - (size_t)n, " (%s, which no setting raises)", lim.fixed);
    return -EMSGSIZE;
}

const struct ipcb_transport *const *ipcb_transports(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

const struct ipcb_transport *ipcb_transport_find(const char *name)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}
