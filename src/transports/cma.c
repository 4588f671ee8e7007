/* cma: cross-memory attach, as MPI's intra-node large-message paths use
 * it. The sender builds a message in a slot of its own pool (buf_pass.h)
 * and names the slot's address on an AF_UNIX seqpacket pair; the receiver
 * copies it straight out of the sender's memory into a slot of its own
 * with process_vm_readv(2), one copy in all, and gives the sender's slot
 * back. The kernel allows it when the receiver may ptrace the sender: each
 * side lets any process of its user do so (PR_SET_PTRACER_ANY, which Yama's
 * ptrace_scope 1 asks for; the two sides are siblings, neither the
 * other's ancestor). Where it is refused anyway (ptrace_scope 2 or 3, a
 * seccomp filter, a kernel without CONFIG_CROSS_MEMORY_ATTACH), create's
 * probe makes the row skipped, naming the setting. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transports/buf_pass.h"

#define YAMA_SCOPE "/proc/sys/kernel/yama/ptrace_scope"

struct cma_chan {
    struct ipcb_pool pool;  /* first: the pool's operations find it */
    pid_t peer;             /* the other side's process, after open */
};

/* what makes the kernel refuse, as best this machine says */
static void refusal(struct ipcb_chan *c, int err)
{
    char why[160];
    if (access(YAMA_SCOPE, R_OK) != 0) {
        snprintf(why, sizeof why, "kernel.yama.ptrace_scope is not set here, so a seccomp "
                 "filter or another security module refuses it");
    } else {
        size_t scope = ipcb_read_sysctl(YAMA_SCOPE);
        snprintf(why, sizeof why, "kernel.yama.ptrace_scope = %zu%s", scope,
                 scope >= 3 ? ": no process may attach"
                 : scope == 2 ? ": only with CAP_SYS_PTRACE"
                              : " allows it, so a seccomp filter or another security module "
                                "refuses it");
    }
    ipcb_chan_error(c, "cross-memory attach is refused here: process_vm_readv: %s (%s)",
                    err == ENOSYS ? "not in this kernel or filtered (ENOSYS)" : strerror(err),
                    why);
}

/* A child made as the sides are, read by its parent as they read each
 * other: 0 when the kernel lets one process read another's memory here,
 * -EOPNOTSUPP with the reason when it does not, -errno when the probe
 * itself failed. The child leaves when the gate closes, also if we die. */
