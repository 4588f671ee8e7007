/* The shm transport's ring, under every notify strategy: messages come out
 * in order, whole, with their lengths, across wrap-around; a full ring
 * refuses a put, an empty one a get; two processes move 100000 messages
 * through 4 slots intact; what a strategy makes is gone after fini; and
 * futex and spin make no system call while neither side has to wait. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transports/shm_ring.h"

static unsigned checks, failures;
static enum ipcb_shm_notify how; /* the strategy under test */

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        checks++;                                                         \
        if (!(cond)) {                                                    \
            failures++;                                                   \
            fprintf(stderr, "%s:%d: [%s] check failed: %s: ", __FILE__, __LINE__, \
                    ipcb_shm_notify_name(how), #cond);                    \
            fprintf(stderr, __VA_ARGS__);                                 \
            fputc('\n', stderr);                                          \
        }                                                                 \
    } while (0)

/* byte i of message seq: every byte depends on seq and its position */
static unsigned char payload_byte(uint64_t seq, size_t i)
{
    return (unsigned char)(seq * 131u + i * 7u + 1u);
}

static void fill(unsigned char *b, size_t len, uint64_t seq)
{
    for (size_t i = 0; i < len; i++)
        b[i] = payload_byte(seq, i);
}

/* index of the first wrong byte, or len when all are right */
static size_t first_bad(const unsigned char *b, size_t len, uint64_t seq)
{
    for (size_t i = 0; i < len; i++)
        if (b[i] != payload_byte(seq, i))
            return i;
    return len;
}

