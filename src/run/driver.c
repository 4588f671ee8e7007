/* The driver: for each measurement, create the channel, fork the two sides,
 * hold them at a start barrier, watch them with a deadline, collect what
 * they measured and destroy the channel. It never sits on the timed path. */
#include "run/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure/clock.h"
#include "measure/floor.h"
#include "measure/message.h"
#include "run/side.h"
#include "transports/ledger.h"
#include "transports/private_dir.h"

static volatile sig_atomic_t interrupted_by;

static void on_signal(int sig)
{
    if (!interrupted_by)
        interrupted_by = sig;
}

static const char *const side_name[2] = {"producer", "consumer"};

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

/* what to do about an error that a resource limit caused */
static const char *limit_hint(int err)
{
    switch (err) {
    case EMFILE: return " (the per-process open-file limit: raise it with ulimit -n)";
    case ENFILE: return " (the system's open-file table is full: sysctl fs.file-max)";
    case EAGAIN: return " (a process or memory limit: see ulimit -u and ulimit -l)";
    default: return "";
    }
}

/* ---- in the child ---- */

static int (*const side_fn[2][2])(struct ipcb_side_args *) = {
    {ipcb_pingpong_producer, ipcb_pingpong_consumer},
    {ipcb_stream_producer, ipcb_stream_consumer},
};

/* size bytes, 64-byte aligned, with the IPCB_MSG_HEADROOM the transports
 * may use in front (transport.h); lives as long as the child */
static unsigned char *message_buffer(uint64_t size)
{
    _Static_assert(IPCB_MSG_HEADROOM % 64 == 0, "the payload stays 64-byte aligned");
    size_t bytes = ((size_t)size + 63) & ~(size_t)63;
    unsigned char *b = aligned_alloc(64, IPCB_MSG_HEADROOM + (bytes ? bytes : 64));
    if (!b)
        return NULL;
    b += IPCB_MSG_HEADROOM;
    ipcb_msg_fill(b, (size_t)size);
    return b;
}

static void __attribute__((noreturn))
child_main(const struct ipcb_plan *p, struct ipcb_chan *chan, struct ipcb_shared *sh,
           enum ipcb_side side, int pattern_idx, uint64_t size, pid_t parent,
           int ready_fd, int go_fd)
{
    struct ipcb_side_result *res = &sh->side[side];
    /* die with the driver, and let a signal from the terminal stop us too */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);

    if (p->cpu[side] >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(p->cpu[side], &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) {
            snprintf(res->error, sizeof res->error, "cannot pin to CPU %d: %s",
                     p->cpu[side], strerror(errno));
            res->failed = 1;
            _exit(1);
        }
    }
    struct ipcb_side_args a = {
        .chan = chan, .sh = sh, .res = res, .size = size, .warmup = p->warmup,
        .duration_ns = p->duration_ns, .verify_full = p->verify_full,
        .buf = message_buffer(size), .rbuf = message_buffer(size),
        .expect = message_buffer(size), .inject_seq = UINT64_MAX,
    };
    /* test hook: IPCBENCH_INJECT=seq:N or payload:N spoils message N */
    const char *inject = getenv("IPCBENCH_INJECT");
    if (inject && side == IPCB_PRODUCER) {
        unsigned long long n;
        if (sscanf(inject, "seq:%llu", &n) == 1)
            a.inject_seq = n;
        else if (sscanf(inject, "payload:%llu", &n) == 1)
            a.inject_seq = n, a.inject_payload = 1;
    }
    if (!a.buf || !a.rbuf || !a.expect) {
        snprintf(res->error, sizeof res->error, "out of memory for %llu-byte buffers",
                 (unsigned long long)size);
        res->failed = 1;
        _exit(1);
    }
    int rc = chan->t->open(chan, side);
    if (rc < 0) {
        snprintf(res->error, sizeof res->error, "open: %.300s%s",
                 chan->err[0] ? chan->err : strerror(-rc), limit_hint(-rc));
        res->failed = 1;
        _exit(1);
    }
    /* the start barrier: say we are ready, then wait for the driver to close go */
    char byte = 'r', sink;
    if (write(ready_fd, &byte, 1) != 1)
        _exit(1);
    close(ready_fd);
    while (read(go_fd, &sink, 1) < 0 && errno == EINTR)
        ;
    close(go_fd);

    rc = side_fn[pattern_idx][side](&a);
    if (rc != 0)
        res->failed_ns = ipcb_now_ns();
    chan->t->close(chan, side);
    cpu_set_t mine;
    res->cpu = sched_getaffinity(0, sizeof mine, &mine) == 0 && CPU_COUNT(&mine) == 1
                   ? sched_getcpu() : -1;
    _exit(rc == 0 ? 0 : 1);
}

