/* A bounded ring of fixed-size slots in memory shared between two
 * processes: one producer, one consumer. Copying a message in and out is the
 * same for every notify strategy; only how a side waits for a free or a
 * filled slot, and how it wakes the other, differs (shm_notify*.c). The shm
 * transport puts two rings in one segment; the unit tests drive them
 * directly. */
#ifndef IPCB_SHM_RING_H
#define IPCB_SHM_RING_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipcbench/transport.h"

/* How the two sides wait for each other: every strategy, once. An entry is
 * X(ctx, ENUM, id, "name", "what"): IPCB_NOTIFY_<ENUM>, the name --notify
 * and the variants' names spell, and what `ipcbench list` says of it; ctx is
 * whatever the caller passes through. The first is a ring transport's own
 * ("shm"), each of the others one variant ("shm/futex") of every ring
 * transport (IPCB_RING_TRANSPORTS in shm_pair.h), in this order. */
#define IPCB_SHM_NOTIFY_OWN(X, ...) \
    X(__VA_ARGS__, SEM, sem, "sem", "process-shared POSIX semaphores in the ring")
#define IPCB_SHM_NOTIFY_VARIANTS(X, ...)                                                      \
    X(__VA_ARGS__, SYSV_SEM, sysv_sem, "sysv-sem", "waits on a System V semaphore set (semop)") \
    X(__VA_ARGS__, FUTEX, futex, "futex", "futex wait/wake only when the other side sleeps")   \
    X(__VA_ARGS__, EVENTFD, eventfd, "eventfd", "waits on eventfds in semaphore mode")        \
    X(__VA_ARGS__, SPIN, spin, "spin", "lock-free, busy-polling each slot's sequence number") \
    X(__VA_ARGS__, CONDVAR, condvar, "condvar",                                               \
      "as a monitor: robust shared mutex, two condition variables")                          \
    X(__VA_ARGS__, SIGNAL, signal, "signal",                                                  \
      "a realtime signal (sigqueue) wakes a side in sigtimedwait")
#define IPCB_SHM_NOTIFY_LIST(X, ...) \
    IPCB_SHM_NOTIFY_OWN(X, __VA_ARGS__) IPCB_SHM_NOTIFY_VARIANTS(X, __VA_ARGS__)

#define IPCB_NOTIFY_ENUM_(prefix, e, id, name, what) prefix##e,
enum ipcb_shm_notify {
    IPCB_SHM_NOTIFY_LIST(IPCB_NOTIFY_ENUM_, IPCB_NOTIFY_)
    IPCB_NOTIFY_COUNT
};
#undef IPCB_NOTIFY_ENUM_

/* The header at the start of a ring; the lengths, the consumer's notes and
 * the slots follow it. Each field that one side writes in the hot path has
 * a 128-byte pair of lines of its own (or shares it only with what the same
 * side writes): the CPU's adjacent-line prefetcher fetches such pairs
 * together. The header and the ring are multiples of 128 bytes, so a slot
 * of more than one line starts a pair. */
struct ipcb_shm_ring {
    /* sem: free slots; eventfd: the descriptor counting them; condvar:
     * "not full" */
    _Alignas(128) union { sem_t sem; int fd; pthread_cond_t cond; } room;
    /* sem: filled slots; eventfd: the descriptor counting them; condvar:
     * "not empty" */
    _Alignas(64) union { sem_t sem; int fd; pthread_cond_t cond; } filled;
    /* the producer's line */
    _Alignas(128) _Atomic uint32_t head;    /* messages put, mod 2^32 */
    uint32_t head_slot;                     /* where the next one goes, 0..slots-1 */
    _Atomic uint32_t producer_waiting;      /* futex, signal: the producer sleeps */
    uint32_t tail_seen;                     /* spin: tail as the producer last read it */
    _Atomic pid_t producer_pid;             /* condvar, signal: set at its first wait */
    /* the consumer's line */
    _Alignas(128) _Atomic uint32_t tail;    /* messages taken and given back, mod 2^32 */
    uint32_t tail_slot;                     /* where the next one comes from */
    uint32_t taken;                         /* messages taken: tail's own copy */
    uint32_t head_seen;                     /* spin: head as the consumer last read it */
    _Atomic uint32_t consumer_waiting;      /* futex, signal: the consumer sleeps */
    _Atomic pid_t consumer_pid;             /* condvar, signal: set at its first wait */
    /* constant after init */
    _Alignas(64) size_t msg_max;
    size_t stride;              /* bytes from one slot to the next: 64, or a multiple of 128 */
    size_t lens_off, notes_off, slots_off; /* from the ring's start */
    uint32_t slots;
    uint32_t notify;            /* enum ipcb_shm_notify */
    int semid;                  /* sysv-sem: the set, semaphore 0 = room, 1 = filled */
    /* condvar: the monitor's lock (robust, process-shared), taken by both */
    _Alignas(64) pthread_mutex_t lock;
};