static int probe(struct ipcb_chan *c)
{
    volatile uint64_t word = 0x6970636263616d61ull;
    int gate[2];
    if (pipe2(gate, O_CLOEXEC) != 0)
        return ipcb_chan_errno(c, "pipe2 for the cross-memory attach probe");
    pid_t kid = fork();
    if (kid < 0) {
        close(gate[0]), close(gate[1]);
        return ipcb_chan_errno(c, "fork for the cross-memory attach probe");
    }
    if (kid == 0) {
        char byte;
        close(gate[1]);
        (void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
        while (read(gate[0], &byte, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(gate[0]);
    uint64_t got = 0;
    struct iovec local = {.iov_base = &got, .iov_len = sizeof got};
    struct iovec remote = {.iov_base = (void *)&word, .iov_len = sizeof word};
    ssize_t n = process_vm_readv(kid, &local, 1, &remote, 1, 0);
    int err = errno;
    close(gate[1]);
    while (waitpid(kid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof got && got == word)
        return 0;
    if (n < 0 && (err == EPERM || err == EACCES || err == ENOSYS)) {
        refusal(c, err);
        return -EOPNOTSUPP;
    }
    ipcb_chan_error(c, "the cross-memory attach probe read %zd bytes (%s)", n,
                    n < 0 ? strerror(err) : "not the word it wrote");
    return n < 0 ? -err : -EIO;
}

static int cma_create(struct ipcb_chan *c)
{
    struct cma_chan *m = calloc(1, sizeof *m);
    if (!m)
        return -ENOMEM;
    c->priv = m;
    struct ipcb_pool *p = &m->pool;
    p->s.pair[0] = p->s.pair[1] = p->s.sock = -1;
    p->n = ipcb_pool_slots(c->msg_max);
    p->slot_bytes = ipcb_pool_slot_bytes(c->msg_max);
    int rc = probe(c);
    return rc < 0 ? rc : ipcb_buf_sock_create(c, &p->s);
}

/* the peer's message copied out of its slot into one of ours, and its
 * slot given back at once: nothing of the peer's is held after this */
static IPCB_HOT unsigned char *copy_across(struct ipcb_chan *c, struct ipcb_pool *p,
                                           const struct ipcb_rec *r)
{
    struct cma_chan *m = (struct cma_chan *)p;
    unsigned char *buf = ipcb_pool_claim(c, p);
    if (!buf)
        return NULL;
    size_t done = 0;
    while (done < r->len) {
        struct iovec local = {.iov_base = buf + done, .iov_len = (size_t)r->len - done};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)(r->addr + done),
                               .iov_len = (size_t)r->len - done};
        ssize_t n = process_vm_readv(m->peer, &local, 1, &remote, 1, 0);
        if (n <= 0) {
            if (n < 0 && (errno == EPERM || errno == EACCES || errno == ENOSYS))
                refusal(c, errno);
            else
                ipcb_chan_error(c, "process_vm_readv of %llu bytes from %d: %s",
                                (unsigned long long)r->len, (int)m->peer,
                                n < 0 ? strerror(errno) : "nothing read");
            ipcb_pool_release(c, buf);
            return NULL;
        }
        done += (size_t)n;
    }
    struct ipcb_rec back = {.kind = IPCB_REC_FREE, .slot = r->slot};
    if (ipcb_rec_send(c, p->s.sock, &back, NULL, 0) < 0) {
        ipcb_pool_release(c, buf);
        return NULL;
    }
    return buf;
}

/* this side's pool, and each side's pid told the other */
static int cma_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct cma_chan *m = c->priv;
    struct ipcb_pool *p = &m->pool;
    c->side = side;
    p->fetch = copy_across;
    ipcb_buf_sock_open(&p->s, side);
    void *mine = mmap(NULL, (size_t)p->n * p->slot_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mine == MAP_FAILED)
        return ipcb_chan_errno(c, "mmap of the cma pool");
    p->mine = mine;
    ipcb_pool_reset(p);
    /* Yama's ptrace_scope 1: a sibling may read us only when we say so;
     * EINVAL where there is no Yama, which needs nothing */
    (void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
    struct ipcb_rec hello = {.kind = IPCB_REC_HELLO, .addr = (uint64_t)getpid()};
    int rc = ipcb_rec_send(c, p->s.sock, &hello, NULL, 0);
    if (rc < 0)
        return rc;
    rc = ipcb_rec_recv(c, p->s.sock, &hello, NULL, NULL);
    if (rc == 0)
        ipcb_chan_error(c, "the other side closed the channel before it said who it is");
    if (rc > 0 && hello.kind != IPCB_REC_HELLO)
        ipcb_chan_error(c, "a record of kind %u where the peer's pid was due", hello.kind);
    if (rc <= 0 || hello.kind != IPCB_REC_HELLO)
        return rc < 0 ? rc : -EPROTO;
    m->peer = (pid_t)hello.addr;
    return 0;
}

static void cma_opened(struct ipcb_chan *c)
{
    struct cma_chan *m = c->priv;
    ipcb_buf_sock_close(&m->pool.s);
}

static void cma_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct cma_chan *m = c->priv;
    (void)side;
    /* the peer may still be reading our last slot: it gives it back first */
    ipcb_buf_sock_finish(&m->pool.s);
    if (m->pool.mine)
        munmap(m->pool.mine, (size_t)m->pool.n * m->pool.slot_bytes);
    m->pool.mine = NULL;
}

static void cma_destroy(struct ipcb_chan *c)
{
    struct cma_chan *m = c->priv;
    if (!m)
        return;
    ipcb_buf_sock_close(&m->pool.s);
    free(m);
    c->priv = NULL;
}

const struct ipcb_transport ipcb_cma = {
    .name = "cma",
    .summary = "cross-memory attach: the receiver copies from the sender's pool with "
               "process_vm_readv",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_ZERO_COPY,
    .wait_default = "block",
    .create = cma_create, .open = cma_open, .opened = cma_opened, .send = ipcb_pool_send,
    .recv = ipcb_recv_by_take, .close = cma_close, .destroy = cma_destroy,
    .memory = ipcb_pool_memory, .loan = ipcb_pool_loan, .take = ipcb_pool_take,
    .release = ipcb_pool_release,
};
