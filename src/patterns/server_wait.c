/* How the server of the server pattern waits across its clients' channels,
 * the way its wait strategy says:
 *  - descriptors (pipe, fifo, the sockets): a channel per client; the
 *    server waits on all the receiving descriptors at once. /poll waits in
 *    poll(), /spin calls poll() with a zero timeout over and over, and the
 *    default (blocking) transport and /epoll wait in epoll_wait(), the way
 *    a server of many clients is written; /uring submits a POLL_ADD per
 *    descriptor to one io_uring and waits on its completions, arming a
 *    descriptor again after its message is taken; then the ready channel's
 *    own recv takes the message.
 *  - queues (posix-mq, sysv-mq): every client sends into one request
 *    queue, so the queue's own blocking receive (or its /epoll, /poll ...
 *    variant's) is the wait.
 *  - rings (shm, mmap, sysv-shm): a ring pair per client. The server tries
 *    each request ring in turn (ipcb_shm_ring_try_get); under shm/spin it
 *    never stops (it yields every SPIN_ROUNDS rounds), under any other
 *    notify strategy it spins SPIN_ROUNDS rounds and then sleeps on one futex word all clients share, the
 *    doorbell: an event count that a client bumps after every request and
 *    wakes only when the server said it sleeps (the sleeping flag is set,
 *    the count read and the rings tried once more before FUTEX_WAIT, so a
 *    request that lands meanwhile either is found or changes the count). */
#include <errno.h>
#include <limits.h>
#include <liburing.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cpu_relax.h"
#include "patterns/server.h"
#include "transports/shm_pair.h"

#define SPIN_ROUNDS 200u

enum ipcb_server_wait_how { HOW_EPOLL, HOW_POLL, HOW_SPIN_POLL, HOW_URING, HOW_QUEUE, HOW_RINGS };

struct server_wait {
    struct ipcb_side_args *a;
    enum ipcb_server_wait_how how;
    unsigned n;                 /* channels in a->chans */
    unsigned next;              /* where the round of tries goes on */
    int epfd;
    int ring_spin;              /* rings under shm/spin: never sleep */
    struct io_uring uring;      /* HOW_URING: a poll per client in flight */
    int uring_ready;
    /* descriptors reported ready and not yet received from */
    unsigned ready[IPCB_MAX_ENDS], n_ready;
    struct pollfd pfd[IPCB_MAX_ENDS];
};

enum server_mode ipcb_server_mode(const struct ipcb_transport *t)
{
    if (t->recv == ipcb_shm_pair_recv)
        return SERVER_RINGS;
    if (t->io == IPCB_IO_POSIX_MQ || t->io == IPCB_IO_SYSV_MQ)
        return (t->flags & IPCB_SHARED_SEND) ? SERVER_QUEUE : SERVER_NONE;
    if (t->io == IPCB_IO_BYTES || t->io == IPCB_IO_DGRAM)
        return SERVER_DESCRIPTORS;
    return SERVER_NONE;
}

static int rfd_of(const struct ipcb_chan *c)
{
    return ((const struct ipcb_fds *)c->priv)->rfd;
}

/* channel k's descriptor watched by the ring again (submitted with the next wait) */
static int uring_arm(struct server_wait *w, unsigned k)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&w->uring);
    if (!sqe)
        return -EBUSY;
    io_uring_prep_poll_add(sqe, w->pfd[k].fd, POLLIN);
    io_uring_sqe_set_data(sqe, (void *)(uintptr_t)k);
    return 0;
}

static int open_uring(struct server_wait *w)
{
    int rc = io_uring_queue_init(w->n, &w->uring, 0);
    if (rc < 0)
        return ipcb_side_fail(w->a, "io_uring_queue_init: %s", strerror(-rc));
    w->uring_ready = 1;
    for (unsigned k = 0; k < w->n; k++)
        (void)uring_arm(w, k);  /* n entries for n clients: never full */
    return 0;
}

