/* The run's ledger of System V objects: written as a run makes them, read
 * back by `ipcbench cleanup`. One line per object: "<kind> <id> <ctime>". */
#include "transports/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
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

/* creation time of an object of ours, -1 if gone or not ours */
static long sysv_ctime(const char *kind, int id)
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

static int sysv_remove(const char *kind, int id)
{
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
