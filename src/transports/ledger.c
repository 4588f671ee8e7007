/* The run's ledger of System V objects and daemons: written as a run makes
 * them, read back by `ipcbench cleanup`. One line per object: "<kind> <id>
 * <ctime>", a daemon's "daemon <pid> <start time>". */
#include "transports/ledger.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static char ledger_path[4096];

/* $IPCBENCH_LEDGER_COPY: a file that outlives the run, where it also notes
 * its pid (every name it gives an object carries it) and each System V
 * object, so a test suite can check a run's own objects are gone while
 * other programs use IPC on the same machine */
static void copy_line(const char *fmt, const char *kind, long a, long b)
{
    const char *copy = getenv("IPCBENCH_LEDGER_COPY");
    if (!copy || !*copy)
        return;
    FILE *f = fopen(copy, "a");
    if (!f)
        return;
    fprintf(f, fmt, kind, a, b);
    fclose(f);
}

void ipcb_ledger_set(const char *path)
{
    snprintf(ledger_path, sizeof ledger_path, "%s", path ? path : "");
    if (path)
        copy_line("%s %ld %ld\n", "run", (long)getpid(), 0L);
}

long long ipcb_process_start_time(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    /* after the name in parentheses, which may hold anything: field 3 on */
    char *p = strrchr(line, ')');
    long long start = -1;
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (p && sscanf(p + 1, "%lld", &start) != 1)
        start = -1;
    return start;
}

/* a daemon of ours: its start time, -1 if gone or not ours */
static long daemon_start(pid_t pid)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%ld", (long)pid);
    if (stat(path, &st) != 0 || st.st_uid != geteuid())
        return -1;
    return (long)ipcb_process_start_time(pid);
}

/* creation time of an object of ours, -1 if gone or not ours */
static long sysv_ctime(const char *kind, int id)
{
    if (strcmp(kind, "daemon") == 0)
        return daemon_start((pid_t)id);
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

static int sysv_remove(const char *kind, int id)
{
    if (strcmp(kind, "daemon") == 0) /* its process group: what it started too */
        return kill(-(pid_t)id, SIGKILL) == 0 || kill((pid_t)id, SIGKILL) == 0 ? 0 : -1;
    if (strcmp(kind, "msg") == 0)
        return msgctl(id, IPC_RMID, NULL);
    if (strcmp(kind, "shm") == 0)
        return shmctl(id, IPC_RMID, NULL);
    if (strcmp(kind, "sem") == 0)
        return semctl(id, 0, IPC_RMID);
    return -1;
}

void ipcb_ledger_sysv(const char *kind, int id)
{
    if (!ledger_path[0])
        return;
    long ctime_s = sysv_ctime(kind, id);
    copy_line("%s %ld %ld\n", kind, id, ctime_s);
    FILE *f = fopen(ledger_path, "a");
    if (!f)
        return;
    fprintf(f, "%s %d %ld\n", kind, id, ctime_s);
    fclose(f);
}

void ipcb_ledger_daemon(pid_t pid)
{
    ipcb_ledger_sysv("daemon", (int)pid);
}

void ipcb_ledger_drain(const char *path,
                       void (*removed)(const char *kind, int id, void *arg), void *arg)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char kind[8];
    int id;
    long ctime_s;
    while (fscanf(f, "%7s %d %ld", kind, &id, &ctime_s) == 3) {
        if (ctime_s < 0 || sysv_ctime(kind, id) != ctime_s)
            continue; /* gone already, or the id now belongs to someone else */
        if (sysv_remove(kind, id) == 0)
            removed(kind, id, arg);
    }
    fclose(f);
}
