/* The bounded-buffer ring of the shm transport: slots of a length field and
 * msg_max bytes of payload, counted by two process-shared semaphores. */
#include "transports/shm_ring.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/* a slot: the message length, then the payload */
#define SLOT_LEN_BYTES sizeof(uint64_t)

static size_t round_up_64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

size_t ipcb_shm_ring_bytes(size_t msg_max, unsigned slots)
{
    size_t stride, all;
    if (slots == 0 || slots > SEM_VALUE_MAX || msg_max > SIZE_MAX - SLOT_LEN_BYTES - 63)
        return 0;
    stride = round_up_64(SLOT_LEN_BYTES + msg_max);
    if (__builtin_mul_overflow(stride, (size_t)slots, &all) ||
        __builtin_add_overflow(all, sizeof(struct ipcb_shm_ring), &all))
        return 0;
    return all;
}

int ipcb_shm_ring_init(void *mem, size_t msg_max, unsigned slots)
{
    struct ipcb_shm_ring *r = mem;
    if (ipcb_shm_ring_bytes(msg_max, slots) == 0 || ((uintptr_t)mem & 63) != 0)
        return -EINVAL;
    memset(r, 0, sizeof *r);
    r->msg_max = msg_max;
    r->stride = round_up_64(SLOT_LEN_BYTES + msg_max);
    r->slots = slots;
    if (sem_init(&r->empty, 1, slots) != 0)
        return -errno;
    if (sem_init(&r->filled, 1, 0) != 0) {
        int err = errno;
        sem_destroy(&r->empty);
        return -err;
    }
    return 0;
}

void ipcb_shm_ring_fini(struct ipcb_shm_ring *r)
{
    sem_destroy(&r->filled);
    sem_destroy(&r->empty);
}

static unsigned char *slot(struct ipcb_shm_ring *r, uint32_t index)
{
    return (unsigned char *)(r + 1) + (size_t)index * r->stride;
}

/* sem_wait, again after a signal handler interrupted it */
static int wait_sem(sem_t *s)
{
    while (sem_wait(s) != 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static int try_wait_sem(sem_t *s)
{
    while (sem_trywait(s) != 0)
        if (errno != EINTR)
            return -errno; /* EAGAIN: nothing to take */
    return 0;
}

/* No lock beyond the semaphores: one producer writes head and the slots it
 * owns, one consumer writes tail, and sem_post/sem_wait order the copies. */
static ssize_t put_taken(struct ipcb_shm_ring *r, const void *buf, size_t len)
{
    unsigned char *s = slot(r, r->head);
    uint64_t n = len;
    memcpy(s + SLOT_LEN_BYTES, buf, len);
    memcpy(s, &n, sizeof n);
    r->head = r->head + 1 == r->slots ? 0 : r->head + 1; /* head % slots, without a divide */
    sem_post(&r->filled);
    return (ssize_t)len;
}

static ssize_t get_taken(struct ipcb_shm_ring *r, void *buf, size_t len)
{
    unsigned char *s = slot(r, r->tail);
    uint64_t n;
    memcpy(&n, s, sizeof n);
    size_t copy = n < len ? (size_t)n : len;
    memcpy(buf, s + SLOT_LEN_BYTES, copy < r->msg_max ? copy : r->msg_max);
    r->tail = r->tail + 1 == r->slots ? 0 : r->tail + 1;
    sem_post(&r->empty);
    return (ssize_t)n;
}

IPCB_HOT ssize_t ipcb_shm_ring_put(struct ipcb_shm_ring *r, const void *buf, size_t len)
{
    if (len > r->msg_max)
        return -EMSGSIZE;
    int rc = wait_sem(&r->empty);
    return rc < 0 ? rc : put_taken(r, buf, len);
}

IPCB_HOT ssize_t ipcb_shm_ring_get(struct ipcb_shm_ring *r, void *buf, size_t len)
{
    int rc = wait_sem(&r->filled);
    return rc < 0 ? rc : get_taken(r, buf, len);
}

ssize_t ipcb_shm_ring_try_put(struct ipcb_shm_ring *r, const void *buf, size_t len)
{
    if (len > r->msg_max)
        return -EMSGSIZE;
    int rc = try_wait_sem(&r->empty);
    return rc < 0 ? rc : put_taken(r, buf, len);
}

ssize_t ipcb_shm_ring_try_get(struct ipcb_shm_ring *r, void *buf, size_t len)
{
    int rc = try_wait_sem(&r->filled);
    return rc < 0 ? rc : get_taken(r, buf, len);
}
