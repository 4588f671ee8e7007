/* RouDi for the iceoryx transports (iceoryx_roudi.h). */
#include "transports/iceoryx_roudi.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/measurement.h"
#include "transports/private_dir.h"

#define ROUDI_WHAT "RouDi, the iceoryx daemon"
#define ROUDI_LOCK "/tmp/iox-unique-roudi.lock"
#define ROUDI_READY "RouDi is ready for clients"
#define ROUDI_START_MS 10000
#define ROUDI_STOP_MS 5000  /* it takes 1.5-2 s to stop, more than daemon.c's grace */

/* a RouDi process on the machine */
struct roudi_found {
    pid_t pid;  /* 0: none */
    uid_t uid;
    pid_t run;  /* the ipcbench run whose config it runs with, 0 for none */
};

static int read_small(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    return (int)n;
}

/* the run in "<dir>/ipcbench-<pid>-XXXXXX/roudi.toml" among argv, 0 if none */
static pid_t config_run(const char *cmdline, int n)
{
    for (int at = 0; at < n; at += (int)strlen(cmdline + at) + 1) {
        const char *arg = cmdline + at, *base = strstr(arg, "/ipcbench-");
        size_t alen = strlen(arg);
        if (base && alen > 11 && strcmp(arg + alen - 11, "/roudi.toml") == 0)
            return (pid_t)atol(base + strlen("/ipcbench-"));
    }
    return 0;
}

/* is /proc/<name> a live iox-roudi? fills f when it is */
static int roudi_process(const char *name, struct roudi_found *f)
{
    char path[64], text[4096];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%s/comm", name);
    if (read_small(path, text, sizeof text) < 0 || strcmp(text, "iox-roudi\n") != 0)
        return 0;
    snprintf(path, sizeof path, "/proc/%s/stat", name);
    const char *state = read_small(path, text, sizeof text) > 0 ? strrchr(text, ')') : NULL;
    if (!state || state[2] == 'Z' || state[2] == 'X')
        return 0; /* ended, not yet reaped */
    snprintf(path, sizeof path, "/proc/%s", name);
    if (stat(path, &st) != 0)
        return 0;
    snprintf(path, sizeof path, "/proc/%s/cmdline", name);
    int n = read_small(path, text, sizeof text);
    *f = (struct roudi_found){.pid = (pid_t)atol(name), .uid = st.st_uid,
                              .run = n > 0 ? config_run(text, n) : 0};
    return 1;
}

/* the RouDi running on this machine, if one is (f->pid 0 when none) */
static void roudi_find(struct roudi_found *f)
{
    *f = (struct roudi_found){0};
    DIR *d = opendir("/proc");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (isdigit((unsigned char)e->d_name[0]) && roudi_process(e->d_name, f))
            break;
    closedir(d);
}

/* why a channel cannot use the RouDi found: 0 when it can (the user's own) */
static int roudi_refused(const struct roudi_found *f, char *err, size_t len)
{
    if (f->uid != geteuid()) {
        snprintf(err, len, "iox-roudi (pid %ld) of another user (uid %ld) is running, and "
                 "iceoryx 2.0 allows one RouDi per machine", (long)f->pid, (long)f->uid);
        return 1;
    }
    if (f->run) {
        snprintf(err, len, "iox-roudi (pid %ld) is another ipcbench run's (pid %ld), which "
                 "stops it when its cell ends; iceoryx 2.0 allows one RouDi per machine: "
                 "run iceoryx when that run is done%s", (long)f->pid, (long)f->run,
                 kill(f->run, 0) != 0 && errno == ESRCH
                     ? " (that run is gone: ipcbench cleanup stops its RouDi)" : "");
        return 1;
    }
    return 0;
}

const char *ipcb_roudi_mode(void)
{
    static char mode[96];
    struct roudi_found f;
    roudi_find(&f);
    if (f.pid && !f.run && f.uid == geteuid())
        snprintf(mode, sizeof mode, "RouDi: the user's (pid %ld), used as it is", (long)f.pid);
    else
        snprintf(mode, sizeof mode, "RouDi: started by the run for each cell");
    return mode;
}

/* mempools of one size, payloads rounded up to iceoryx's 8-byte granule */
static int write_config(const char *path, uint64_t payload, unsigned chunks)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return -e;
    }
    fprintf(f, "# written by ipcbench for one cell\n[general]\nversion = 1\n\n[[segment]]\n\n"
            "[[segment.mempool]]\nsize = %llu\ncount = %u\n",
            (unsigned long long)((payload + 7) & ~(uint64_t)7), chunks);
    return fclose(f) == 0 ? 0 : -errno;
}

/* 1 once the log says RouDi is ready */
static int roudi_ready(const struct ipcb_daemon *d)
{
    char text[8192];
    return read_small(d->log, text, sizeof text) > 0 && strstr(text, ROUDI_READY) != NULL;
}