static int open_descriptors(struct server_wait *w)
{
    const struct ipcb_transport *t = w->a->chan->t;
    w->how = t->wait == IPCB_WAIT_POLL ? HOW_POLL
           : t->wait == IPCB_WAIT_SPIN ? HOW_SPIN_POLL
           : t->wait == IPCB_WAIT_URING ? HOW_URING : HOW_EPOLL;
    for (unsigned k = 0; k < w->n; k++)
        w->pfd[k] = (struct pollfd){.fd = rfd_of(w->a->chans[k]), .events = POLLIN};
    if (w->how == HOW_URING)
        return open_uring(w);
    if (w->how != HOW_EPOLL)
        return 0;
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (w->epfd < 0)
        return ipcb_side_fail(w->a, "epoll_create1: %s", strerror(errno));
    for (unsigned k = 0; k < w->n; k++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = k};
        if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->pfd[k].fd, &ev) != 0)
            return ipcb_side_fail(w->a, "epoll_ctl of client %u's descriptor: %s", k + 1,
                                  strerror(errno));
    }
    return 0;
}

struct server_wait *ipcb_server_wait_open(struct ipcb_side_args *a, unsigned n_chans,
                                          enum server_mode mode)
{
    struct server_wait *w = calloc(1, sizeof *w);
    if (!w) {
        ipcb_side_fail(a, "out of memory");
        return NULL;
    }
    *w = (struct server_wait){.a = a, .n = n_chans, .epfd = -1};
    if (mode == SERVER_QUEUE) {
        w->how = HOW_QUEUE;
    } else if (mode == SERVER_RINGS) {
        const struct ipcb_shm_pair *r = a->chan->priv;
        w->how = HOW_RINGS;
        w->ring_spin = r->rx->notify == IPCB_NOTIFY_SPIN;
    } else if (open_descriptors(w) != 0) {
        ipcb_server_wait_close(w);
        return NULL;
    }
    return w;
}

void ipcb_server_wait_close(struct server_wait *w)
{
    if (!w)
        return;
    if (w->epfd >= 0)
        close(w->epfd);
    if (w->uring_ready)
        io_uring_queue_exit(&w->uring);
    free(w);
}

/* the polls completed now, into w->ready: at least one, since those of a
 * descriptor whose client said goodbye are left out */
static int take_completions(struct server_wait *w)
{
    struct io_uring_cqe *cqe;
    while (io_uring_peek_cqe(&w->uring, &cqe) == 0) {
        unsigned k = (unsigned)(uintptr_t)io_uring_cqe_get_data(cqe);
        int res = cqe->res;
        io_uring_cqe_seen(&w->uring, cqe);
        if (res < 0)
            return res;
        if (k < w->n && w->pfd[k].fd >= 0)
            w->ready[w->n_ready++] = k;
    }
    return 0;
}