/* ---- in the parent ---- */

struct child {
    pid_t pid;
    int pidfd;
    int done;       /* reaped */
    int status;     /* from waitpid */
    int killed_by_us;
};

/* one measurement: n pairs, each with its channel and result area */
struct run {
    size_t n;
    size_t created;                         /* channels made so far */
    struct ipcb_chan chan[IPCB_MAX_PAIRS];
    struct child ch[2 * IPCB_MAX_PAIRS];    /* pair k: [2k] producer, [2k+1] consumer */
    struct ipcb_shared *sh;                 /* n of them, one anonymous mapping */
    int ready;                              /* sides past open() */
};

static int pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void kill_children(struct run *run)
{
    for (size_t i = 0; i < 2 * run->n; i++)
        if (run->ch[i].pid > 0 && !run->ch[i].done) {
            kill(run->ch[i].pid, SIGKILL);
            run->ch[i].killed_by_us = 1;
        }
}

static void reap(struct child *c)
{
    if (c->pid <= 0 || c->done)
        return;
    if (waitpid(c->pid, &c->status, WNOHANG) == c->pid)
        c->done = 1;
}

static void reap_blocking(struct child *c)
{
    if (c->pid <= 0 || c->done)
        return;
    while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
        ;
    c->done = 1;
}

static int child_ok(const struct child *c)
{
    return c->done && WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

static int all_done(const struct run *run)
{
    for (size_t i = 0; i < 2 * run->n; i++)
        if (run->ch[i].pid > 0 && !run->ch[i].done)
            return 0;
    return 1;
}

/* "producer" or "pair 3 producer" */
static const char *who(const struct run *run, size_t i, char *buf, size_t len)
{
    if (run->n == 1)
        snprintf(buf, len, "%s", side_name[i % 2]);
    else
        snprintf(buf, len, "pair %zu %s", i / 2 + 1, side_name[i % 2]);
    return buf;
}

/* why the measurement failed, in one line, naming the side and how */
static void failure_reason(const struct run *run, char *out, size_t len)
{
    char name[32];
    /* a side killed by a signal it did not get from us is the cause */
    for (size_t i = 0; i < 2 * run->n; i++) {
        const struct child *c = &run->ch[i];
        if (c->done && WIFSIGNALED(c->status) && !c->killed_by_us) {
            int sig = WTERMSIG(c->status);
            snprintf(out, len, "%s killed by signal %d (SIG%s)", who(run, i, name, sizeof name),
                     sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
            return;
        }
    }
    /* of sides that failed, the first one is the cause (a consumer that found
     * a wrong message closes the channel and the producer then fails) */
    const struct ipcb_side_result *first = NULL;
    size_t first_i = 0;
    for (size_t i = 0; i < 2 * run->n; i++) {
        const struct ipcb_side_result *res = &run->sh[i / 2].side[i % 2];
        if (res->failed && (!first || res->failed_ns < first->failed_ns)) {
            first = res;
            first_i = i;
        }
    }
    if (first) {
        snprintf(out, len, "%s: %.440s", who(run, first_i, name, sizeof name), first->error);
        return;
    }
    for (size_t i = 0; i < 2 * run->n; i++) {
        const struct child *c = &run->ch[i];
        if (c->done && WIFEXITED(c->status) && WEXITSTATUS(c->status) != 0) {
            snprintf(out, len, "%s exited with status %d", who(run, i, name, sizeof name),
                     WEXITSTATUS(c->status));
            return;
        }
    }
    snprintf(out, len, "a side ended without a result");
}

struct progress {
    int show;
    size_t index, of;
    const char *label;
    uint64_t total;         /* messages, 0 in duration mode */
    uint64_t duration_ns;
    uint64_t started_ns;
};

static void show_progress(const struct progress *pg, uint64_t done, uint64_t now)
{
    if (!pg->show)
        return;
    double frac = pg->total ? (double)done / (double)pg->total
                            : (double)(now - pg->started_ns) / (double)pg->duration_ns;
    if (frac > 1.0) frac = 1.0;
    fprintf(stderr, "\r\033[K[%zu/%zu] %s %3.0f%%", pg->index, pg->of, pg->label,
            frac * 100.0);
    fflush(stderr);
}

static void clear_progress(const struct progress *pg)
{
    if (pg->show) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* Watch every side until all have exited, one has failed, the run stopped
 * making progress, or a signal arrived. The barrier opens once every side
 * said ready. */
static void supervise(const struct ipcb_plan *p, struct run *run, int ready_fd, int *go_fd,
                      const struct progress *pg, struct ipcb_result *r)
{
    const int sides = (int)(2 * run->n);
    uint64_t last_progress = UINT64_MAX, last_change = ipcb_now_ns();
    struct pollfd fds[2 * IPCB_MAX_PAIRS + 1];

    while (!all_done(run)) {
        for (int i = 0; i < sides; i++)
            fds[i] = (struct pollfd){.fd = run->ch[i].done ? -1 : run->ch[i].pidfd,
                                     .events = POLLIN};
        fds[sides] = (struct pollfd){.fd = run->ready < sides ? ready_fd : -1, .events = POLLIN};
        poll(fds, (nfds_t)sides + 1, 100);

        if (run->ready < sides && (fds[sides].revents & POLLIN)) {
            char buf[2 * IPCB_MAX_PAIRS];
            ssize_t n = read(ready_fd, buf, sizeof buf);
            if (n > 0)
                run->ready += (int)n;
            if (run->ready >= sides) {
                for (size_t k = 0; k < run->n; k++)
                    if (run->chan[k].t->opened)
                        run->chan[k].t->opened(&run->chan[k]);
                close(*go_fd); /* every side leaves the barrier together */
                *go_fd = -1;
            }
        }
        for (int i = 0; i < sides; i++)
            reap(&run->ch[i]);

        if (interrupted_by) {
            kill_children(run);
            r->status = IPCB_INTERRUPTED;
            snprintf(r->reason, sizeof r->reason, "interrupted by SIG%s",
                     sigabbrev_np(interrupted_by));
            break;
        }
        int any_failed = 0;
        for (int i = 0; i < sides; i++)
            if (run->ch[i].done && !child_ok(&run->ch[i]))
                any_failed = 1;
        if (any_failed) {
            /* a side that failed because its peer died: let the peer's own
             * exit land first, so the cause is reported and not the echo */
            for (int i = 0; i < sides; i++)
                if (!run->ch[i].done && run->ch[i].pidfd >= 0) {
                    struct pollfd one = {.fd = run->ch[i].pidfd, .events = POLLIN};
                    poll(&one, 1, run->n == 1 ? 200 : 20);
                    reap(&run->ch[i]);
                }
            kill_children(run);
            for (int i = 0; i < sides; i++)
                reap_blocking(&run->ch[i]);
            r->status = IPCB_FAILED;
            failure_reason(run, r->reason, sizeof r->reason);
            break;
        }
        uint64_t now = ipcb_now_ns(), done_p = 0, done_c = 0;
        for (size_t k = 0; k < run->n; k++) {
            done_p += atomic_load_explicit(&run->sh[k].side[0].progress, memory_order_relaxed);
            done_c += atomic_load_explicit(&run->sh[k].side[1].progress, memory_order_relaxed);
        }
        if (done_p + done_c + (uint64_t)run->ready != last_progress) {
            last_progress = done_p + done_c + (uint64_t)run->ready;
            last_change = now;
        } else if (now - last_change > p->timeout_ns) {
            kill_children(run);
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason,
                     "no progress for %.0f s (%s; producer at message %llu, consumer at %llu)",
                     (double)p->timeout_ns / 1e9,
                     run->ready < sides ? "still opening the channel" : "stuck in transfer",
                     (unsigned long long)done_p, (unsigned long long)done_c);
            break;
        }
        show_progress(pg, done_c / run->n, now);
    }
    for (int i = 0; i < sides; i++)
        reap_blocking(&run->ch[i]);
}

/* Each pair's figures, and the aggregate: messages and rates add up, the
 * latency histograms merge. */
static void fill_result(unsigned pattern, const struct run *run, struct ipcb_result *r)
{
    const int timed_side = pattern == IPCB_PAT_PINGPONG ? IPCB_PRODUCER : IPCB_CONSUMER;
    const double mib = 1024.0 * 1024.0;
    /* the aggregate rate is over the wall-clock span of all pairs together,
     * so a pair that ran alone at the end does not inflate it */
    uint64_t first_ns = UINT64_MAX, last_ns = 0, span_messages = 0;
    struct ipcb_hist *merged = malloc(sizeof *merged);
    if (merged)
        ipcb_hist_init(merged);
    if (run->n > 1) {
        r->pairs = calloc(run->n, sizeof *r->pairs);
        r->n_pairs = r->pairs ? run->n : 0;
    }
    for (size_t k = 0; k < run->n; k++) {
        const struct ipcb_shared *sh = &run->sh[k];
        const struct ipcb_side_result *timed = &sh->side[timed_side];
        double seconds = (double)(timed->last_ns - timed->first_ns) / 1e9;
        double rate = seconds > 0 ? (double)timed->span_messages / seconds : 0.0;
        r->messages += timed->messages;
        span_messages += timed->span_messages;
        if (timed->first_ns < first_ns) first_ns = timed->first_ns;
        if (timed->last_ns > last_ns) last_ns = timed->last_ns;
        if (merged)
            ipcb_hist_merge(merged, &timed->hist);
        if (k < r->n_pairs) {
            struct ipcb_pair_result *pr = &r->pairs[k];
            struct ipcb_hist_stats st;
            ipcb_hist_stats(&timed->hist, &st);
            *pr = (struct ipcb_pair_result){.messages = timed->messages, .seconds = seconds,
                                            .msgs_per_s = rate,
                                            .mib_per_s = rate * (double)r->size_bytes / mib,
                                            .p50_ns = st.p50, .p99_ns = st.p99};
        }
        for (int s = 0; s < 2; s++) {
            r->cpu_user_s += sh->side[s].cpu_user_s;
            r->cpu_sys_s += sh->side[s].cpu_sys_s;
            r->ctx_switches += sh->side[s].ctx_switches;
            r->errors += sh->side[s].lost + sh->side[s].reordered;
            struct ipcb_role_result *ro = &r->roles[s];
            ro->role = side_name[s];
            ro->cpu_user_s += sh->side[s].cpu_user_s;
            ro->cpu_sys_s += sh->side[s].cpu_sys_s;
            ro->ctx_switches += sh->side[s].ctx_switches;
            if (sh->side[s].max_rss_kib > ro->max_rss_kib)
                ro->max_rss_kib = sh->side[s].max_rss_kib;
        }
    }
    r->seconds = last_ns > first_ns ? (double)(last_ns - first_ns) / 1e9 : 0.0;
    r->msgs_per_s = r->seconds > 0 ? (double)span_messages / r->seconds : 0.0;
    r->mib_per_s = r->msgs_per_s * (double)r->size_bytes / mib;
    r->roles[0].cpu = run->sh[0].side[0].cpu;
    r->roles[1].cpu = run->sh[0].side[1].cpu;
    r->n_roles = 2;
    if (merged && merged->total) {
        r->hist = merged;
        ipcb_hist_stats(r->hist, &r->stats);
        r->latency_kind = pattern == IPCB_PAT_PINGPONG ? "rtt" : "one-way";
    } else {
        free(merged);
        r->latency_kind = "";
    }
    r->status = IPCB_OK;
}

static void measure(const struct ipcb_plan *p, const struct ipcb_transport *t,
                    unsigned pattern, uint64_t size, const struct progress *pg,
                    struct ipcb_result *r)
{
    int ready[2] = {-1, -1}, go[2] = {-1, -1};
    struct run *run = calloc(1, sizeof *run);
    if (!run) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "out of memory");
        return;
    }
    run->n = p->pairs ? p->pairs : 1;
    for (size_t i = 0; i < 2 * run->n; i++)
        run->ch[i] = (struct child){.pid = -1, .pidfd = -1};
    size_t area = run->n * sizeof *run->sh;
    run->sh = mmap(NULL, area, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (run->sh == MAP_FAILED) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "mmap of the result area: %s", strerror(errno));
        free(run);
        return;
    }
    for (size_t k = 0; k < run->n; k++) {
        for (int s = 0; s < 2; s++)
            ipcb_hist_init(&run->sh[k].side[s].hist);
        atomic_store(&run->sh[k].total, p->count ? p->warmup + p->count : UINT64_MAX);
    }

    for (; run->created < run->n; run->created++) {
        struct ipcb_chan *chan = &run->chan[run->created];
        *chan = (struct ipcb_chan){.t = t, .msg_max = (size_t)size,
                                   .ring_slots = p->ring_slots, .recv_timeout_ms = 100};
        int rc = t->create(chan);
        if (rc < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "create: %.300s%s",
                     chan->err[0] ? chan->err : strerror(-rc), limit_hint(-rc));
            run->created++; /* a create that failed halfway leaves objects too */
            goto destroy;
        }
    }
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "pipe: %s%s", strerror(errno), limit_hint(errno));
        goto destroy;
    }
    pid_t parent = getpid();
    fflush(NULL); /* a child must not flush the parent's buffered output again */
    for (size_t i = 0; i < 2 * run->n; i++) {
        struct child *c = &run->ch[i];
        c->pid = fork();
        if (c->pid == 0) {
            close(ready[0]);
            close(go[1]);
            child_main(p, &run->chan[i / 2], &run->sh[i / 2], (enum ipcb_side)(i % 2),
                       pattern == IPCB_PAT_PINGPONG ? 0 : 1, size, parent, ready[1], go[0]);
        }
        if (c->pid < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "fork: %s%s", strerror(errno),
                     limit_hint(errno));
            goto stop;
        }
        c->pidfd = pidfd_open(c->pid);
        if (c->pidfd < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "pidfd_open: %s", strerror(errno));
            goto stop;
        }
    }
    close(ready[1]);
    ready[1] = -1;
    close(go[0]);
    go[0] = -1;

    r->status = IPCB_OK;
    supervise(p, run, ready[0], &go[1], pg, r);
    if (r->status == IPCB_OK) {
        int ok = 1;
        for (size_t i = 0; i < 2 * run->n; i++)
            ok = ok && child_ok(&run->ch[i]);
        if (ok) {
            fill_result(pattern, run, r);
        } else {
            r->status = IPCB_FAILED;
            failure_reason(run, r->reason, sizeof r->reason);
        }
    }