/* wait for ours to be ready; 0, or -errno with err saying why not */
static int wait_ready(struct ipcb_roudi *r, char *err, size_t len)
{
    const struct timespec nap = {0, 2 * 1000 * 1000};
    for (int waited_ms = 0; !roudi_ready(&r->d); waited_ms += 2) {
        char ended[256];
        if (ipcb_daemon_ended(&r->d, ended, sizeof ended)) {
            char text[8192] = "";
            read_small(r->d.log, text, sizeof text);
            const char *why = strstr(text, "Could not acquire lock") ? ": another RouDi "
                              "holds " ROUDI_LOCK : "";
            snprintf(err, len, "%s before it was ready%s", ended, why);
            return -ESRCH;
        }
        if (ipcb_stop_signal()) {
            snprintf(err, len, "interrupted while waiting for %s", ROUDI_WHAT);
            return -EINTR;
        }
        if (waited_ms >= ROUDI_START_MS) {
            snprintf(err, len, "%s did not say it was ready within %d ms (its log: %s)",
                     ROUDI_WHAT, ROUDI_START_MS, r->d.log);
            return -ETIMEDOUT;
        }
        nanosleep(&nap, NULL);
    }
    return 0;
}

/* ours, for this cell, with its config and log in r->dir */
static int start_ours(struct ipcb_roudi *r, uint64_t payload, unsigned chunks, char *err,
                      size_t len)
{
    char config[PATH_MAX], log[PATH_MAX];
    if (ipcb_dir_path(config, sizeof config, r->dir, "roudi.toml") != 0 ||
        ipcb_dir_path(log, sizeof log, r->dir, "roudi.log") != 0) {
        snprintf(err, len, "the private directory's path is too long: %s", r->dir);
        return -ENAMETOOLONG;
    }
    int rc = write_config(config, payload, chunks);
    if (rc < 0) {
        snprintf(err, len, "cannot write %s: %s", config, strerror(-rc));
        return rc;
    }
    char *argv[] = {"iox-roudi", "-c", config, "-l", "info", NULL};
    rc = ipcb_daemon_start(&r->d, ROUDI_WHAT, argv, log, err, len);
    if (rc == -ENOENT)
        snprintf(err, len, "iox-roudi is not installed (Debian: apt-get install iceoryx)");
    if (rc < 0)
        return rc == -ENOENT ? -EOPNOTSUPP : rc;
    r->pid = r->d.pid;
    return wait_ready(r, err, len);
}

int ipcb_roudi_acquire(struct ipcb_roudi *r, uint64_t payload, unsigned chunks, char *err,
                       size_t len)
{
    struct roudi_found f;
    roudi_find(&f);
    if (f.pid && f.run == getpid()) {
        r->pid = f.pid; /* --pairs: the first channel's, which stops it */
        return 0;
    }
    if (f.pid) {
        if (roudi_refused(&f, err, len))
            return -EOPNOTSUPP;
        r->pid = f.pid;
        r->users = 1;
        return 0;
    }
    int rc = start_ours(r, payload, chunks, err, len);
    if (rc == -ESRCH) {
        /* another RouDi won the race to its lock: whose, decides as above */
        char lost[512];
        snprintf(lost, sizeof lost, "%s", err);
        ipcb_roudi_release(r);
        roudi_find(&f);
        if (f.pid && roudi_refused(&f, err, len))
            return -EOPNOTSUPP;
        if (f.pid) {
            r->pid = f.pid;
            r->users = 1;
            return 0;
        }
        snprintf(err, len, "%s", lost);
    }
    return rc;
}

void ipcb_roudi_release(struct ipcb_roudi *r)
{
    if (r->d.pid > 0 && getpid() == r->d.parent) {
        char ended[256];
        /* asked first and given time: daemon.c's grace would kill it halfway */
        if (!ipcb_daemon_ended(&r->d, ended, sizeof ended)) {
            kill(r->d.pid, SIGTERM);
            for (int ms = 0; ms < ROUDI_STOP_MS && !ipcb_daemon_ended(&r->d, ended, sizeof ended);
                 ms += 5)
                poll(NULL, 0, 5);
        }
        ipcb_daemon_stop(&r->d);
        ipcb_roudi_leftovers(NULL, NULL);
    }
    r->d.pid = -1;
    r->pid = 0;
    r->users = 0;
}

int ipcb_roudi_ended(struct ipcb_roudi *r, int pidfd, char *buf, size_t len)
{
    struct pollfd one = {.fd = pidfd, .events = POLLIN};
    if (pidfd < 0 || poll(&one, 1, 0) <= 0)
        return 0;
    if (r->d.pid > 0 && ipcb_daemon_ended(&r->d, buf, len))
        return 1;
    snprintf(buf, len, "%s%s (iox-roudi, pid %ld) ended", r->users ? "the user's " : "",
             ROUDI_WHAT, (long)r->pid);
    return 1;
}

int ipcb_roudi_started_in(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    return ipcb_dir_path(path, sizeof path, dir, "roudi.toml") == 0 && lstat(path, &st) == 0;
}

int ipcb_roudi_leftovers(void (*removed)(const char *what, void *arg), void *arg)
{
    int fd = open(ROUDI_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd); /* a RouDi runs (or the lock is another user's): its names are live */
        return 0;
    }
    const struct group *g = getgrgid(getegid());
    char segment[300];
    snprintf(segment, sizeof segment, "/dev/shm/%s", g ? g->gr_name : "");
    const char *const names[] = {"/dev/shm/iceoryx_mgmt", segment, "/tmp/roudi",
                                 "/tmp/roudi.lock", ROUDI_LOCK};
    int count = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!g && i == 1)
            continue;
        if (lstat(names[i], &st) != 0 || st.st_uid != geteuid() || unlink(names[i]) != 0)
            continue;
        count++;
        if (removed && i + 1 < sizeof names / sizeof names[0])
            removed(names[i], arg);
    }
    close(fd);
    return count;
}
