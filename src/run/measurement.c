/* One measurement in the parent: create the channels a pattern asks for,
 * fork its sides (once per group with --pairs), hold them at a start
 * barrier, watch them with a deadline, collect what they measured and
 * destroy the channels. It never sits on the timed path and never names a
 * pattern or a transport: both are tables. */
#include "run/measurement.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure/clock.h"
#include "run/progress.h"
#include "run/side.h"
#include "run/side_process.h"

static volatile sig_atomic_t interrupted_by;

static void on_signal(int sig)
{
    if (!interrupted_by)
        interrupted_by = sig;
}

void ipcb_stop_signals_catch(struct sigaction old[2])
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

void ipcb_stop_signals_restore(const struct sigaction old[2])
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
}

int ipcb_stop_signal(void)
{
    return interrupted_by;
}

static int pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void kill_children(struct ipcb_measurement *m)
{
    for (size_t i = 0; i < m->n_procs; i++)
        if (m->proc[i].pid > 0 && !m->proc[i].done) {
            kill(m->proc[i].pid, SIGKILL);
            m->proc[i].killed_by_us = 1;
        }
}

static void reap(struct ipcb_child *c)
{
    if (c->pid <= 0 || c->done)
        return;
    if (waitpid(c->pid, &c->status, WNOHANG) == c->pid)
        c->done = 1;
}

static void reap_blocking(struct ipcb_child *c)
{
    if (c->pid <= 0 || c->done)
        return;
    while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
        ;
    c->done = 1;
}

