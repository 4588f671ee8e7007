/* The driver: for each measurement, create the channels a pattern asks for,
 * fork its sides (once per group with --pairs), hold them at a start
 * barrier, watch them with a deadline, collect what they measured and
 * destroy the channels. It never sits on the timed path and never names a
 * pattern or a transport: both are tables. */
#include "run/driver.h"

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
#include "measure/hw_floor.h"
#include "run/measurement.h"
#include "run/side_process.h"
#include "run/progress.h"
#include "run/repeats.h"
#include "run/side.h"
#include "transports/ledger.h"
#include "transports/private_dir.h"

static volatile sig_atomic_t interrupted_by;

static void on_signal(int sig)
{
    if (!interrupted_by)
        interrupted_by = sig;
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
    /* a side killed by a signal it did not get from us is the cause */
    for (size_t i = 0; i < m->n_procs; i++) {
        const struct ipcb_child *c = &m->proc[i];
        if (c->done && WIFSIGNALED(c->status) && !c->killed_by_us) {
            int sig = WTERMSIG(c->status);
            snprintf(out, len, "%s killed by signal %d (SIG%s)", who(m, i, name, sizeof name),
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
            snprintf(out, len, "%s exited with status %d", who(m, i, name, sizeof name),
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

/* Watch every side until all have exited, one has failed, the run stopped
 * making progress, or a signal arrived. The barrier opens once every side
 * said ready. */
static void supervise(const struct ipcb_plan *p, struct ipcb_measurement *m, int ready_fd,
                      int *go_fd, const struct ipcb_progress *pg, struct ipcb_result *r)
{
    const int sides = (int)m->n_procs;
    uint64_t last_progress = UINT64_MAX, last_change = ipcb_now_ns();
    struct pollfd fds[IPCB_MAX_GROUPS * IPCB_MAX_SIDES + 1];

    while (!all_done(m)) {
        for (int i = 0; i < sides; i++)
            fds[i] = (struct pollfd){.fd = m->proc[i].done ? -1 : m->proc[i].pidfd,
                                     .events = POLLIN};
        fds[sides] = (struct pollfd){.fd = m->ready < sides ? ready_fd : -1, .events = POLLIN};
        poll(fds, (nfds_t)sides + 1, 100);

        if (m->ready < sides && (fds[sides].revents & POLLIN)) {
            char buf[IPCB_MAX_GROUPS * IPCB_MAX_SIDES];
            ssize_t n = read(ready_fd, buf, sizeof buf);
            if (n > 0)
                m->ready += (int)n;
            if (m->ready >= sides) {
                for (size_t k = 0; k < m->n_chans; k++)
                    if (m->chan[k].t->opened)
                        m->chan[k].t->opened(&m->chan[k]);
                close(*go_fd); /* every side leaves the barrier together */
                *go_fd = -1;
            }
        }
        for (int i = 0; i < sides; i++)
            reap(&m->proc[i]);

        if (interrupted_by) {
            kill_children(m);
            r->status = IPCB_INTERRUPTED;
            snprintf(r->reason, sizeof r->reason, "interrupted by SIG%s",
                     sigabbrev_np(interrupted_by));
            break;
        }
        int any_failed = 0;
        for (int i = 0; i < sides; i++)
            if (m->proc[i].done && !child_ok(&m->proc[i]))
                any_failed = 1;
        if (any_failed) {
            /* a side that failed because its peer died: let the peer's own
             * exit land first, so the cause is reported and not the echo */
            for (int i = 0; i < sides; i++)
                if (!m->proc[i].done && m->proc[i].pidfd >= 0) {
                    struct pollfd one = {.fd = m->proc[i].pidfd, .events = POLLIN};
                    poll(&one, 1, m->groups == 1 ? 200 : 20);
                    reap(&m->proc[i]);
                }
            kill_children(m);
            for (int i = 0; i < sides; i++)
                reap_blocking(&m->proc[i]);
            r->status = IPCB_FAILED;
            failure_reason(m, r->reason, sizeof r->reason);
            break;
        }
        uint64_t now = ipcb_now_ns(), done_first, done_timed;
        progress_of(m, &done_first, &done_timed);
        uint64_t moved = done_first + done_timed + (uint64_t)m->ready;
        if (moved != last_progress) {
            last_progress = moved;
            last_change = now;
        } else if (now - last_change > p->timeout_ns) {
            kill_children(m);
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason,
                     "no progress for %.0f s (%s; %s at message %llu, %s at %llu)",
                     (double)p->timeout_ns / 1e9,
                     m->ready < sides ? "still opening the channel" : "stuck in transfer",
                     m->lay.sides[0].role, (unsigned long long)done_first,
                     m->lay.sides[m->lay.timed_side ? m->lay.timed_side : 1].role,
                     (unsigned long long)done_timed);
            break;
        }
        ipcb_progress_show(pg, done_timed / m->groups, now);
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

static void measure(const struct ipcb_plan *p, const struct ipcb_transport *t,
                    const struct ipcb_pattern *pat, uint64_t size,
                    const struct ipcb_progress *pg, struct ipcb_result *r)
{
    int ready[2] = {-1, -1}, go[2] = {-1, -1};
    struct ipcb_measurement *m = calloc(1, sizeof *m);
    if (!m) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "out of memory");
        return;
    }
    m->pat = pat;
    ipcb_pattern_layout(pat, &m->lay);
    const struct ipcb_layout *lay = &m->lay;
    m->groups = p->groups ? p->groups : 1;
    m->n_chans = m->groups * lay->n_channels;
    m->n_procs = m->groups * lay->n_sides;
    for (size_t i = 0; i < m->n_procs; i++)
        m->proc[i] = (struct ipcb_child){.pid = -1, .pidfd = -1};
    int rc = map_shared(p, m);
    if (rc < 0) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "mmap of the result area: %s", strerror(-rc));
        free(m);
        return;
    }

    for (; m->created < m->n_chans; m->created++) {
        struct ipcb_chan *chan = &m->chan[m->created];
        *chan = (struct ipcb_chan){.t = t, .msg_max = (size_t)size, .recv_timeout_ms = 100,
                                   .use = pat->needs};
        rc = t->create(chan);
        if (rc == -EOPNOTSUPP && chan->err[0]) {
            /* refused on this machine (transport.h): a skip, not a failure */
            r->status = IPCB_SKIPPED;
            snprintf(r->reason, sizeof r->reason, "%.400s", chan->err);
            m->created++;
            goto destroy;
        }
        if (rc < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "create: %.300s%s",
                     chan->err[0] ? chan->err : strerror(-rc), ipcb_limit_hint(-rc));
            m->created++; /* a create that failed halfway leaves objects too */
            goto destroy;
        }
    }
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "pipe: %s%s", strerror(errno), ipcb_limit_hint(errno));
        goto destroy;
    }
    pid_t parent = getpid();
    fflush(NULL); /* a child must not flush the parent's buffered output again */
    for (size_t i = 0; i < m->n_procs; i++) {
        struct ipcb_child *c = &m->proc[i];
        c->pid = fork();
        if (c->pid == 0) {
            close(ready[0]);
            close(go[1]);
            ipcb_side_process(p, m, i, size, parent, ready[1], go[0]);
        }
        if (c->pid < 0) {
            r->status = IPCB_FAILED;
            /* fork's EAGAIN is the process count, not memory */
            snprintf(r->reason, sizeof r->reason, "fork: %s%s", strerror(errno),
                     errno == EAGAIN ? " (the per-user process limit: raise it with "
                                       "ulimit -u)" : ipcb_limit_hint(errno));
            goto stop;
        }
        c->pidfd = pidfd_open(c->pid);
        if (c->pidfd < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "pidfd_open: %s%s", strerror(errno),
                     ipcb_limit_hint(errno));
            goto stop;
        }
    }
    close(ready[1]);
    ready[1] = -1;
    close(go[0]);
    go[0] = -1;

    r->status = IPCB_OK;
    supervise(p, m, ready[0], &go[1], pg, r);
    if (r->status == IPCB_OK) {
        int ok = 1;
        for (size_t i = 0; i < m->n_procs; i++)
            ok = ok && child_ok(&m->proc[i]);
        if (ok) {
            ipcb_aggregate(m, r);
        } else {
            r->status = IPCB_FAILED;
            failure_reason(m, r->reason, sizeof r->reason);
        }
    }
