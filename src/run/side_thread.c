/* --sides threads: a measurement's sides as threads of one process, the one
 * child the driver forks and watches as it watches side processes (its
 * pidfd, its exit status, the watchdog's kill). A side whose loop fails
 * ends that process at once (side_process.c), with its reason in its
 * result, so the driver names it; a hung one is killed with the rest.
 *
 * The transports were written for forked sides: open() keeps this side's
 * descriptors and closes the other side's copies, and keeps this side's
 * state in the channel's c->priv. So each thread first takes a descriptor
 * table of its own (unshare(CLONE_FILES), the copy fork would have made),
 * and works on its own copies of the channels it holds, c->priv included:
 * a transport's c->priv is one malloc'd block (its state and pointers into
 * the shared mapping), copied whole (malloc_usable_size). What the threads
 * share is what threads share: one address space, one page table, one
 * process to schedule; a message still crosses the mechanism itself. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run/side_process.h"

/* a side's stack: the pattern loops keep their buffers on the heap */
#define SIDE_STACK_BYTES (2u << 20)

struct side_thread {
    const struct ipcb_plan *p;
    struct ipcb_measurement *m;
    size_t proc;
    uint64_t size;
    int ready_fd, go_fd;
    pthread_barrier_t *unshared;    /* every thread has its own descriptor table */
    int rc;
};

__attribute__((noreturn))
static void thread_fails(struct ipcb_side_result *res, const char *what, int err)
{
    snprintf(res->error, sizeof res->error, "%s: %s", what, strerror(err));
    res->failed = 1;
    _exit(1);
}

/* the group's channels as this side sees them: a copy of each, and of the
 * transport's state of each it holds */
static void copy_channels(const struct side_thread *st, struct ipcb_chan *mine)
{
    const struct ipcb_layout *lay = &st->m->lay;
    const struct ipcb_chan *group = &st->m->chan[st->proc / lay->n_sides * lay->n_channels];
    const struct ipcb_side_decl *decl = &lay->sides[st->proc % lay->n_sides];
    memcpy(mine, group, lay->n_channels * sizeof *mine);
    for (unsigned e = 0; e < decl->n_ends; e++) {
        struct ipcb_chan *c = &mine[decl->ends[e].channel];
        if (!c->priv || c->priv != group[decl->ends[e].channel].priv)
            continue;   /* none, or copied for an earlier end */
        size_t bytes = malloc_usable_size(c->priv);
        void *copy = malloc(bytes);
        if (!copy)
            thread_fails(ipcb_proc_result(st->m, st->proc), "a copy of the channel", ENOMEM);
        memcpy(copy, c->priv, bytes);
        c->priv = copy;
    }
}

static void *side_thread(void *arg)
{
    struct side_thread *st = arg;
    struct ipcb_chan mine[IPCB_MAX_CHANNELS];
    int rc = unshare(CLONE_FILES) == 0 ? 0 : errno;
    pthread_barrier_wait(st->unshared);
    if (rc != 0)
        thread_fails(ipcb_proc_result(st->m, st->proc), "unshare(CLONE_FILES)", rc);
    copy_channels(st, mine);
    st->rc = ipcb_side_run(st->p, st->m, st->proc, st->size, mine, st->ready_fd, st->go_fd);
    return NULL;
}

void ipcb_side_threads(const struct ipcb_plan *p, struct ipcb_measurement *m, uint64_t size,
                       pid_t parent, int ready_fd, int go_fd)
{
    ipcb_side_child(parent);
    const size_t n = m->n_procs;
    struct side_thread *st = calloc(n, sizeof *st);
    pthread_t *tid = calloc(n, sizeof *tid);
    pthread_barrier_t unshared;
    pthread_attr_t attr;
    if (!st || !tid || pthread_barrier_init(&unshared, NULL, (unsigned)n + 1) != 0 ||
        pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, SIDE_STACK_BYTES))
        thread_fails(ipcb_proc_result(m, 0), "the threads of the sides", ENOMEM);
    for (size_t i = 0; i < n; i++) {
        st[i] = (struct side_thread){.p = p, .m = m, .proc = i, .size = size,
                                     .ready_fd = ready_fd, .go_fd = go_fd,
                                     .unshared = &unshared};
        int rc = pthread_create(&tid[i], &attr, side_thread, &st[i]);
        if (rc != 0)
            thread_fails(ipcb_proc_result(m, i), "pthread_create", rc);
    }
    pthread_barrier_wait(&unshared);
    /* each thread holds its own copies now; this table's would only keep
     * a channel open that its sides have closed */
    syscall(SYS_close_range, 3u, ~0u, 0u);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        pthread_join(tid[i], NULL);
        failed |= st[i].rc != 0;
    }
    _exit(failed ? 1 : 0);
}