static int child_ok(const struct ipcb_child *c)
{
    return c->done && WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

static int all_done(const struct ipcb_measurement *m)
{
    for (size_t i = 0; i < m->n_procs; i++)
        if (m->proc[i].pid > 0 && !m->proc[i].done)
            return 0;
    return 1;
}

/* "producer", "pair 3 producer", or "stage 2" (its place in the group)
 * when several sides share the role */
static const char *who(const struct ipcb_measurement *m, size_t i, char *buf, size_t len)
{
    const unsigned side = (unsigned)(i % m->lay.n_sides);
    const char *role = m->lay.sides[side].role;
    unsigned alike = 0;
    for (unsigned s = 0; s < m->lay.n_sides; s++)
        alike += strcmp(m->lay.sides[s].role, role) == 0;
    char pair[32] = "", place[16] = "";
    if (m->groups > 1)
        snprintf(pair, sizeof pair, "pair %zu ", i / m->lay.n_sides + 1);
    if (alike > 1)
        snprintf(place, sizeof place, " %u", side);
    snprintf(buf, len, "%s%s%s", pair, role, place);
    return buf;
}

/* why the measurement failed, in one line, naming the side and how */
static void failure_reason(const struct ipcb_measurement *m, char *out, size_t len)
{
    char name[64];
    if (m->threads)
        snprintf(name, sizeof name, "the process of the sides' threads");
    /* a side killed by a signal it did not get from us is the cause */
    for (size_t i = 0; i < m->n_procs; i++) {
        const struct ipcb_child *c = &m->proc[i];
        if (c->done && WIFSIGNALED(c->status) && !c->killed_by_us) {
            int sig = WTERMSIG(c->status);
            snprintf(out, len, "%s killed by signal %d (SIG%s)",
                     m->threads ? name : who(m, i, name, sizeof name),
                     sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
            return;
        }
    }
    /* of sides that failed, the first one is the cause (a consumer that found
     * a wrong message closes the channel and the producer then fails) */
    const struct ipcb_side_result *first = NULL;
    size_t first_i = 0;
    for (size_t i = 0; i < m->n_procs; i++) {
        const struct ipcb_side_result *res = ipcb_proc_result(m, i);
        if (res->failed && (!first || res->failed_ns < first->failed_ns)) {
            first = res;
            first_i = i;
        }
    }
    if (first) {
        snprintf(out, len, "%s: %.440s", who(m, first_i, name, sizeof name), first->error);
        return;
    }
    for (size_t i = 0; i < m->n_procs; i++) {
        const struct ipcb_child *c = &m->proc[i];
        if (c->done && WIFEXITED(c->status) && WEXITSTATUS(c->status) != 0) {
            snprintf(out, len, "%s exited with status %d",
                     m->threads ? name : who(m, i, name, sizeof name),
                     WEXITSTATUS(c->status));
            return;
        }
    }
    snprintf(out, len, "a side ended without a result");
}

/* messages done so far: the pattern's first side's, and the timed side's */
static void progress_of(const struct ipcb_measurement *m, uint64_t *first, uint64_t *timed)
{
    *first = *timed = 0;
    for (size_t g = 0; g < m->groups; g++) {
        struct ipcb_shared *sh = ipcb_group_shared(m, g);
        *first += atomic_load_explicit(&sh->side[0].progress, memory_order_relaxed);
        *timed += atomic_load_explicit(&sh->side[m->lay.timed_side].progress,
                                       memory_order_relaxed);
    }
}

/* a side said ready; once every side has, the channels hear that the
 * barrier opens, and it opens */
static void count_ready(struct ipcb_measurement *m, int ready_fd, int *go_fd)
{
    char buf[IPCB_MAX_GROUPS * IPCB_MAX_SIDES];
    ssize_t n = read(ready_fd, buf, sizeof buf);
    if (n > 0)
        m->ready += (int)n;
    if (m->ready < (int)m->n_procs)
        return;
    for (size_t k = 0; k < m->n_chans; k++)
        if (m->chan[k].t->opened)
            m->chan[k].t->opened(&m->chan[k]);
    close(*go_fd); /* every side leaves the barrier together */
    *go_fd = -1;
}

/* true when a side has failed: the others are stopped and r says why */
static int side_failed(struct ipcb_measurement *m, struct ipcb_result *r)
{
    int any_failed = 0;
    for (size_t i = 0; i < m->n_procs; i++)
        if (m->proc[i].done && !child_ok(&m->proc[i]))
            any_failed = 1;
    if (!any_failed)
        return 0;
    /* a side that failed because its peer died: let the peer's own exit
     * land first, so the cause is reported and not the echo */
    for (size_t i = 0; i < m->n_procs; i++)
        if (!m->proc[i].done && m->proc[i].pidfd >= 0) {
            struct pollfd one = {.fd = m->proc[i].pidfd, .events = POLLIN};
            poll(&one, 1, m->groups == 1 ? 200 : 20);
            reap(&m->proc[i]);
        }
    kill_children(m);
    for (size_t i = 0; i < m->n_procs; i++)
        reap_blocking(&m->proc[i]);
    r->status = IPCB_FAILED;
    failure_reason(m, r->reason, sizeof r->reason);
    return 1;
}

/* how far the sides are (progress_of), and when they last moved */
struct watch {
    uint64_t done_first, done_timed;
    uint64_t progress, changed_ns;  /* messages done and sides ready, and its time */
};

/* true when no side has moved for the plan's timeout: the sides are
 * killed and r says where they stood */
static int stalled(const struct ipcb_plan *p, struct ipcb_measurement *m, struct watch *w,
                   uint64_t now, struct ipcb_result *r)
{
    uint64_t moved = w->done_first + w->done_timed + (uint64_t)m->ready;
    if (moved != w->progress) {
        w->progress = moved;
        w->changed_ns = now;
        return 0;
    }
    if (now - w->changed_ns <= p->timeout_ns)
        return 0;
    kill_children(m);
    r->status = IPCB_FAILED;
    snprintf(r->reason, sizeof r->reason,
             "no progress for %.0f s (%s; %s at message %llu, %s at %llu)",
             (double)p->timeout_ns / 1e9,
             m->ready < (int)m->n_procs ? "still opening the channel" : "stuck in transfer",
             m->lay.sides[0].role, (unsigned long long)w->done_first,
             m->lay.sides[m->lay.timed_side ? m->lay.timed_side : 1].role,
             (unsigned long long)w->done_timed);
    return 1;
}

/* Watch every side until all have exited, one has failed, the run stopped
 * making progress, or a signal arrived. The barrier opens once every side
 * said ready. */
static void supervise(const struct ipcb_plan *p, struct ipcb_measurement *m, int ready_fd,
                      int *go_fd, const struct ipcb_progress *pg, struct ipcb_result *r)
{
    const int sides = (int)m->n_procs;
    struct watch w = {.progress = UINT64_MAX, .changed_ns = ipcb_now_ns()};
    struct pollfd fds[IPCB_MAX_GROUPS * IPCB_MAX_SIDES + 1];

    while (!all_done(m)) {
        for (int i = 0; i < sides; i++)
            fds[i] = (struct pollfd){.fd = m->proc[i].done ? -1 : m->proc[i].pidfd,
                                     .events = POLLIN};
        fds[sides] = (struct pollfd){.fd = m->ready < sides ? ready_fd : -1, .events = POLLIN};
        poll(fds, (nfds_t)sides + 1, 100);

        if (m->ready < sides && (fds[sides].revents & POLLIN))
            count_ready(m, ready_fd, go_fd);
        for (int i = 0; i < sides; i++)
            reap(&m->proc[i]);

        if (interrupted_by) {
            kill_children(m);
            r->status = IPCB_INTERRUPTED;
            snprintf(r->reason, sizeof r->reason, "interrupted by SIG%s",
                     sigabbrev_np(interrupted_by));
            break;
        }
        if (side_failed(m, r))
            break;
        const uint64_t now = ipcb_now_ns();
        progress_of(m, &w.done_first, &w.done_timed);
        if (stalled(p, m, &w, now, r))
            break;
        ipcb_progress_show(pg, w.done_timed / m->groups, now);
    }
    for (int i = 0; i < sides; i++)
        reap_blocking(&m->proc[i]);
}

/* the shared area: per group its counters and one result per side, each
 * group on its own cache lines */
static int map_shared(const struct ipcb_plan *p, struct ipcb_measurement *m)
{
    size_t bytes = sizeof(struct ipcb_shared) +
                   m->lay.n_sides * sizeof(struct ipcb_side_result);
    m->group_bytes = (bytes + 63) & ~(size_t)63;
    void *area = mmap(NULL, m->groups * m->group_bytes, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        return -errno;
    m->shared = area;
    for (size_t g = 0; g < m->groups; g++) {
        struct ipcb_shared *sh = ipcb_group_shared(m, g);
        sh->n_sides = m->lay.n_sides;
        for (unsigned s = 0; s < m->lay.n_sides; s++) {
            ipcb_hist_init(&sh->side[s].hist);
            ipcb_hist_init(&sh->side[s].hist_uncorrected);
        }
        atomic_store(&sh->total, p->count ? p->warmup + p->count : UINT64_MAX);
    }
    return 0;
}

/* a measurement of the pattern's layout, its result area mapped; NULL with
 * r telling why not */
static struct ipcb_measurement *new_measurement(const struct ipcb_plan *p,
                                                const struct ipcb_transport *t,
                                                const struct ipcb_pattern *pat,
                                                struct ipcb_result *r)
{
    struct ipcb_measurement *m = calloc(1, sizeof *m);
    if (!m) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "out of memory");
        return NULL;
    }
    m->pat = pat;
    m->threads = p->sides_threads;
    ipcb_pattern_layout(pat, &m->lay);
    if (pat->layout_on)
        pat->layout_on(&m->lay, t);
    m->groups = p->groups ? p->groups : 1;
    m->n_chans = m->groups * m->lay.n_channels;
    m->n_procs = m->groups * m->lay.n_sides;
    for (size_t i = 0; i < m->n_procs; i++)
        m->proc[i] = (struct ipcb_child){.pid = -1, .pidfd = -1};
    int rc = map_shared(p, m);
    if (rc < 0) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "mmap of the result area: %s", strerror(-rc));
        free(m);
        return NULL;
    }
    return m;
}

