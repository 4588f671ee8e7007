/* The one-way rings a ring transport (shm, mmap) makes instead of its pair
 * when a pattern asks for several senders or several readers on one channel
 * (transport.h's IPCB_USE_MANY_SENDERS, IPCB_USE_MANY_READERS):
 *
 *  - shm_mpmc_ring.c: Dmitry Vyukov's bounded multi-producer multi-consumer
 *    queue. Each slot carries a sequence number that says whose turn it is:
 *    a producer claims a position with a compare-and-swap on the enqueue
 *    counter when the slot's number equals the position, fills it, and
 *    publishes it by storing position + 1; a consumer takes it when the
 *    number is position + 1 and gives it back for the next lap by storing
 *    position + slots. fanin's producers share it.
 *  - shm_fanout_ring.c: one producer, several readers, every reader gets
 *    every message, the LMAX Disruptor's design (iceoryx's publisher has the
 *    same shape): one ring, a cursor per reader, the producer's published
 *    count as the readers' barrier, and the producer gated by the slowest
 *    cursor, so the slowest reader paces everyone. fanout's subscribers
 *    share it.
 *
 * Both wait by spinning, on futexes, or on process-shared POSIX semaphores
 * in the ring (sem: counting free and filled slots, one pair per reader on
 * the fan-out ring); the other strategies are refused (a skipped row saying
 * which work). */
#ifndef IPCB_SHM_MULTI_RING_H
#define IPCB_SHM_MULTI_RING_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "transports/shm_ring.h"

enum ipcb_shm_multi {
    IPCB_SHM_MULTI_NONE = 0, /* the usual pair of rings */
    IPCB_SHM_MULTI_MPMC,     /* several producers, one ring */
    IPCB_SHM_MULTI_FANOUT,   /* one producer, several readers, one ring */
};

/* the most readers a fanout ring has cursors for */
#define IPCB_FANOUT_MAX_READERS 64u

/* ---- shm_mpmc_ring.c ---- */

/* bytes of a ring of slots x msg_max (a multiple of 128), 0 if it overflows */
size_t ipcb_mpmc_ring_bytes(size_t msg_max, unsigned slots);
/* lay it out at mem (128-aligned, zeroed or not); 0 or -EINVAL */
int ipcb_mpmc_ring_init(void *mem, size_t msg_max, unsigned slots, enum ipcb_shm_notify how);
/* what init made (sem: the semaphores); no process may wait on it */
void ipcb_mpmc_ring_fini(void *ring);
/* any producer: copy len bytes into the next slot, waiting while it is full;
 * len, -EMSGSIZE, or -errno from the wait */
IPCB_HOT ssize_t ipcb_mpmc_ring_put(void *ring, const void *buf, size_t len);
/* any consumer: the oldest message, at most len bytes copied, its length
 * returned, waiting while the ring is empty; with block 0 -EAGAIN at once */
IPCB_HOT ssize_t ipcb_mpmc_ring_get(void *ring, void *buf, size_t len, int block);

/* ---- shm_fanout_ring.c ---- */

size_t ipcb_fanout_ring_bytes(size_t msg_max, unsigned slots);
int ipcb_fanout_ring_init(void *mem, size_t msg_max, unsigned slots, enum ipcb_shm_notify how);
void ipcb_fanout_ring_fini(void *ring);
/* a reader's cursor, claimed once per reading process before the producer
 * starts: its index, or -ENOSPC past IPCB_FANOUT_MAX_READERS */
int ipcb_fanout_ring_join(void *ring);
/* the producer: len bytes into the next slot once every reader is done with
 * it, waiting for the slowest */
IPCB_HOT ssize_t ipcb_fanout_ring_put(void *ring, const void *buf, size_t len);
/* reader `reader`: its next message, as ipcb_mpmc_ring_get */
IPCB_HOT ssize_t ipcb_fanout_ring_get(void *ring, unsigned reader, void *buf, size_t len,
                                      int block);

/* ---- shared by both (shm_mpmc_ring.c) ---- */

/* bytes from one slot to the next: the slot's own header (its length, and
 * the MPMC ring's sequence number), then msg_max, whole cache lines */
static inline size_t ipcb_shm_multi_stride(size_t slot_header, size_t msg_max)
{
    return (slot_header + msg_max + 63) & ~(size_t)63;
}
/* the bytes of a ring: its header, then slots of ipcb_shm_multi_stride
 * bytes, rounded up to 128; 0 when msg_max or the product does not fit */
size_t ipcb_shm_multi_bytes(size_t header, size_t msg_max, size_t slot_header, unsigned slots);
/* 1 when the strategy can wait on these rings (spin, futex, sem) */
int ipcb_shm_multi_waits(enum ipcb_shm_notify how);
/* 1 when a ring of bytes (its _bytes(), 0: does not fit) can be laid out at
 * mem (128-byte aligned) for the strategy how */
int ipcb_shm_multi_layout_ok(const void *mem, size_t bytes, enum ipcb_shm_notify how);
/* sleep on word while it holds seen and ready(ring) is false, counted in
 * *waiters meanwhile (futex); 0 or -errno */
int ipcb_shm_multi_sleep(_Atomic uint32_t *word, uint32_t seen, _Atomic uint32_t *waiters,
                         int (*ready)(void *ring, uintptr_t arg), void *ring, uintptr_t arg);
/* wake one sleeper on word if *waiters says there is one; 0 or -errno */
int ipcb_shm_multi_wake(_Atomic uint32_t *word, _Atomic uint32_t *waiters, int all);
/* one spin-wait step: pause, and yield the CPU every so often */
void ipcb_shm_multi_pause(unsigned *spins);
/* sem_wait, again after a signal; 0 or -errno */
int ipcb_shm_multi_sem_take(sem_t *s);

#endif