stop:
    kill_children(run);
    for (size_t i = 0; i < 2 * run->n; i++) {
        reap_blocking(&run->ch[i]);
        if (run->ch[i].pidfd >= 0)
            close(run->ch[i].pidfd);
    }
    for (int i = 0; i < 2; i++) {
        if (ready[i] >= 0) close(ready[i]);
        if (go[i] >= 0) close(go[i]);
    }
destroy:
    for (size_t k = 0; k < run->created; k++)
        t->destroy(&run->chan[k]);
    munmap(run->sh, area);
    free(run);
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

static const char *const pattern_names[] = {"pingpong", "stream"};

int ipcb_run_plan(const struct ipcb_plan *p, struct ipcb_results *res,
                  ipcb_row_fn on_row, void *arg)
{
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    /* the hardware floor under this run's figures: from this boot's cache, or
     * measured now (about 0.1 s), with the handlers above already in place */
    ipcb_floor_get(&res->meta.floor, p->cpu);

    size_t n_patterns = (p->patterns & IPCB_PAT_PINGPONG ? 1 : 0) +
                        (p->patterns & IPCB_PAT_STREAM ? 1 : 0);
    struct progress pg = {.show = !p->quiet && isatty(STDERR_FILENO),
                          .of = p->n_transports * p->n_sizes * n_patterns,
                          .total = p->count ? p->warmup + p->count : 0,
                          .duration_ns = p->duration_ns};
    /* the run's private directory holds its ledger of System V objects */
    char run_dir[4096], ledger[4096 + 16];
    if (ipcb_private_dir(run_dir, sizeof run_dir) != 0)
        run_dir[0] = '\0';
    snprintf(ledger, sizeof ledger, "%s/ledger", run_dir);
    ipcb_ledger_set(run_dir[0] ? ledger : NULL);

    int outcome = 0;
    for (size_t ti = 0; ti < p->n_transports && !interrupted_by; ti++) {
        const struct ipcb_transport *t = p->transports[ti];
        for (unsigned pi = 0; pi < 2 && !interrupted_by; pi++) {
            unsigned pattern = pi == 0 ? IPCB_PAT_PINGPONG : IPCB_PAT_STREAM;
            if (!(p->patterns & pattern))
                continue;
            for (size_t si = 0; si < p->n_sizes && !interrupted_by; si++) {
                struct ipcb_result *r = new_row(res);
                if (!r) {
                    outcome = 1;
                    goto done;
                }
                r->transport = t->name;
                r->pattern = pattern_names[pi];
                r->size_bytes = p->sizes[si];
                r->latency_kind = "";
                char label[96], sz[32];
                ipcb_format_size(p->sizes[si], sz, sizeof sz);
                snprintf(label, sizeof label, "%s %s %s", t->name, pattern_names[pi], sz);
                pg.index++;
                pg.label = label;
                pg.started_ns = ipcb_now_ns();
                if (ipcb_check_limit(t, p->sizes[si], 0, r->reason, sizeof r->reason) != 0)
                    r->status = IPCB_SKIPPED;
                else
                    measure(p, t, pattern, p->sizes[si], &pg, r);
                clear_progress(&pg);
                if (r->status == IPCB_FAILED)
                    outcome = 1;
                if (on_row)
                    on_row(r, arg);
            }
        }
    }
done:
    ipcb_ledger_set(NULL);
    if (run_dir[0]) {
        unlink(ledger);
        rmdir(run_dir);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return interrupted_by ? interrupted_by : outcome;
}
