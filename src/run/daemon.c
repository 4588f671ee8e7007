/* Daemons as components of the run (run/daemon.h). */
#include "run/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/measurement.h"
#include "transports/ledger.h"

/* In the new child, before exec: its own group (a terminal's SIGINT goes
 * to the driver, which stops it), dying with the driver, default signal
 * handling, its output in the log, no descriptor of the driver's but
 * report. Never returns. */
__attribute__((noreturn))
static void exec_daemon(char *const argv[], const char *log_path, pid_t parent, int report)
{
    setpgid(0, 0);
    /* test hook: a daemon that outlives a SIGKILLed driver, for cleanup to find */
    const char *inject = getenv("IPCBENCH_INJECT");
    if (!inject || strcmp(inject, "daemon-orphan") != 0)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    int in = open("/dev/null", O_RDONLY);
    int out = log_path ? open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)
                       : open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
        int e = errno;
        (void)!write(report, &e, sizeof e);
        _exit(127);
    }
    /* every descriptor but 0-2 and report (close-on-exec) */
    for (int fd = 3; fd < 1024; fd++)
        if (fd != report)
            close(fd);
    execvp(argv[0], argv);
    int e = errno;
    (void)!write(report, &e, sizeof e);
    _exit(127);
}

int ipcb_daemon_start(struct ipcb_daemon *d, const char *what, char *const argv[],
                      const char *log_path, char *err, size_t len)
{
    const char *slash = strrchr(argv[0], '/');
    *d = (struct ipcb_daemon){.parent = getpid()};
    snprintf(d->what, sizeof d->what, "%s", what);
    snprintf(d->prog, sizeof d->prog, "%s", slash ? slash + 1 : argv[0]);
    snprintf(d->log, sizeof d->log, "%s", log_path ? log_path : "");
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        int e = errno;
        snprintf(err, len, "pipe for %s: %s", d->prog, strerror(e));
        return -e;
    }
    fflush(NULL); /* the child must not flush the driver's buffered output */
    pid_t pid = fork();
    if (pid == 0)
        exec_daemon(argv, log_path, d->parent, report[1]);
    int e = errno;
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        snprintf(err, len, "fork for %s: %s", d->prog, strerror(e));
        return -e;
    }
    d->pid = pid;
    /* the ledger first, so that no window leaves it unknown to cleanup */
    ipcb_ledger_daemon(pid);
    /* end of file: the exec succeeded; an errno: it did not */
    int exec_errno = 0;
    ssize_t n;
    while ((n = read(report[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
        ;
    close(report[0]);
    if (n == (ssize_t)sizeof exec_errno) {
        ipcb_daemon_stop(d);
        snprintf(err, len, "cannot run %s for %s: %s", argv[0], what, strerror(exec_errno));
        return -exec_errno;
    }
    return 0;
}

/* "killed by signal 9 (SIGKILL)" or "status 1" from a wait status */
static void describe_status(int status, char *buf, size_t len)
{
    if (WIFSIGNALED(status)) {
        const char *abbrev = sigabbrev_np(WTERMSIG(status));
        snprintf(buf, len, "killed by signal %d (SIG%s)", WTERMSIG(status),
                 abbrev ? abbrev : "?");
    } else {
        snprintf(buf, len, "status %d", WEXITSTATUS(status));
    }
}

/* from a side: the daemon's state and exit code in /proc; 1 when it ended,
 * with its wait status (-1 when no longer known) */
static int ended_in_proc(pid_t pid, int *status)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    *status = -1;
    if (!f)
        return 1; /* reaped already: ended, how is no longer known */
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    const char *p = strrchr(line, ')');
    if (!p || (p[2] != 'Z' && p[2] != 'X'))
        return 0;
    /* the exit code is the stat line's last field (field 52) */
    const char *last = strrchr(line, ' ');
    if (last)
        *status = atoi(last + 1);
    return 1;
}

int ipcb_daemon_ended(struct ipcb_daemon *d, char *buf, size_t len)
{
    if (d->pid <= 0)
        return 0;
    int status = -1;
    if (d->reaped) {
        status = d->status;
    } else if (getpid() == d->parent) {
        siginfo_t si = {0};
        if (waitid(P_PID, (id_t)d->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
            return 0;
        status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : si.si_status;
    } else if (!ended_in_proc(d->pid, &status)) {
        return 0;
    }
    char how[64] = "exited";
    if (status != -1)
        describe_status(status, how, sizeof how);
    snprintf(buf, len, "%s (%s, pid %ld) %s%s", d->what, d->prog, (long)d->pid,
             status != -1 && WIFSIGNALED(status) ? "was " : "exited: ",
             status == -1 ? "its status is no longer known" : how);
    return 1;
}

/* the log's last non-empty line, into buf ("" when none) */
static void last_log_line(const struct ipcb_daemon *d, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = d->log[0] ? fopen(d->log, "r") : NULL;
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            snprintf(buf, len, "%.*s", (int)(len > 0 ? len - 1 : 0), line);
    }
    fclose(f);
}

static int socket_answers(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return 0;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

int ipcb_daemon_wait_socket(struct ipcb_daemon *d, const char *path, int timeout_ms,
                            char *err, size_t len)
{
    struct timespec nap = {0, 2 * 1000 * 1000};
    for (int waited_ms = 0;; waited_ms += 2) {
        char ended[256], line[200];
        if (socket_answers(path))
            return 0;
        if (ipcb_daemon_ended(d, ended, sizeof ended)) {
            last_log_line(d, line, sizeof line);
            snprintf(err, len, "%s before it answered%s%s", ended, line[0] ? ": " : "", line);
            return -ESRCH;
        }
        if (ipcb_stop_signal()) {
            snprintf(err, len, "interrupted while waiting for %s", d->what);
            return -EINTR;
        }
        if (waited_ms >= timeout_ms) {
            snprintf(err, len, "%s (%s, pid %ld) did not answer on %s within %d ms", d->what,
                     d->prog, (long)d->pid, path, timeout_ms);
            return -ETIMEDOUT;
        }
        nanosleep(&nap, NULL);
    }
}

/* reap it within ms milliseconds; 1 when reaped */
static int reap_within(struct ipcb_daemon *d, int ms)
{
    int fd = (int)syscall(SYS_pidfd_open, d->pid, 0);
    if (fd >= 0) {
        struct pollfd one = {.fd = fd, .events = POLLIN};
        while (poll(&one, 1, ms) < 0 && errno == EINTR)
            ;
        close(fd);
    }
    pid_t got = waitpid(d->pid, &d->status, fd >= 0 || ms == 0 ? WNOHANG : 0);
    if (got == d->pid || (got < 0 && errno == ECHILD))
        d->reaped = 1;
    return d->reaped;
}

void ipcb_daemon_stop(struct ipcb_daemon *d)
{
    if (d->pid <= 0 || getpid() != d->parent)
        return;
    if (!d->reaped) {
        kill(-d->pid, SIGTERM);
        kill(d->pid, SIGTERM);
        if (!reap_within(d, 1000)) {
            kill(-d->pid, SIGKILL);
            kill(d->pid, SIGKILL);
            while (!reap_within(d, 1000))
                ;
        }
    }
    kill(-d->pid, SIGKILL); /* what it started in its group and left behind */
    d->pid = -1;
}