/* Slots of up to IPCB_SHM_GAP_UP_TO bytes stand IPCB_SHM_SLOT_GAP bytes
 * apart beyond the message's pairs of lines: a 64-byte slot is one line,
 * then three lines nothing touches. Both sides go through the slots in
 * order, and the CPU's prefetchers fetch the lines after the ones a side
 * touches; with short slots packed line after line those are the next
 * slots, which the other side is writing or watching, and each such
 * prefetch is one more transfer of a line in flight. Measured on a 2-vCPU
 * AMD EPYC (Zen 4) VM, packed against gapped, old build against new
 * alternated run by run (medians of the per-pair ratios): a stream of
 * 256-byte messages 1.6x faster with the gap, 512-byte 1.3x, 64-byte 1.05x;
 * the 128-byte round trip 0.88x as long, the 64-byte one 0.96-1.11x (in
 * one process pair, 0.83x in some of the host's phases). From 1 KiB on the
 * prefetch of the next slot helps the copy: a 1 KiB stream was 0.85x as
 * fast with the gap, so longer slots have none. That prefetches are the
 * cause is our reading of these figures; this VM has no counters. */
#define IPCB_SHM_SLOT_GAP 128u
#define IPCB_SHM_GAP_UP_TO 512u

/* A slot is the message's bytes and nothing else, so a 64-byte message is
 * one cache line. Its length is in the ring's lens[] (rewritten only when
 * it changes, so in a run of equal lengths that line never moves between
 * CPUs). The slot's first 8 bytes, stored last and with release order, are
 * what spin's consumer watches: they change when a new message has landed.
 * They hold the message's first 8 bytes (zero-padded below 8), which for
 * ipcbench's messages is the sequence number, different in every lap. A
 * message whose first 8 bytes equal those of the one a lap before is still
 * delivered: the consumer then learns of it from head (see shm_ring.c). */
struct ipcb_shm_slot {
    _Atomic uint64_t word0;
    unsigned char rest[];       /* bytes 8.. of the message */
};

/* what word0 holds before the first message: no ipcbench message starts so */
#define IPCB_SHM_WORD0_UNSET 0xa5a5a5a5a5a5a5a5ull

static inline struct ipcb_shm_slot *ipcb_shm_ring_slot(struct ipcb_shm_ring *r, uint32_t index)
{
    return (struct ipcb_shm_slot *)((unsigned char *)r + r->slots_off +
                                    (size_t)index * r->stride);
}

/* the length of the message in each slot: written by the producer only */
static inline uint32_t *ipcb_shm_ring_lens(struct ipcb_shm_ring *r)
{
    return (uint32_t *)(void *)((unsigned char *)r + r->lens_off);
}

/* the consumer's own notes: word0 of the message it last took from each
 * slot, to tell a new message from the old one (spin) */
static inline uint64_t *ipcb_shm_ring_notes(struct ipcb_shm_ring *r)
{
    return (uint64_t *)(void *)((unsigned char *)r + r->notes_off);
}

/* Bytes one ring takes (header, lengths, notes and slots, a multiple of
 * 128), or 0 when the product does not fit in a size_t, slots is 0 or above
 * SEM_VALUE_MAX, or a message could be longer than lens[] can say (4 GiB). */
