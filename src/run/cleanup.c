/* `ipcbench cleanup`: remove what runs killed with SIGKILL left behind.
 * Only objects whose names (or ledger) say an ipcbench run made them, owned
 * by this user, whose creating process no longer exists. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "run/cleanup.h"
#include "transports/iceoryx_roudi.h"
#include "transports/ledger.h"

struct sweep {
    int quiet;
    int removed;
    pid_t pid; /* the dead run whose leftovers are being removed */
    pid_t roudi; /* a dead run that had started RouDi (iceoryx): its names may be left */
};

/* "ipcbench-<pid>-..." names a process; 0 when the name is not ours */
static pid_t owner_pid(const char *name)
{
    const char *prefix = "ipcbench-";
    if (strncmp(name, prefix, strlen(prefix)) != 0)
        return 0;
    char *end;
    long pid = strtol(name + strlen(prefix), &end, 10);
    if (*end != '-' || pid <= 0 || pid > INT_MAX)
        return 0;
    return (pid_t)pid;
}

static int process_gone(pid_t pid)
{
    return kill(pid, 0) != 0 && errno == ESRCH;
}

/* ours to remove: our name, our user, its creator dead */
static int stale(const char *dir, const char *name, pid_t *pid)
{
    char path[PATH_MAX];
    struct stat st;
    *pid = owner_pid(name);
    if (*pid == 0)
        return 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (lstat(path, &st) != 0 || st.st_uid != geteuid())
        return 0;
    return process_gone(*pid);
}

/* count one object removed, and say which unless quiet */
static void said(struct sweep *s, const char *what)
{
    s->removed++;
    if (!s->quiet)
        printf("removed %s (run %ld is gone)\n", what, (long)s->pid);
}

static void sysv_removed(const char *kind, int id, void *arg)
{
    char what[64];
    if (strcmp(kind, "daemon") == 0) /* a bus daemon or RouDi the run started */
        snprintf(what, sizeof what, "daemon process %d", id);
    else
        snprintf(what, sizeof what, "System V %s id %d", kind, id);
    said(arg, what);
}

/* A run's private directory (or a file of its own there): first the System
 * V objects and daemons its ledger names,
 * then the FIFOs, sockets and the ledger itself (one level: nothing else is
 * made there), then the directory. */
static int remove_private_dir(const char *dir, const char *name, struct sweep *s)
{
    char path[PATH_MAX], ledger[PATH_MAX + 8];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (lstat(path, &st) != 0)
        return -1;
    /* mmap's file, made with --file-dir in this directory; an iceoryx
     * runtime's socket and its lock, /tmp/ipcbench-<pid>-... */
    if (S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode))
        return unlink(path);
    if (!S_ISDIR(st.st_mode))
        return -1;
    snprintf(ledger, sizeof ledger, "%s/ledger", path);
    ipcb_ledger_drain(ledger, sysv_removed, s);
    if (ipcb_roudi_started_in(path))
        s->roudi = s->pid;
    DIR *sub = opendir(path);
    if (sub) {
        struct dirent *e;
        while ((e = readdir(sub)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(sub), e->d_name, 0);
        closedir(sub);
    }
    return rmdir(path);
}

/* Every entry of dir that a dead run of ours left: removed with unlink_fn,
 * which takes "/<name>" (shm_unlink, mq_unlink), or when that is NULL as a
 * run's private directory. */
static void sweep(const char *dir, const char *what, int (*unlink_fn)(const char *),
                  struct sweep *s)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!stale(dir, e->d_name, &s->pid))
            continue;
        char slashed[NAME_MAX + 2];
        snprintf(slashed, sizeof slashed, "/%s", e->d_name);
        int rc = unlink_fn ? unlink_fn(slashed) : remove_private_dir(dir, e->d_name, s);
        if (rc != 0)
            continue;
        char label[PATH_MAX + 64];
        snprintf(label, sizeof label, "%s %s/%s", what, dir, e->d_name);
        said(s, label);
    }
    closedir(d);
}

static void roudi_removed(const char *what, void *arg)
{
    char label[PATH_MAX + 32];
    snprintf(label, sizeof label, "RouDi's %s", what);
    said(arg, label);
}

static int is_mqueue_mounted(void)
{
    struct statfs fs;
    return statfs("/dev/mqueue", &fs) == 0 && fs.f_type == 0x19800202; /* MQUEUE_MAGIC */
}

int ipcb_cleanup(int quiet)
{
    struct sweep s = {.quiet = quiet};
    sweep("/dev/shm", "shared memory", shm_unlink, &s);
    if (is_mqueue_mounted())
        sweep("/dev/mqueue", "message queue", mq_unlink, &s);
    else if (!quiet)
        printf("note: /dev/mqueue is not mounted, so POSIX message queues cannot be listed "
               "(mount -t mqueue none /dev/mqueue)\n");
    const char *tmp = getenv("TMPDIR");
    if (tmp && *tmp && strcmp(tmp, "/tmp") != 0)
        sweep(tmp, "directory or file", NULL, &s);
    sweep("/tmp", "directory or file", NULL, &s);
    /* after the sweeps, which stopped the daemons: RouDi's fixed names,
     * unless a live RouDi holds them */
    if (s.roudi) {
        s.pid = s.roudi;
        ipcb_roudi_leftovers(roudi_removed, &s);
    }
    if (!quiet)
        printf(s.removed ? "removed %d object(s)\n" : "nothing left behind by ipcbench\n",
               s.removed);
    return 0;
}