/* a ring in memory that a fork shares, as the transport's segment is */
static struct ipcb_shm_ring *new_ring(size_t msg_max, unsigned slots)
{
    void *mem = mmap(NULL, ipcb_shm_ring_bytes(msg_max, slots), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    const char *what;
    int rc = ipcb_shm_ring_init(mem, msg_max, slots, how, &what);
    if (rc != 0) {
        fprintf(stderr, "ipcb_shm_ring_init (%s): %s: %s\n", ipcb_shm_notify_name(how), what,
                strerror(-rc));
        exit(1);
    }
    return mem;
}

/* every test leaves its ring empty: a check of that, then the ring goes */
static void free_ring(struct ipcb_shm_ring *r)
{
    unsigned char byte;
    size_t bytes = ipcb_shm_ring_bytes(r->msg_max, r->slots);
    CHECK(ipcb_shm_ring_try_get(r, &byte, 1) == -EAGAIN, "a message left in the ring");
    ipcb_shm_ring_fini(r);
    munmap(r, bytes);
}

/* bytes the slots of a ring take: the ring less its header, lengths and notes */
static size_t slot_bytes(size_t msg_max, unsigned slots)
{
    return ipcb_shm_ring_bytes(msg_max, slots) - ipcb_shm_ring_bytes(0, slots) + slots * 64u;
}

static void test_layout(void)
{
    size_t b = ipcb_shm_ring_bytes(1, 4);
    CHECK(b > 0 && b % 128 == 0, "bytes(1, 4) = %zu", b);
    /* header, then lens[] and the notes on pairs of lines of their own */
    CHECK(b == sizeof(struct ipcb_shm_ring) + 128 + 128 + 4 * 64, "bytes(1, 4) = %zu", b);
    /* a slot is the message alone: 64 bytes are one cache line, as 1 byte is */
    CHECK(ipcb_shm_ring_bytes(64, 4) == b, "bytes(64, 4) = %zu, bytes(1, 4) = %zu",
          ipcb_shm_ring_bytes(64, 4), b);
    CHECK(slot_bytes(65, 4) == 4 * 128, "65-byte slots: %zu bytes for 4", slot_bytes(65, 4));
    b = ipcb_shm_ring_bytes(1024 * 1024, 16);
    CHECK(b >= 16u * 1024 * 1024 && b % 64 == 0, "bytes(1M, 16) = %zu", b);
    CHECK(ipcb_shm_ring_bytes(1, 0) == 0, "0 slots must be refused");
    CHECK(ipcb_shm_ring_bytes(SIZE_MAX / 2, 4) == 0, "an overflowing size must be refused");
    CHECK(ipcb_shm_ring_bytes(SIZE_MAX, 1) == 0, "an overflowing size must be refused");
    CHECK(sizeof(struct ipcb_shm_ring) % 128 == 0, "header of %zu bytes", sizeof(struct ipcb_shm_ring));
    /* a slot of more than one line starts a 128-byte pair, so its first two
     * lines are the pair the adjacent-line prefetcher fetches together */
    CHECK(slot_bytes(130, 2) == 2 * 256, "a 130-byte slot's stride is 256 (%zu bytes for 2)",
          slot_bytes(130, 2));
    CHECK(slot_bytes(4096, 2) % 256 == 0, "a 4 KiB slot's stride is a multiple of 128 "
          "(%zu bytes for 2)", slot_bytes(4096, 2));
    /* 40 slots' lengths take two pairs of lines, their notes three */
    b = ipcb_shm_ring_bytes(1, 40);
    CHECK(b == sizeof(struct ipcb_shm_ring) + 2 * 128 + 3 * 128 + 40 * 64, "bytes(1, 40) = %zu", b);
#if SIZE_MAX > UINT32_MAX
    b = ipcb_shm_ring_bytes((size_t)UINT32_MAX + 1, 1);
    CHECK(b == 0, "a slot longer than lens[] can say must be refused (%zu)", b);
#endif
    CHECK(offsetof(struct ipcb_shm_ring, head) / 64 != offsetof(struct ipcb_shm_ring, tail) / 64,
          "head and tail share a cache line");
}

static void test_empty(void)
{
    struct ipcb_shm_ring *r = new_ring(32, 4);
    unsigned char buf[32];
    CHECK(ipcb_shm_ring_try_get(r, buf, sizeof buf) == -EAGAIN, "a new ring is not empty");
    fill(buf, 10, 1);
    CHECK(ipcb_shm_ring_try_put(r, buf, 10) == 10, "put into an empty ring");
    memset(buf, 0, sizeof buf);
    CHECK(ipcb_shm_ring_try_get(r, buf, 10) == 10, "get of the one message");
    CHECK(first_bad(buf, 10, 1) == 10, "content of the one message");
    CHECK(ipcb_shm_ring_try_get(r, buf, sizeof buf) == -EAGAIN, "a drained ring is not empty");
    free_ring(r);
}

static void test_full(void)
{
    const unsigned slots = 6;
    struct ipcb_shm_ring *r = new_ring(48, slots);
    unsigned char buf[48];
    int v = -1;
    for (unsigned i = 0; i < slots; i++) {
        fill(buf, 48, i);
        CHECK(ipcb_shm_ring_try_put(r, buf, 48) == 48, "put %u of %u", i, slots);
    }
    CHECK(r->head - r->tail == slots, "head - tail = %u when full", r->head - r->tail);
    if (how == IPCB_NOTIFY_SEM) {
        CHECK(sem_getvalue(&r->room.sem, &v) == 0 && v == 0, "room = %d when full", v);
        CHECK(sem_getvalue(&r->filled.sem, &v) == 0 && v == (int)slots, "filled = %d when full", v);
        errno = 0;
        CHECK(sem_trywait(&r->room.sem) == -1 && errno == EAGAIN, "sem_trywait(room) on a full ring");
    }
    if (how == IPCB_NOTIFY_SYSV_SEM) {
        CHECK((v = semctl(r->semid, 0, GETVAL)) == 0, "room = %d when full", v);
        CHECK((v = semctl(r->semid, 1, GETVAL)) == (int)slots, "filled = %d when full", v);
    }
    fill(buf, 48, 999);
    CHECK(ipcb_shm_ring_try_put(r, buf, 48) == -EAGAIN, "a put into a full ring would not block");
    /* one out makes room for exactly one in */
    CHECK(ipcb_shm_ring_try_get(r, buf, 48) == 48 && first_bad(buf, 48, 0) == 48,
          "oldest message first");
    fill(buf, 48, slots);
    CHECK(ipcb_shm_ring_try_put(r, buf, 48) == 48, "put after one get");
    CHECK(ipcb_shm_ring_try_put(r, buf, 48) == -EAGAIN, "full again");
    for (unsigned i = 1; i <= slots; i++) {
        memset(buf, 0, sizeof buf);
        CHECK(ipcb_shm_ring_try_get(r, buf, 48) == 48, "get %u", i);
        CHECK(first_bad(buf, 48, i) == 48, "content of message %u", i);
    }
    CHECK(ipcb_shm_ring_try_get(r, buf, 48) == -EAGAIN, "empty after draining");
    CHECK(r->head == r->tail, "head %u, tail %u when drained", r->head, r->tail);
    if (how == IPCB_NOTIFY_SEM)
        CHECK(sem_getvalue(&r->room.sem, &v) == 0 && v == (int)slots, "room = %d when drained", v);
    free_ring(r);
}

/* many more messages than slots, in bursts of every depth, with lengths
 * from 0 to msg_max: order, length and content survive every wrap */
static void test_wrap(void)
{
    const unsigned slots = 5;
    const size_t msg_max = 200;
    struct ipcb_shm_ring *r = new_ring(msg_max, slots);
    unsigned char buf[200];
    uint64_t sent = 0, got = 0;
    unsigned bad_len = 0, bad_content = 0, bad_rc = 0;
    for (unsigned round = 0; round < 2000; round++) {
        unsigned burst = 1 + round % slots;
        for (unsigned i = 0; i < burst; i++, sent++) {
            size_t len = (size_t)(sent * 37 % (msg_max + 1));
            fill(buf, len, sent);
            if (ipcb_shm_ring_put(r, buf, len) != (ssize_t)len)
                bad_rc++;
        }
        for (unsigned i = 0; i < burst; i++, got++) {
            size_t len = (size_t)(got * 37 % (msg_max + 1));
            memset(buf, 0xee, sizeof buf);
            ssize_t n = ipcb_shm_ring_get(r, buf, sizeof buf);
            if (n != (ssize_t)len)
                bad_len++;
            else if (first_bad(buf, len, got) != len)
                bad_content++;
        }
    }
    CHECK(sent > 20 * slots && sent == got, "sent %llu, got %llu",
          (unsigned long long)sent, (unsigned long long)got);
    CHECK(bad_rc == 0, "%u puts failed", bad_rc);
    CHECK(bad_len == 0, "%u messages came out with the wrong length", bad_len);
    CHECK(bad_content == 0, "%u messages came out with the wrong content", bad_content);
    free_ring(r);
}

/* the counters and slot sequence numbers run past 2^32 in the middle of
 * the test: a stale slot is never taken, a full ring never overwritten */
static void test_counter_wrap(void)
{
    const unsigned slots = 3;
    struct ipcb_shm_ring *r = new_ring(64, slots);
    /* as if 2^32 - 3 * slots messages had gone through */
    const uint32_t start = UINT32_MAX - 3 * slots + 1;
    atomic_store(&r->head, start);
    atomic_store(&r->tail, start);
    r->taken = start;
    r->head_seen = start;
    r->tail_seen = start;
    unsigned char buf[64];
    unsigned bad = 0, refused_full = 0;
    uint64_t sent = 0, got = 0;
    for (unsigned round = 0; round < 6 * slots; round++) {
        for (unsigned i = 0; i < slots; i++, sent++) {
            fill(buf, sizeof buf, sent);
            if (ipcb_shm_ring_try_put(r, buf, sizeof buf) != (ssize_t)sizeof buf)
                bad++;
        }
        fill(buf, sizeof buf, ~0ull);
        if (ipcb_shm_ring_try_put(r, buf, sizeof buf) == -EAGAIN)
            refused_full++;
        for (unsigned i = 0; i < slots; i++, got++) {
            memset(buf, 0xee, sizeof buf);
            if (ipcb_shm_ring_try_get(r, buf, sizeof buf) != (ssize_t)sizeof buf ||
                first_bad(buf, sizeof buf, got) != sizeof buf)
                bad++;
        }
        if (ipcb_shm_ring_try_get(r, buf, sizeof buf) != -EAGAIN)
            bad++;
    }
    CHECK(atomic_load(&r->head) < start, "head wrapped past 2^32 (%u)", atomic_load(&r->head));
    CHECK(bad == 0, "%u puts or gets went wrong around the wrap", bad);
    CHECK(refused_full == 6 * slots, "a full ring took a message (%u of %u refused)",
          refused_full, 6 * slots);
    free_ring(r);
}

/* messages whose first 8 bytes are the same every time (spin watches those
 * bytes for a new message): each still arrives, once, in order, whether the
 * get waits or only tries */
static void test_same_first_bytes(void)
{
    const unsigned slots = 4;
    struct ipcb_shm_ring *r = new_ring(32, slots);
    unsigned char buf[32];
    unsigned bad = 0;
    for (uint64_t seq = 0; seq < 10 * slots; seq++) {
        memset(buf, 0, 8);
        fill(buf + 8, 24, seq);
        if (ipcb_shm_ring_try_put(r, buf, 32) != 32)
            bad++;
        memset(buf, 0xee, sizeof buf);
        ssize_t n = seq % 2 ? ipcb_shm_ring_try_get(r, buf, sizeof buf)
                            : ipcb_shm_ring_get(r, buf, sizeof buf);
        if (n != 32 || first_bad(buf + 8, 24, seq) != 24 || buf[0] != 0)
            bad++;
        if (ipcb_shm_ring_try_get(r, buf, sizeof buf) != -EAGAIN)
            bad++;
    }
    CHECK(bad == 0, "%u messages with equal first bytes went wrong", bad);
    free_ring(r);
}

/* spin: the producer stores head a moment after the slot, so a consumer
 * can take a message while head still trails it; that head must not make
 * it take the slot again (a lap-old message) */
static void test_head_trails(void)
{
    if (how != IPCB_NOTIFY_SPIN)
        return;
    struct ipcb_shm_ring *r = new_ring(64, 4);
    unsigned char buf[64];
    unsigned bad = 0;
    for (uint64_t seq = 0; seq < 12; seq++) {
        fill(buf, sizeof buf, seq);
        if (ipcb_shm_ring_try_put(r, buf, sizeof buf) != (ssize_t)sizeof buf)
            bad++;
        atomic_fetch_sub(&r->head, 1); /* as if head were not stored yet */
        if (ipcb_shm_ring_try_get(r, buf, sizeof buf) != (ssize_t)sizeof buf ||
            first_bad(buf, sizeof buf, seq) != sizeof buf)
            bad++;
        if (ipcb_shm_ring_try_get(r, buf, sizeof buf) != -EAGAIN)
            bad++;
        atomic_fetch_add(&r->head, 1);
    }
    CHECK(bad == 0, "%u gets went wrong while head trailed the slots", bad);
    free_ring(r);
}

static void test_lengths(void)
{
    struct ipcb_shm_ring *r = new_ring(100, 8);
    unsigned char buf[128];
    static const size_t lens[] = {0, 1, 7, 8, 63, 64, 99, 100};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        fill(buf, lens[i], i);
        CHECK(ipcb_shm_ring_put(r, buf, lens[i]) == (ssize_t)lens[i], "put of %zu bytes", lens[i]);
    }
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        memset(buf, 0xee, sizeof buf);
        ssize_t n = ipcb_shm_ring_get(r, buf, sizeof buf);
        CHECK(n == (ssize_t)lens[i], "got %zd bytes, sent %zu", n, lens[i]);
        CHECK(first_bad(buf, lens[i], i) == lens[i], "content of the %zu-byte message", lens[i]);
        CHECK(buf[lens[i]] == 0xee, "wrote past the %zu-byte message", lens[i]);
    }
    /* too big for a slot: refused, and the ring is untouched */
    CHECK(ipcb_shm_ring_put(r, buf, 101) == -EMSGSIZE, "101 bytes into 100-byte slots");
    CHECK(ipcb_shm_ring_try_put(r, buf, 101) == -EMSGSIZE, "try: 101 bytes into 100-byte slots");
    CHECK(ipcb_shm_ring_try_get(r, buf, sizeof buf) == -EAGAIN, "a refused put left a message");

    /* a receiver that asks for less gets its len bytes and the true length */
    fill(buf, 40, 77);
    CHECK(ipcb_shm_ring_put(r, buf, 40) == 40, "put of 40 bytes");
    memset(buf, 0xee, sizeof buf);
    CHECK(ipcb_shm_ring_get(r, buf, 10) == 40, "get of 10 of 40 bytes says 40");
    CHECK(first_bad(buf, 10, 77) == 10 && buf[10] == 0xee, "exactly 10 bytes copied");
    /* one that asks for more gets what there was */
    fill(buf, 10, 78);
    CHECK(ipcb_shm_ring_put(r, buf, 10) == 10, "put of 10 bytes");
    memset(buf, 0xee, sizeof buf);
    CHECK(ipcb_shm_ring_get(r, buf, 100) == 10, "get of up to 100 bytes says 10");
    CHECK(first_bad(buf, 10, 78) == 10 && buf[10] == 0xee, "10 bytes copied, no more");
    free_ring(r);
}

/* two processes, 100000 messages each way through 4 slots of up to 256
 * bytes: the child checks every message and answers with its sequence
 * number, so both rings and both wait paths (full and empty) get used */
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
    test_layout();
    for (how = 0; how < IPCB_NOTIFY_COUNT; how++) {
        test_empty();
        test_full();
        test_wrap();
        test_counter_wrap();
        test_lengths();
        test_same_first_bytes();
        test_head_trails();
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