size_t ipcb_shm_ring_bytes(size_t msg_max, unsigned slots);

/* The strategy's name as --notify spells it ("sysv-sem"), and the most
 * slots it can count (a System V semaphore stops at SEMVMX, 32767). */
const char *ipcb_shm_notify_name(enum ipcb_shm_notify how);
unsigned ipcb_shm_notify_max_slots(enum ipcb_shm_notify how);

/* Lay a ring out at mem (128-byte aligned, ipcb_shm_ring_bytes() long, shared
 * with the other process) and make what the strategy waits on. Returns 0 or
 * -errno; on failure nothing is left to release, and what failed is in
 * what (a call name such as "semget"). */
int ipcb_shm_ring_init(void *mem, size_t msg_max, unsigned slots, enum ipcb_shm_notify how,
                       const char **what);

/* Release what init made (destroy semaphores, remove the System V set,
 * close descriptors); no process may be waiting on the ring. */
void ipcb_shm_ring_fini(struct ipcb_shm_ring *r);

/* 1 when the creator may call fini as soon as both sides hold the ring
 * (eventfd: the children have their own copies of the descriptors) */
int ipcb_shm_ring_fini_at_open(const struct ipcb_shm_ring *r);

/* Copy len bytes into the next slot, waiting while the ring is full.
 * Returns len, -EMSGSIZE if len > msg_max, or -errno from the wait or wake. */
IPCB_HOT ssize_t ipcb_shm_ring_put(struct ipcb_shm_ring *r, const void *buf, size_t len);

/* Take the oldest message, waiting while the ring is empty. Copies at most
 * len bytes and returns the length the message had (which may differ from
 * len), or -errno from the wait or wake. */
IPCB_HOT ssize_t ipcb_shm_ring_get(struct ipcb_shm_ring *r, void *buf, size_t len);

/* As put and get, but return -EAGAIN at once instead of waiting. */
ssize_t ipcb_shm_ring_try_put(struct ipcb_shm_ring *r, const void *buf, size_t len);
ssize_t ipcb_shm_ring_try_get(struct ipcb_shm_ring *r, void *buf, size_t len);

/* ---- shm_notify*.c: one strategy's wait and wake, for shm_ring.c ---- */

struct ipcb_shm_notify_ops {
    const char *init_call;      /* what init calls, for its error */
    unsigned max_slots;
    int fini_at_open;
    int (*init)(struct ipcb_shm_ring *r);   /* 0 or -errno, nothing left on failure */
    void (*fini)(struct ipcb_shm_ring *r);
    /* producer: until a slot is free (block) or -EAGAIN at once (!block) */
    int (*wait_room)(struct ipcb_shm_ring *r, int block);
    /* producer, after the copy and head: the consumer may take it */
    int (*post_filled)(struct ipcb_shm_ring *r);
    /* consumer: until a slot is filled, or -EAGAIN */
    int (*wait_filled)(struct ipcb_shm_ring *r, int block);
    /* consumer, after the copy and tail: the producer may reuse the slot */
    int (*post_room)(struct ipcb_shm_ring *r);
};

/* spin's waits, in shm_ring.c: put and get call them inline, the table
 * above names them for everything else */
int ipcb_shm_spin_wait_room(struct ipcb_shm_ring *r, int block);
int ipcb_shm_spin_wait_filled(struct ipcb_shm_ring *r, int block);

/* each strategy's table, ipcb_shm_notify_<id> (shm_notify.c, shm_notify_watch.c),
 * and all of them by IPCB_NOTIFY_* */
#define IPCB_NOTIFY_OPS_DECL_(ctx, e, id, name, what) \
    extern const struct ipcb_shm_notify_ops ipcb_shm_notify_##id;
IPCB_SHM_NOTIFY_LIST(IPCB_NOTIFY_OPS_DECL_, _)
#undef IPCB_NOTIFY_OPS_DECL_
extern const struct ipcb_shm_notify_ops *const ipcb_shm_notify_ops[IPCB_NOTIFY_COUNT];

#endif
