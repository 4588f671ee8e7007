/* `ipcbench cleanup`: remove what runs killed with SIGKILL left behind.
 * Only objects whose names (or ledger) say an ipcbench run made them, owned
 * by this user, whose creating process no longer exists. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "run/cleanup.h"
#include "ipcbench/transport.h"

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

static void scan_names(const char *dir, const char *what, int (*unlink_fn)(const char *),
                       int quiet, int *removed)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t pid;
        if (!stale(dir, e->d_name, &pid))
            continue;
        char name[NAME_MAX + 2];
        snprintf(name, sizeof name, "/%s", e->d_name);
        if (unlink_fn(name) == 0) {
            (*removed)++;
            if (!quiet)
                printf("removed %s %s/%s (run %ld is gone)\n", what, dir, e->d_name, (long)pid);
        }
    }
    closedir(d);
}

static int sysv_remove(const char *kind, int id)
{
    if (strcmp(kind, "msg") == 0) return msgctl(id, IPC_RMID, NULL);
    if (strcmp(kind, "shm") == 0) return shmctl(id, IPC_RMID, NULL);
    if (strcmp(kind, "sem") == 0) return semctl(id, 0, IPC_RMID);
    return -1;
}

/* the System V objects a dead run wrote into its ledger, if they are still
 * the same objects (same creation time, same owner) */
static void drain_ledger(const char *path, pid_t pid, int quiet, int *removed)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char kind[8];
    int id;
    long ctime_s;
    while (fscanf(f, "%7s %d %ld", kind, &id, &ctime_s) == 3) {
        if (ctime_s < 0 || ipcb_sysv_ctime(kind, id) != ctime_s)
            continue; /* gone already, or the id now belongs to someone else */
        if (sysv_remove(kind, id) == 0) {
            (*removed)++;
            if (!quiet)
                printf("removed System V %s id %d (run %ld is gone)\n", kind, id, (long)pid);
        }
    }
    fclose(f);
}

static void scan_private_dirs(const char *tmp, int quiet, int *removed)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t pid;
        if (!stale(tmp, e->d_name, &pid))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", tmp, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        char ledger[PATH_MAX + 8];
        snprintf(ledger, sizeof ledger, "%s/ledger", path);
        drain_ledger(ledger, pid, quiet, removed);
        /* FIFOs, sockets and the ledger: one level, nothing else is made there */
        DIR *sub = opendir(path);
        if (sub) {
            struct dirent *f;
            while ((f = readdir(sub)))
                if (strcmp(f->d_name, ".") && strcmp(f->d_name, ".."))
                    unlinkat(dirfd(sub), f->d_name, 0);
            closedir(sub);
        }
        if (rmdir(path) == 0) {
            (*removed)++;
            if (!quiet)
                printf("removed directory %s (run %ld is gone)\n", path, (long)pid);
        }
    }
    closedir(d);
}

static int is_mqueue_mounted(void)
{
    struct statfs fs;
    return statfs("/dev/mqueue", &fs) == 0 && fs.f_type == 0x19800202; /* MQUEUE_MAGIC */
}

int ipcb_cleanup(int quiet)
{
    int removed = 0;
    scan_names("/dev/shm", "shared memory", shm_unlink, quiet, &removed);
    if (is_mqueue_mounted())
        scan_names("/dev/mqueue", "message queue", mq_unlink, quiet, &removed);
    else if (!quiet)
        printf("note: /dev/mqueue is not mounted, so POSIX message queues cannot be listed "
               "(mount -t mqueue none /dev/mqueue)\n");
    const char *tmp = getenv("TMPDIR");
    if (tmp && *tmp && strcmp(tmp, "/tmp") != 0)
        scan_private_dirs(tmp, quiet, &removed);
    scan_private_dirs("/tmp", quiet, &removed);
    if (!quiet)
        printf(removed ? "removed %d object(s)\n" : "nothing left behind by ipcbench\n",
               removed);
    return 0;
}