/* every group's channels; 0, or -1 with r telling why not. m->created
 * counts the channels to destroy, a create that failed halfway among them,
 * since it can leave objects too. */
static int create_channels(const struct ipcb_transport *t, uint64_t size,
                           struct ipcb_measurement *m, struct ipcb_result *r)
{
    for (; m->created < m->n_chans; m->created++) {
        struct ipcb_chan *chan = &m->chan[m->created];
        *chan = (struct ipcb_chan){.t = t, .msg_max = (size_t)size, .recv_timeout_ms = 100,
                                   .use = m->pat->needs | m->pat->uses};
        int rc = t->create(chan);
        if (rc == -EOPNOTSUPP && chan->err[0]) {
            /* refused on this machine (transport.h): a skip, not a failure */
            r->status = IPCB_SKIPPED;
            snprintf(r->reason, sizeof r->reason, "%.400s", chan->err);
        } else if (rc < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "create: %.300s%s",
                     chan->err[0] ? chan->err : strerror(-rc), ipcb_limit_hint(-rc));
        }
        if (rc < 0) {
            m->created++;
            return -1;
        }
    }
    return 0;
}

/* every side forked and watched by a pidfd; 0, or -1 with r telling why not */
static int fork_sides(const struct ipcb_plan *p, struct ipcb_measurement *m, uint64_t size,
                      const int ready[2], const int go[2], struct ipcb_result *r)
{
    pid_t parent = getpid();
    fflush(NULL); /* a child must not flush the parent's buffered output again */
    /* --sides threads: one child, proc[0], whose threads are all the sides */
    const size_t forks = m->threads ? 1 : m->n_procs;
    for (size_t i = 0; i < forks; i++) {
        struct ipcb_child *c = &m->proc[i];
        c->pid = fork();
        if (c->pid == 0) {
            close(ready[0]);
            close(go[1]);
            if (m->threads)
                ipcb_side_threads(p, m, size, parent, ready[1], go[0]);
            ipcb_side_process(p, m, i, size, parent, ready[1], go[0]);
        }
        if (c->pid < 0) {
            r->status = IPCB_FAILED;
            /* fork's EAGAIN is the process count, not memory */
            snprintf(r->reason, sizeof r->reason, "fork: %s%s", strerror(errno),
                     errno == EAGAIN ? " (the per-user process limit: raise it with "
                                       "ulimit -u)" : ipcb_limit_hint(errno));
            return -1;
        }
        c->pidfd = pidfd_open(c->pid);
        if (c->pidfd < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "pidfd_open: %s%s", strerror(errno),
                     ipcb_limit_hint(errno));
            return -1;
        }
    }
    return 0;
}

