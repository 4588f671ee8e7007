/* A daemon a transport needs (a bus daemon, RouDi), run as a component of
 * the run: started as a child of the driver in a process group of its own,
 * waited for until it answers, written down in the run's ledger (so that
 * `ipcbench cleanup` kills it after a SIGKILL of the driver), stopped on
 * every path by the channel's destroy, and named when it dies.
 *
 * Use: in a transport's create(), ipcb_daemon_start then ipcb_daemon_wait_socket;
 * in its destroy(), ipcb_daemon_stop (idempotent). A side (a child of the
 * driver) that loses its connection asks ipcb_daemon_ended for the reason
 * its cell fails with. */
#ifndef IPCB_DAEMON_H
#define IPCB_DAEMON_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct ipcb_daemon {
    pid_t pid;           /* 0 or -1: none running */
    pid_t parent;        /* the process that started it, the only one that reaps it */
    int reaped, status;  /* in the parent, once waited for: its wait status */
    char what[48];       /* what it is to the run: "the bus daemon" */
    char prog[48];       /* the program: "dbus-daemon" */
    char log[PATH_MAX];  /* its stdout and stderr, "" for /dev/null */
};

/* Start argv (argv[0] looked up in PATH) as a child of this process, its
 * own process group, its output to log_path (NULL: /dev/null), dying with
 * this process (PR_SET_PDEATHSIG), noted in the run's ledger. what names
 * it in messages ("the bus daemon"). 0, or -errno with err saying why
 * ("cannot run dbus-daemon: No such file or directory"). */
int ipcb_daemon_start(struct ipcb_daemon *d, const char *what, char *const argv[],
                      const char *log_path, char *err, size_t len);

/* Wait until path is an AF_UNIX socket that accepts a connection, for at
 * most timeout_ms, while the daemon runs. 0; -ETIMEDOUT; -ESRCH when it
 * ended (err has ipcb_daemon_ended's sentence and the last line of its log);
 * -EINTR when the run was interrupted (SIGINT, SIGTERM). */
int ipcb_daemon_wait_socket(struct ipcb_daemon *d, const char *path, int timeout_ms,
                            char *err, size_t len);

/* 1 when the daemon has ended, with "the bus daemon (dbus-daemon, pid 123)
 * exited: status 1" or "... killed by signal 9 (SIGKILL)" in buf; 0 while it
 * runs (buf untouched). In the parent and in the processes it forked after
 * starting the daemon (which read /proc: a daemon not yet reaped is a
 * zombie there, its exit status readable). */
int ipcb_daemon_ended(struct ipcb_daemon *d, char *buf, size_t len);

/* Stop it: SIGTERM to its process group, SIGKILL to the group after a
 * grace of a second, reaped. Only in the parent; idempotent; a daemon that
 * ended already is reaped. */
void ipcb_daemon_stop(struct ipcb_daemon *d);

#endif
