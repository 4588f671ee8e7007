/* What the transports share: full reads and writes over byte streams,
 * unique names, private directories, live limits. */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/random.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "ipcbench/transport.h"

IPCB_HOT ssize_t ipcb_write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

IPCB_HOT ssize_t ipcb_read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return done ? -EPIPE : 0; /* end of file, or torn mid-message */
        done += (size_t)n;
    }
    return (ssize_t)done;
}

void ipcb_unique_name(char *buf, size_t len, const char *prefix)
{
    static atomic_uint counter;
    unsigned rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = (unsigned)rand();
    snprintf(buf, len, "%sipcbench-%ld-%u-%08x", prefix, (long)getpid(),
             atomic_fetch_add(&counter, 1), rnd);
}

int ipcb_private_dir(char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(buf, len, "%s/ipcbench-%ld-XXXXXX", tmp, (long)getpid());
    if (n < 0 || (size_t)n >= len)
        return -ENAMETOOLONG;
    if (!mkdtemp(buf)) /* mkdtemp makes it 0700 */
        return -errno;
    return 0;
}

size_t ipcb_read_sysctl(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    unsigned long long v = 0;
    if (fscanf(f, "%llu", &v) != 1)
        v = 0;
    fclose(f);
    return (size_t)v;
}

void ipcb_chan_error(struct ipcb_chan *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
}

/* The run's ledger: System V objects have no names, so each one a run makes
 * is written down in the run's private directory, where `ipcbench cleanup`
 * finds it if the run was killed before it could remove them. */
static char ledger_path[4096];

void ipcb_ledger_set(const char *path)
{
    snprintf(ledger_path, sizeof ledger_path, "%s", path ? path : "");
}

void ipcb_ledger_sysv(const char *kind, int id)
{
    if (!ledger_path[0])
        return;
    long ctime_s = ipcb_sysv_ctime(kind, id);
    FILE *f = fopen(ledger_path, "a");
    if (!f)
        return;
    fprintf(f, "%s %d %ld\n", kind, id, ctime_s);
    fclose(f);
}

long ipcb_sysv_ctime(const char *kind, int id)
{
    if (strcmp(kind, "msg") == 0) {
        struct msqid_ds ds;
        return msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_perm.cuid == geteuid()
                   ? (long)ds.msg_ctime : -1;
    }
    if (strcmp(kind, "shm") == 0) {
        struct shmid_ds ds;
        return shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_perm.cuid == geteuid()
                   ? (long)ds.shm_ctime : -1;
    }
    if (strcmp(kind, "sem") == 0) {
        struct semid_ds ds;
        union { int val; struct semid_ds *buf; } arg = {.buf = &ds};
        return semctl(id, 0, IPC_STAT, arg) == 0 && ds.sem_perm.cuid == geteuid()
                   ? (long)ds.sem_ctime : -1;
    }
    return -1;
}

void ipcb_close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

int ipcb_chan_errno(struct ipcb_chan *c, const char *what)
{
    int err = errno;
    ipcb_chan_error(c, "%s: %s", what, strerror(err));
    return -err;
}
