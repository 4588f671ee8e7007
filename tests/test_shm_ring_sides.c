/* The shm transport's ring between processes, under every notify strategy:
 * two processes move 100000 messages through 4 slots intact; what a strategy
 * makes is gone after fini; futex and spin make no system call while neither
 * side has to wait; a dead peer is noticed. */
#include "shm_ring_check.h"
static void test_two_processes(void)
{
    enum { MESSAGES = 100000, SLOTS = 4, MSG_MAX = 256 };
    struct ipcb_shm_ring *to_child = new_ring(MSG_MAX, SLOTS);
    struct ipcb_shm_ring *to_parent = new_ring(MSG_MAX, SLOTS);
    unsigned char buf[MSG_MAX];

    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (pid == 0) {
        alarm(60); /* a lost wake-up fails the test instead of hanging it */
        unsigned bad = 0;
        for (uint64_t seq = 0; seq < MESSAGES; seq++) {
            size_t len = 1 + (size_t)(seq % MSG_MAX);
            ssize_t n = ipcb_shm_ring_get(to_child, buf, sizeof buf);
            if (n != (ssize_t)len || first_bad(buf, len, seq) != len) {
                if (bad++ < 5)
                    fprintf(stderr, "child: message %llu: %zd bytes, expected %zu\n",
                            (unsigned long long)seq, n, len);
            }
            /* every 64th message is answered, so the parent also waits on a
             * full to_child ring while the child is busy answering */
            if (seq % 64 == 63 && ipcb_shm_ring_put(to_parent, &seq, sizeof seq) != sizeof seq)
                bad++;
        }
        _exit(bad ? 1 : 0);
    }
    unsigned bad_rc = 0, bad_answer = 0;
    uint64_t answers = 0;
    alarm(60);
    for (uint64_t seq = 0; seq < MESSAGES; seq++) {
        size_t len = 1 + (size_t)(seq % MSG_MAX);
        fill(buf, len, seq);
        if (ipcb_shm_ring_put(to_child, buf, len) != (ssize_t)len)
            bad_rc++;
        /* drain answers as they come, never more than the ring holds */
        uint64_t back;
        while (ipcb_shm_ring_try_get(to_parent, &back, sizeof back) == sizeof back) {
            if (back != answers * 64 + 63)
                bad_answer++;
            answers++;
        }
    }
    while (answers < MESSAGES / 64) {
        uint64_t back;
        if (ipcb_shm_ring_get(to_parent, &back, sizeof back) != sizeof back) {
            bad_rc++;
            break;
        }
        if (back != answers * 64 + 63)
            bad_answer++;
        answers++;
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
    alarm(0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "consumer child: status 0x%x (it verified every message)", status);
    CHECK(bad_rc == 0, "%u sends failed", bad_rc);
    CHECK(answers == MESSAGES / 64 && bad_answer == 0, "%llu answers, %u out of order",
          (unsigned long long)answers, bad_answer);
    free_ring(to_child);
    free_ring(to_parent);
}

/* what init made is gone after fini: no System V set, no descriptors */
static void test_fini(void)
{
    size_t bytes = ipcb_shm_ring_bytes(64, 4);
    struct ipcb_shm_ring *r = new_ring(64, 4);
    int semid = r->semid, fds[2] = {r->room.fd, r->filled.fd};
    ipcb_shm_ring_fini(r);
    if (how == IPCB_NOTIFY_SYSV_SEM) {
        struct semid_ds ds;
        errno = 0;
        CHECK(semid >= 0 && semctl(semid, 0, IPC_STAT, &ds) == -1 &&
              (errno == EINVAL || errno == EIDRM), "set %d still there after fini", semid);
    }
    if (how == IPCB_NOTIFY_EVENTFD)
        for (int i = 0; i < 2; i++)
            CHECK(fds[i] > 2 && fcntl(fds[i], F_GETFD) == -1 && errno == EBADF,
                  "eventfd %d still open after fini", fds[i]);
    munmap(r, bytes);

    /* a System V semaphore counts to 32767: more slots are refused */
    void *mem = mmap(NULL, ipcb_shm_ring_bytes(1, 40000), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    const char *what;
    int rc = ipcb_shm_ring_init(mem, 1, 40000, how, &what);
    CHECK(how == IPCB_NOTIFY_SYSV_SEM ? rc == -ERANGE : rc == 0, "40000 slots: %d", rc);
    if (rc == 0)
        ipcb_shm_ring_fini(mem);
    munmap(mem, ipcb_shm_ring_bytes(1, 40000));
}

/* futex and spin: while neither side has to wait, put and get make no
 * system call. A child forbids futex and sched_yield with seccomp (they
 * fail with ENOSYS, which put and get would return) and moves messages
 * through a ring that is never empty when read nor full when written. */
static void test_no_syscall(void)
{
    if (how != IPCB_NOTIFY_FUTEX && how != IPCB_NOTIFY_SPIN)
        return;
    struct ipcb_shm_ring *r = new_ring(64, 4);
    pid_t pid = fork();
    if (pid == 0) {
        struct sock_filter filter[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_futex, 2, 0),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sched_yield, 1, 0),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        };
        struct sock_fprog prog = {.len = sizeof filter / sizeof filter[0], .filter = filter};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            _exit(77); /* no seccomp here: cannot tell */
        if (syscall(SYS_futex, NULL, 0, 0, NULL, NULL, 0) != -1 || errno != ENOSYS)
            _exit(3); /* the filter does not do what it should */
        unsigned char buf[64] = {0};
        for (uint64_t i = 0; i < 10000; i++) {
            if (ipcb_shm_ring_put(r, buf, 64) != 64 || ipcb_shm_ring_put(r, buf, 32) != 32)
                _exit(1);
            if (ipcb_shm_ring_get(r, buf, 64) != 64 || ipcb_shm_ring_get(r, buf, 64) != 32)
                _exit(2);
        }
        _exit(0);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork or waitpid: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
        printf("note: seccomp unavailable, the no-syscall check of %s was not made\n",
               ipcb_shm_notify_name(how));
    else
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "an uncontended put or get made a system call (child status 0x%x)", status);
    free_ring(r);
}

