/* The driver: for each measurement, create the channel, fork the two sides,
 * hold them at a start barrier, watch them with a deadline, collect what
 * they measured and destroy the channel. It never sits on the timed path. */
#include "driver.h"

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

#include "clock.h"
#include "floor.h"
#include "message.h"
#include "side.h"

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
    size_t max = t->max_message ? t->max_message() : 0;
    if (max == 0 || size <= max)
        return 0;
    char sz[32];
    ipcb_format_size(size, sz, sizeof sz);
    int n = snprintf(buf, len, "%s exceeds %s's limit of %zu bytes", sz, t->name, max);
    if (n < 0 || (size_t)n >= len)
        return -EMSGSIZE;
    if (t->limit_setting && with_hint)
        snprintf(buf + n, len - (size_t)n, " (%s); raise it with sysctl %s=%llu",
                 t->limit_setting, t->limit_setting, (unsigned long long)size);
    else if (t->limit_setting)
        snprintf(buf + n, len - (size_t)n, " (%s)", t->limit_setting);
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

static unsigned char *message_buffer(uint64_t size)
{
    size_t bytes = ((size_t)size + 63) & ~(size_t)63;
    unsigned char *b = aligned_alloc(64, bytes ? bytes : 64);
    if (b)
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
    res->cpu = sched_getcpu();
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

static int pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void kill_children(struct child ch[2])
{
    for (int s = 0; s < 2; s++)
        if (ch[s].pid > 0 && !ch[s].done) {
            kill(ch[s].pid, SIGKILL);
            ch[s].killed_by_us = 1;
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

/* why the measurement failed, in one line, naming the side and how */
static void failure_reason(const struct child ch[2], const struct ipcb_shared *sh,
                           char *out, size_t len)
{
    /* a side killed by a signal it did not get from us is the cause */
    for (int s = 0; s < 2; s++)
        if (ch[s].done && WIFSIGNALED(ch[s].status) && !ch[s].killed_by_us) {
            int sig = WTERMSIG(ch[s].status);
            snprintf(out, len, "%s killed by signal %d (SIG%s)", side_name[s], sig,
                     sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
            return;
        }
    /* of two sides that failed, the first one is the cause (a consumer that
     * found a wrong message closes the channel and the producer then fails) */
    int first = -1;
    for (int s = 0; s < 2; s++)
        if (sh->side[s].failed &&
            (first < 0 || sh->side[s].failed_ns < sh->side[first].failed_ns))
            first = s;
    if (first >= 0) {
        snprintf(out, len, "%s: %.440s", side_name[first], sh->side[first].error);
        return;
    }
    for (int s = 0; s < 2; s++)
        if (ch[s].done && WIFEXITED(ch[s].status) && WEXITSTATUS(ch[s].status) != 0) {
            snprintf(out, len, "%s exited with status %d", side_name[s],
                     WEXITSTATUS(ch[s].status));
            return;
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

/* Watch both children until both have exited, one has failed, the run
 * stopped making progress, or a signal arrived. The barrier opens once
 * both sides said ready. */
static void supervise(const struct ipcb_plan *p, struct ipcb_chan *chan,
                      struct ipcb_shared *sh, struct child ch[2], int ready_fd,
                      int *go_fd, const struct progress *pg, struct ipcb_result *r)
{
    int ready = 0;
    uint64_t last_progress = UINT64_MAX, last_change = ipcb_now_ns();

    while (!(ch[0].done && ch[1].done)) {
        struct pollfd fds[3];
        int nfds = 0;
        for (int s = 0; s < 2; s++)
            fds[nfds++] = (struct pollfd){.fd = ch[s].done ? -1 : ch[s].pidfd,
                                          .events = POLLIN};
        fds[nfds++] = (struct pollfd){.fd = ready < 2 ? ready_fd : -1, .events = POLLIN};
        poll(fds, (nfds_t)nfds, 100);

        if (ready < 2 && (fds[2].revents & POLLIN)) {
            char buf[2];
            ssize_t n = read(ready_fd, buf, sizeof buf);
            if (n > 0)
                ready += (int)n;
            if (ready >= 2) {
                if (chan->t->opened)
                    chan->t->opened(chan);
                close(*go_fd); /* both sides leave the barrier together */
                *go_fd = -1;
            }
        }
        for (int s = 0; s < 2; s++)
            reap(&ch[s]);

        if (interrupted_by) {
            kill_children(ch);
            r->status = IPCB_INTERRUPTED;
            snprintf(r->reason, sizeof r->reason, "interrupted by SIG%s",
                     sigabbrev_np(interrupted_by));
            break;
        }
        int any_failed = 0;
        for (int s = 0; s < 2; s++)
            if (ch[s].done && !child_ok(&ch[s]))
                any_failed = 1;
        if (any_failed) {
            /* a side that failed because its peer died: let the peer's own
             * exit land first, so the cause is reported and not the echo */
            for (int s = 0; s < 2; s++)
                if (!ch[s].done) {
                    struct pollfd one = {.fd = ch[s].pidfd, .events = POLLIN};
                    poll(&one, 1, 200);
                    reap(&ch[s]);
                }
            kill_children(ch);
            for (int s = 0; s < 2; s++)
                reap_blocking(&ch[s]);
            r->status = IPCB_FAILED;
            failure_reason(ch, sh, r->reason, sizeof r->reason);
            break;
        }
        uint64_t now = ipcb_now_ns();
        uint64_t done_p = atomic_load_explicit(&sh->side[0].progress, memory_order_relaxed);
        uint64_t done_c = atomic_load_explicit(&sh->side[1].progress, memory_order_relaxed);
        if (done_p + done_c + (uint64_t)ready != last_progress) {
            last_progress = done_p + done_c + (uint64_t)ready;
            last_change = now;
        } else if (now - last_change > p->timeout_ns) {
            kill_children(ch);
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason,
                     "no progress for %.0f s (%s; producer at message %llu, consumer at %llu)",
                     (double)p->timeout_ns / 1e9,
                     ready < 2 ? "still opening the channel" : "stuck in transfer",
                     (unsigned long long)done_p, (unsigned long long)done_c);
            break;
        }
        show_progress(pg, done_c, now);
    }
    for (int s = 0; s < 2; s++)
        reap_blocking(&ch[s]);
}

static void fill_result(const struct ipcb_plan *p, unsigned pattern,
                        const struct ipcb_shared *sh, struct ipcb_result *r)
{
    const struct ipcb_side_result *timed =
        pattern == IPCB_PAT_PINGPONG ? &sh->side[IPCB_PRODUCER] : &sh->side[IPCB_CONSUMER];
    (void)p;
    r->messages = timed->messages;
    r->seconds = (double)(timed->last_ns - timed->first_ns) / 1e9;
    if (r->seconds > 0) {
        r->msgs_per_s = (double)timed->span_messages / r->seconds;
        r->mib_per_s = r->msgs_per_s * (double)r->size_bytes / (1024.0 * 1024.0);
    }
    if (timed->hist.total) {
        r->hist = malloc(sizeof *r->hist);
        if (r->hist) {
            memcpy(r->hist, &timed->hist, sizeof *r->hist);
            ipcb_hist_stats(r->hist, &r->stats);
        }
        r->latency_kind = pattern == IPCB_PAT_PINGPONG ? "rtt" : "one-way";
    } else {
        r->latency_kind = "";
    }
    for (int s = 0; s < 2; s++) {
        r->cpu_user_s += sh->side[s].cpu_user_s;
        r->cpu_sys_s += sh->side[s].cpu_sys_s;
        r->ctx_switches += sh->side[s].ctx_switches;
        r->errors += sh->side[s].lost + sh->side[s].reordered;
    }
    r->status = IPCB_OK;
}

static void measure(const struct ipcb_plan *p, const struct ipcb_transport *t,
                    unsigned pattern, uint64_t size, const struct progress *pg,
                    struct ipcb_result *r)
{
    struct ipcb_chan chan = {.t = t, .msg_max = (size_t)size, .ring_slots = p->ring_slots,
                             .recv_timeout_ms = 100};
    struct child ch[2] = {{.pid = -1, .pidfd = -1}, {.pid = -1, .pidfd = -1}};
    int ready[2] = {-1, -1}, go[2] = {-1, -1};
    struct ipcb_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "mmap of the result area: %s", strerror(errno));
        return;
    }
    for (int s = 0; s < 2; s++)
        ipcb_hist_init(&sh->side[s].hist);
    atomic_store(&sh->total, p->count ? p->warmup + p->count : UINT64_MAX);

    int rc = t->create(&chan);
    if (rc < 0) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "create: %.300s%s",
                 chan.err[0] ? chan.err : strerror(-rc), limit_hint(-rc));
        goto destroy; /* a create that failed halfway leaves objects too */
    }
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
        r->status = IPCB_FAILED;
        snprintf(r->reason, sizeof r->reason, "pipe: %s%s", strerror(errno), limit_hint(errno));
        goto destroy;
    }
    pid_t parent = getpid();
    fflush(NULL); /* a child must not flush the parent's buffered output again */
    for (int s = 0; s < 2; s++) {
        ch[s].pid = fork();
        if (ch[s].pid == 0) {
            close(ready[0]);
            close(go[1]);
            child_main(p, &chan, sh, (enum ipcb_side)s,
                       pattern == IPCB_PAT_PINGPONG ? 0 : 1, size, parent, ready[1], go[0]);
        }
        if (ch[s].pid < 0) {
            r->status = IPCB_FAILED;
            snprintf(r->reason, sizeof r->reason, "fork: %s%s", strerror(errno),
                     limit_hint(errno));
            goto stop;
        }
        ch[s].pidfd = pidfd_open(ch[s].pid);
        if (ch[s].pidfd < 0) {
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
    supervise(p, &chan, sh, ch, ready[0], &go[1], pg, r);
    if (r->status == IPCB_OK) {
        if (child_ok(&ch[0]) && child_ok(&ch[1])) {
            fill_result(p, pattern, sh, r);
        } else {
            r->status = IPCB_FAILED;
            failure_reason(ch, sh, r->reason, sizeof r->reason);
        }
    }
stop:
    kill_children(ch);
    for (int s = 0; s < 2; s++) {
        reap_blocking(&ch[s]);
        if (ch[s].pidfd >= 0)
            close(ch[s].pidfd);
    }
    for (int i = 0; i < 2; i++) {
        if (ready[i] >= 0) close(ready[i]);
        if (go[i] >= 0) close(go[i]);
    }
destroy:
    t->destroy(&chan);
    munmap(sh, sizeof *sh);
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