stop:
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
destroy:
    for (size_t k = 0; k < m->created; k++)
        t->destroy(&m->chan[k]);
    munmap(m->shared, m->groups * m->group_bytes);
    free(m);
}

/* A pattern that needs the cell's maximum first (calibrate_with) has it
 * measured now and handed over; 0 to go on, -1 with r telling why not. */
static int calibrate(const struct ipcb_plan *p, const struct ipcb_transport *t,
                     const struct ipcb_pattern *pat, uint64_t size,
                     const struct ipcb_progress *pg, struct ipcb_result *r)
{
    if (!pat->calibrate_with || !pat->calibrated)
        return 0;
    struct ipcb_result max = {.transport = t->name, .pattern = pat->calibrate_with->name,
                              .size_bytes = size, .latency_kind = ""};
    measure(p, t, pat->calibrate_with, size, pg, &max);
    free(max.hist);
    free(max.hist_uncorrected);
    free(max.pairs);
    if (max.status != IPCB_OK || !(max.msgs_per_s > 0)) {
        r->status = max.status == IPCB_OK ? IPCB_FAILED : max.status;
        snprintf(r->reason, sizeof r->reason, "measuring the %s maximum first: %.400s",
                 pat->calibrate_with->name, max.status == IPCB_OK ? "no rate" : max.reason);
        return -1;
    }
    r->max_per_s = max.msgs_per_s;
    pat->calibrated(pat, max.msgs_per_s);
    return 0;
}

