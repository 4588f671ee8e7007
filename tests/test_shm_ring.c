/* The shm transport's ring in one process, under every notify strategy:
 * messages come out in order, whole, with their lengths, across wrap-around;
 * a full ring refuses a put, an empty one a get. */
#include "shm_ring_check.h"
#include "measure/hw_floor.h"
static void test_layout(void)
{
    const size_t gap = IPCB_SHM_SLOT_GAP;
    CHECK(gap >= 128 && gap % 128 == 0, "a gap of %zu bytes is not whole pairs of lines", gap);
    size_t b = ipcb_shm_ring_bytes(1, 4);
    CHECK(b > 0 && b % 128 == 0, "bytes(1, 4) = %zu", b);
    /* header, then lens[] and the notes on pairs of lines of their own, then
     * slots of one pair of lines and the gap */
    CHECK(b == sizeof(struct ipcb_shm_ring) + 128 + 128 + 4 * (128 + gap), "bytes(1, 4) = %zu", b);
    /* a 64-byte message is one cache line, as 1 byte is */
    CHECK(ipcb_shm_ring_bytes(64, 4) == b, "bytes(64, 4) = %zu, bytes(1, 4) = %zu",
          ipcb_shm_ring_bytes(64, 4), b);
    CHECK(slot_bytes(65, 4) == 4 * (128 + gap), "65-byte slots: %zu bytes for 4",
          slot_bytes(65, 4));
    b = ipcb_shm_ring_bytes(1024 * 1024, 16);
    CHECK(b >= 16u * 1024 * 1024 && b % 64 == 0, "bytes(1M, 16) = %zu", b);
    CHECK(ipcb_shm_ring_bytes(1, 0) == 0, "0 slots must be refused");
    CHECK(ipcb_shm_ring_bytes(SIZE_MAX / 2, 4) == 0, "an overflowing size must be refused");
    CHECK(ipcb_shm_ring_bytes(SIZE_MAX, 1) == 0, "an overflowing size must be refused");
    CHECK(sizeof(struct ipcb_shm_ring) % 128 == 0, "header of %zu bytes", sizeof(struct ipcb_shm_ring));
    /* a slot of more than one line starts a 128-byte pair, so its first two
     * lines are the pair the adjacent-line prefetcher fetches together */
    CHECK(slot_bytes(130, 2) == 2 * (256 + gap), "a 130-byte slot's stride is %zu (%zu bytes "
          "for 2)", 256 + gap, slot_bytes(130, 2));
    CHECK(slot_bytes(IPCB_SHM_GAP_UP_TO, 2) == 2 * (IPCB_SHM_GAP_UP_TO + gap),
          "the longest slot with a gap: %zu bytes for 2", slot_bytes(IPCB_SHM_GAP_UP_TO, 2));
    /* a long slot has none: the prefetch of the next one helps its copy */
    CHECK(slot_bytes(IPCB_SHM_GAP_UP_TO + 1, 2) == 2 * (IPCB_SHM_GAP_UP_TO + 128),
          "a slot just past the gap's limit: %zu bytes for 2",
          slot_bytes(IPCB_SHM_GAP_UP_TO + 1, 2));
    CHECK(slot_bytes(4096, 2) == 2 * 4096, "a 4 KiB slot's stride is 4096 (%zu bytes for 2)",
          slot_bytes(4096, 2));
    /* 40 slots' lengths take two pairs of lines, their notes three */
    b = ipcb_shm_ring_bytes(1, 40);
    CHECK(b == sizeof(struct ipcb_shm_ring) + 2 * 128 + 3 * 128 + 40 * (128 + gap),
          "bytes(1, 40) = %zu", b);
    /* in a laid-out ring, the next slot starts after the gap: the line after
     * a 64-byte slot is nobody's */
    struct ipcb_shm_ring *r = new_ring(64, 4);
    const unsigned char *s0 = (const unsigned char *)ipcb_shm_ring_slot(r, 0);
    const unsigned char *s1 = (const unsigned char *)ipcb_shm_ring_slot(r, 1);
    CHECK((size_t)(s1 - s0) == 128 + gap, "slots 0 and 1 of 64 bytes are %td bytes apart",
          s1 - s0);
    CHECK(((uintptr_t)s0 & 127) == 0, "slot 0 does not start a pair of lines");
    /* the bare ring of bench/floor_slice is laid out as this one */
    CHECK((size_t)(s1 - s0) == IPCB_HWFLOOR_RING_STRIDE, "the floor's ring strides %u bytes, "
          "shm's %td", IPCB_HWFLOOR_RING_STRIDE, s1 - s0);
    CHECK(ipcb_shm_ring_bytes(64, 16) == 16 * IPCB_HWFLOOR_RING_STRIDE + IPCB_HWFLOOR_RING_APART,
          "two 64-byte rings of 16 are %zu bytes apart, the floor's %u",
          ipcb_shm_ring_bytes(64, 16), 16 * IPCB_HWFLOOR_RING_STRIDE + IPCB_HWFLOOR_RING_APART);
    free_ring(r);
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
    /* every length up to past a line, in and out: the copy of 8-64 bytes
     * moves 8-byte words, the last one overlapping, and must neither lose a
     * byte nor write one past the message; a receiver that asks for one byte
     * less gets exactly that many */
    for (size_t len = 0; len <= 72; len++) {
        for (int shorter = 0; shorter <= (len > 0); shorter++) {
            const size_t want = len - (size_t)shorter;
            fill(buf, len, 200 + len);
            CHECK(ipcb_shm_ring_put(r, buf, len) == (ssize_t)len, "put of %zu bytes", len);
            memset(buf, 0xee, sizeof buf);
            CHECK(ipcb_shm_ring_get(r, buf, want) == (ssize_t)len, "get of %zu bytes", len);
            CHECK(first_bad(buf, want, 200 + len) == want, "content of %zu of %zu bytes", want,
                  len);
            CHECK(buf[want] == 0xee, "wrote past %zu of a %zu-byte message", want, len);
        }
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
    }
    if (failures) {
        printf("FAILED %u of %u checks\n", failures, checks);
        return 1;
    }
    printf("ok %u checks\n", checks);
    return 0;
}