static int wait_uring(struct server_wait *w)
{
    while (w->n_ready == 0) {
        int rc = io_uring_submit_and_wait(&w->uring, 1);
        if (rc == -EINTR)
            continue;
        if (rc < 0)
            return rc;
        rc = take_completions(w);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* the descriptors ready now, into w->ready; 0 or -errno */
static int wait_descriptors(struct server_wait *w)
{
    int n;
    if (w->how == HOW_URING)
        return wait_uring(w);
    if (w->how == HOW_EPOLL) {
        struct epoll_event ev[IPCB_MAX_ENDS];
        do
            n = epoll_wait(w->epfd, ev, (int)w->n, -1);
        while (n < 0 && errno == EINTR);
        for (int i = 0; i < n; i++)
            w->ready[w->n_ready++] = ev[i].data.u32;
        return n < 0 ? -errno : 0;
    }
    do {
        n = poll(w->pfd, w->n, w->how == HOW_POLL ? -1 : 0);
        if (n == 0)
            ipcb_cpu_relax();
    } while ((n < 0 && errno == EINTR) || n == 0);
    if (n < 0)
        return -errno;
    /* from where the last round stopped, so no client is always first */
    for (unsigned i = 0; i < w->n; i++) {
        unsigned k = (w->next + i) % w->n;
        if (w->pfd[k].revents)
            w->ready[w->n_ready++] = k;
    }
    w->next = (w->next + 1) % w->n;
    return 0;
}

/* one round over the request rings from where the last one stopped */
static ssize_t try_rings(struct server_wait *w, unsigned char *buf, size_t len, unsigned *from)
{
    for (unsigned i = 0; i < w->n; i++) {
        unsigned k = (w->next + i) % w->n;
        const struct ipcb_shm_pair *r = w->a->chans[k]->priv;
        ssize_t got = ipcb_shm_ring_try_get(r->rx, buf, len);
        if (got != -EAGAIN) {
            w->next = (k + 1) % w->n;
            *from = k;
            return got;
        }
    }
    return -EAGAIN;
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val)
{
    return syscall(SYS_futex, (uint32_t *)word, op, val, NULL, NULL, 0);
}

static ssize_t next_on_rings(struct server_wait *w, unsigned char *buf, size_t len,
                             unsigned *from)
{
    struct ipcb_shared *sh = w->a->sh;
    for (unsigned round = 0;; round++) {
        ssize_t got = try_rings(w, buf, len, from);
        if (got != -EAGAIN)
            return got;
        if (round < SPIN_ROUNDS) {
            ipcb_cpu_relax();
            continue;
        }
        /* spin yields now and then, as the ring's own spin wait does, so a
         * client on the same CPU gets to run */
        if (w->ring_spin) {
            sched_yield();
            round = 0;
            continue;
        }
        atomic_store(&sh->doorbell_sleeping, 1);
        uint32_t seen = atomic_load(&sh->doorbell);
        got = try_rings(w, buf, len, from);
        if (got == -EAGAIN && futex(&sh->doorbell, FUTEX_WAIT, seen) != 0 &&
            errno != EAGAIN && errno != EINTR)
            got = -errno;
        atomic_store(&sh->doorbell_sleeping, 0);
        if (got != -EAGAIN)
            return got;
        round = 0;
    }
}

void ipcb_server_forget(struct server_wait *w, unsigned k)
{
    if (w->how == HOW_EPOLL)
        epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->pfd[k].fd, NULL);
    w->pfd[k].fd = -1;
    /* a readiness reported with the goodbye is stale now */
    for (unsigned i = 0; i < w->n_ready; i++)
        if (w->ready[i] == k)
            w->ready[i--] = w->ready[--w->n_ready];
}

void ipcb_server_doorbell(struct ipcb_side_args *a)
{
    struct ipcb_shared *sh = a->sh;
    atomic_fetch_add(&sh->doorbell, 1);
    if (atomic_load(&sh->doorbell_sleeping))
        futex(&sh->doorbell, FUTEX_WAKE, INT_MAX);
}

ssize_t ipcb_server_next(struct server_wait *w, unsigned char *buf, size_t len,
                         unsigned *from)
{
    struct ipcb_chan *const *chans = w->a->chans;
    if (w->how == HOW_QUEUE) {
        *from = 0;
        return chans[0]->t->recv(chans[0], buf, len);
    }
    if (w->how == HOW_RINGS)
        return next_on_rings(w, buf, len, from);
    if (w->n_ready == 0) {
        int rc = wait_descriptors(w);
        if (rc < 0)
            return rc;
    }
    unsigned k = w->ready[--w->n_ready];
    *from = k;
    ssize_t got = chans[k]->t->recv(chans[k], buf, len);
    /* a goodbye's poll is armed too, and its completion left out */
    if (w->how == HOW_URING && got >= 0 && uring_arm(w, k) != 0)
        return -EBUSY;
    return got;
}