static struct ipcb_result *new_row(struct ipcb_results *res)
{
    if (res->n_rows == res->cap_rows) {
        size_t cap = res->cap_rows ? res->cap_rows * 2 : 32;
        struct ipcb_result *rows = realloc(res->rows, cap * sizeof *rows);
        if (!rows)
            return NULL;
        res->rows = rows;
        res->cap_rows = cap;
    }
    struct ipcb_result *r = &res->rows[res->n_rows++];
    memset(r, 0, sizeof *r);
    return r;
}

/* a cell's row from its n measured repeats, handed on like any row */
static void emit_repeats(struct ipcb_results *res, struct ipcb_result *reps, size_t n,
                         ipcb_row_fn on_row, void *arg, int *outcome)
{
    struct ipcb_result *row = new_row(res);
    if (!row) {
        *outcome = 1;
        return;
    }
    ipcb_aggregate_repeats(row, reps, n);
    if (row->status == IPCB_FAILED)
        *outcome = 1;
    if (on_row)
        on_row(row, arg);
}

int ipcb_run_plan(const struct ipcb_plan *p, struct ipcb_results *res,
                  ipcb_row_fn on_row, ipcb_row_fn on_repeat, void *arg)
{
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    /* the hardware floor under this run's figures: from this boot's cache, or
     * measured now (about 0.1 s), with the handlers above already in place */
    ipcb_hwfloor_get(&res->meta.hw_floor, p->cpu);

    struct ipcb_progress pg = {.show = !p->quiet && isatty(STDERR_FILENO),
                               .of = p->n_transports * p->n_sizes * p->n_patterns,
                               .total = p->count ? p->warmup + p->count : 0,
                               .duration_ns = p->duration_ns};
    /* the run's private directory holds its ledger of System V objects */
    char run_dir[4096], ledger[4096 + 16];
    if (ipcb_private_dir(run_dir, sizeof run_dir) != 0)
        run_dir[0] = '\0';
    snprintf(ledger, sizeof ledger, "%s/ledger", run_dir);
    ipcb_ledger_set(run_dir[0] ? ledger : NULL);

    /* With --repeat R every cell is measured R times, round by round, so
     * that a slow phase of the machine lands on every cell alike; a cell's
     * row is made from its repeats after its last one. */
    const size_t n_cells = p->n_transports * p->n_patterns * p->n_sizes;
    const size_t rounds = p->repeat > 1 ? p->repeat : 1;
    struct ipcb_result *reps = NULL;
    size_t *done = NULL;        /* repeats measured of each cell, in reps[c * rounds ...] */
    unsigned char *emitted = NULL;
    int outcome = 0;
    if (rounds > 1 && (!(reps = calloc(n_cells * rounds, sizeof *reps)) ||
                       !(done = calloc(n_cells, sizeof *done)) ||
                       !(emitted = calloc(n_cells, 1)))) {
        outcome = 1;
        goto done;
    }
    pg.of *= rounds;
    for (size_t round = 0; round < rounds && !interrupted_by; round++) {
        for (size_t c = 0; c < n_cells && !interrupted_by; c++) {
            const struct ipcb_transport *t = p->transports[c / (p->n_patterns * p->n_sizes)];
            const struct ipcb_pattern *pat = p->patterns[c / p->n_sizes % p->n_patterns];
            const uint64_t size = p->sizes[c % p->n_sizes];
            if (pat->needs & ~t->flags)
                continue;   /* not a pair the pattern runs on (pattern.h) */
            const int once = rounds > 1 && round > 0 && reps[c * rounds].status != IPCB_OK;
            struct ipcb_result *r = rounds == 1 ? new_row(res) :
                                    &reps[c * rounds + (once ? 0 : round)];
            if (!r) {
                outcome = 1;
                goto done;
            }
            if (!once)
                *r = (struct ipcb_result){.transport = t->name, .pattern = pat->name,
                                          .size_bytes = size, .latency_kind = ""};
            char label[128], sz[32];
            ipcb_format_size(size, sz, sizeof sz);
            snprintf(label, sizeof label, rounds > 1 ? "%s %s %s, repeat %zu of %zu" :
                     "%s %s %s", t->name, pat->name, sz, round + 1, rounds);
            pg.index++;
            pg.label = label;
            pg.started_ns = ipcb_now_ns();
            if (once) {
                /* skipped or failed: once is enough */
            } else if (t->unsupported) {
                r->status = IPCB_SKIPPED;
                snprintf(r->reason, sizeof r->reason, "%s", t->unsupported);
            } else if (ipcb_check_limit(t, size, 0, r->reason, sizeof r->reason) != 0) {
                r->status = IPCB_SKIPPED;
            } else if (pat->refuses && pat->refuses(t, size, r->reason, sizeof r->reason)) {
                r->status = IPCB_SKIPPED;
            } else if (calibrate(p, t, pat, size, &pg, r) == 0) {
                measure(p, t, pat, size, &pg, r);
            }
            ipcb_progress_clear(&pg);
            if (r->status == IPCB_FAILED)
                outcome = 1;
            if (rounds == 1) {
                if (on_row)
                    on_row(r, arg);
                continue;
            }
            if (!once) {
                done[c]++;
                r->round = round + 1;
                if (on_repeat)
                    on_repeat(r, arg);
            }
            if (round + 1 == rounds || interrupted_by) {
                emit_repeats(res, &reps[c * rounds], done[c], on_row, arg, &outcome);
                emitted[c] = 1;
            }
        }
    }
    /* an interrupted run still reports each cell it measured */
    for (size_t c = 0; rounds > 1 && interrupted_by && c < n_cells; c++)
        if (done[c] && !emitted[c])
            emit_repeats(res, &reps[c * rounds], done[c], on_row, arg, &outcome);
done:
    free(reps);
    free(done);
    free(emitted);
    ipcb_ledger_set(NULL);
    if (run_dir[0]) {
        unlink(ledger);
        rmdir(run_dir);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return interrupted_by ? interrupted_by : outcome;
}