/* the sides forked, released together and watched to the end; r gets their
 * figures when every side finished well */
static void run_sides(const struct ipcb_plan *p, struct ipcb_measurement *m, uint64_t size,
                      int ready[2], int go[2], const struct ipcb_progress *pg,
                      struct ipcb_result *r)
{
    if (fork_sides(p, m, size, ready, go, r) != 0)
        return;
    close(ready[1]);
    ready[1] = -1;
    close(go[0]);
    go[0] = -1;
    r->status = IPCB_OK;
    supervise(p, m, ready[0], &go[1], pg, r);
    if (r->status != IPCB_OK)
        return;
    for (size_t i = 0; i < m->n_procs; i++)
        if (m->proc[i].pid > 0 && !child_ok(&m->proc[i])) {
            r->status = IPCB_FAILED;
            failure_reason(m, r->reason, sizeof r->reason);
            return;
        }
    ipcb_aggregate(m, r);
}

void ipcb_measure(const struct ipcb_plan *p, const struct ipcb_transport *t,
                  const struct ipcb_pattern *pat, uint64_t size,
                  const struct ipcb_progress *pg, struct ipcb_result *r)
{
    int ready[2] = {-1, -1}, go[2] = {-1, -1};
    r->sides = p->sides_threads ? "threads" : "processes";
    if (p->sides_threads && (t->flags & IPCB_PROCESSES_ONLY)) {
        r->status = IPCB_SKIPPED;
        snprintf(r->reason, sizeof r->reason, "%s addresses its peer by process (a signal to "
                 "its pid), which cannot reach one thread of a process: --sides processes",
                 t->name);
        return;
    }
    struct ipcb_measurement *m = new_measurement(p, t, pat, r);
    if (!m)
        return;
    if (create_channels(t, size, m, r) == 0) {
        if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "pipe: %s%s", strerror(errno),
                     ipcb_limit_hint(errno));
        } else {
            run_sides(p, m, size, ready, go, pg, r);
        }
    }
    /* every path: no side outlives its measurement, nor any channel */
    kill_children(m);
    for (size_t i = 0; i < m->n_procs; i++) {
        reap_blocking(&m->proc[i]);
        if (m->proc[i].pidfd >= 0)
            close(m->proc[i].pidfd);
    }
    for (int i = 0; i < 2; i++) {
        if (ready[i] >= 0) close(ready[i]);
        if (go[i] >= 0) close(go[i]);
    }
    for (size_t k = 0; k < m->created; k++)
        t->destroy(&m->chan[k]);
    munmap(m->shared, m->groups * m->group_bytes);
    free(m);
}
