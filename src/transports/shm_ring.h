/* A bounded ring of fixed-size slots in memory shared between two
 * processes: one producer, one consumer, two process-shared POSIX
 * semaphores counting the empty and the filled slots (the classic
 * bounded-buffer scheme). The shm transport puts two of them in one
 * segment; the unit test drives one directly. */
#ifndef IPCB_SHM_RING_H
#define IPCB_SHM_RING_H

#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipcbench/transport.h"

/* The header at the start of a ring; the slots follow it. Each field that
 * one side writes in the hot path has a cache line of its own. */
struct ipcb_shm_ring {
    _Alignas(64) sem_t empty;   /* free slots: the producer waits, the consumer posts */
    _Alignas(64) sem_t filled;  /* full slots: the consumer waits, the producer posts */
    _Alignas(64) uint32_t head; /* next slot to fill: read and written by the producer only */
    _Alignas(64) uint32_t tail; /* next slot to drain: read and written by the consumer only */
    _Alignas(64) size_t msg_max;/* constant after init */
    size_t stride;              /* bytes from one slot to the next, a multiple of 64 */
    uint32_t slots;
};

/* Bytes one ring takes (header and slots, a multiple of 64), or 0 when the
 * product does not fit in a size_t or slots is 0 or above SEM_VALUE_MAX. */
size_t ipcb_shm_ring_bytes(size_t msg_max, unsigned slots);

/* Lay a ring out at mem (64-byte aligned, ipcb_shm_ring_bytes() long, shared
 * with the other process) and make its semaphores: empty = slots, filled = 0.
 * Returns 0 or -errno. */
int ipcb_shm_ring_init(void *mem, size_t msg_max, unsigned slots);

/* Destroy the semaphores; no process may be waiting on them. */
void ipcb_shm_ring_fini(struct ipcb_shm_ring *r);

/* Copy len bytes into the next slot, waiting while the ring is full.
 * Returns len, -EMSGSIZE if len > msg_max, or -errno from sem_wait. */
IPCB_HOT ssize_t ipcb_shm_ring_put(struct ipcb_shm_ring *r, const void *buf, size_t len);

/* Take the oldest message, waiting while the ring is empty. Copies at most
 * len bytes and returns the length the message had (which may differ from
 * len), or -errno from sem_wait. */
IPCB_HOT ssize_t ipcb_shm_ring_get(struct ipcb_shm_ring *r, void *buf, size_t len);

/* As put and get, but return -EAGAIN at once instead of waiting. */
ssize_t ipcb_shm_ring_try_put(struct ipcb_shm_ring *r, const void *buf, size_t len);
ssize_t ipcb_shm_ring_try_get(struct ipcb_shm_ring *r, void *buf, size_t len);

#endif