/* condvar: a side that dies holding the monitor's mutex makes the other's
 * next put fail with EOWNERDEAD, and one that dies outside it (after it
 * waited once, so its pid is in the ring) ends a blocking get within the
 * wait's tick with EPIPE instead of leaving it asleep for good */
static void test_dead_peer(void)
{
    if (how != IPCB_NOTIFY_CONDVAR)
        return;
    struct ipcb_shm_ring *r = new_ring(64, 4);
    unsigned char buf[64] = {0};
    int status = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(pthread_mutex_lock(&r->lock) == 0 ? 0 : 1); /* dies holding it */
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
          WEXITSTATUS(status) == 0, "the child that takes the mutex (status 0x%x)", status);
    ssize_t rc = ipcb_shm_ring_put(r, buf, 64);
    CHECK(rc == -EOWNERDEAD, "put after the other side died holding the mutex: %zd", rc);
    munmap(r, ipcb_shm_ring_bytes(64, 4)); /* its mutex is unusable now: no free_ring */

    r = new_ring(64, 4);
    pid = fork();
    if (pid == 0)
        _exit(ipcb_shm_ring_try_put(r, buf, 64) == 64 ? 0 : 1);
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
          WEXITSTATUS(status) == 0, "the child that puts one (status 0x%x)", status);
    CHECK(ipcb_shm_ring_get(r, buf, 64) == 64, "the dead producer's message arrives");
    rc = ipcb_shm_ring_get(r, buf, 64);
    CHECK(rc == -EPIPE, "a get with the producer gone: %zd", rc);
    free_ring(r);
}

int main(void)
{
    for (how = 0; how < IPCB_NOTIFY_COUNT; how++) {
        test_fini();
        test_no_syscall();
        test_dead_peer();
        test_two_processes();
    }
    if (failures) {
        printf("FAILED %u of %u checks\n", failures, checks);
        return 1;
    }
    printf("ok %u checks\n", checks);
    return 0;
}
