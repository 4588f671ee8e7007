/* What the shm ring's unit tests share (test_shm_ring.c: one process;
 * test_shm_ring_sides.c: two): the strategy under test, a CHECK that names
 * it, payloads every byte of which depends on its sequence number, and a
 * ring in memory a fork shares. */
#ifndef IPCB_TEST_SHM_RING_H
#define IPCB_TEST_SHM_RING_H
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
static inline unsigned char payload_byte(uint64_t seq, size_t i)
{
    return (unsigned char)(seq * 131u + i * 7u + 1u);
}

static inline void fill(unsigned char *b, size_t len, uint64_t seq)
{
    for (size_t i = 0; i < len; i++)
        b[i] = payload_byte(seq, i);
}

/* index of the first wrong byte, or len when all are right */
static inline size_t first_bad(const unsigned char *b, size_t len, uint64_t seq)
{
    for (size_t i = 0; i < len; i++)
        if (b[i] != payload_byte(seq, i))
            return i;
    return len;
}

/* a ring in memory that a fork shares, as the transport's segment is */
static inline struct ipcb_shm_ring *new_ring(size_t msg_max, unsigned slots)
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
static inline void free_ring(struct ipcb_shm_ring *r)
{
    unsigned char byte;
    size_t bytes = ipcb_shm_ring_bytes(r->msg_max, r->slots);
    CHECK(ipcb_shm_ring_try_get(r, &byte, 1) == -EAGAIN, "a message left in the ring");
    ipcb_shm_ring_fini(r);
    munmap(r, bytes);
}

/* bytes the slots of a ring take: the ring less its header, lengths and
 * notes (a ring of empty messages is those and slots of the gap alone) */
static inline size_t slot_bytes(size_t msg_max, unsigned slots)
{
    return ipcb_shm_ring_bytes(msg_max, slots) - ipcb_shm_ring_bytes(0, slots) +
           slots * IPCB_SHM_SLOT_GAP;
}


#endif
