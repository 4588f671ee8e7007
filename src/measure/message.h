/* Every message carries its sequence number and stamps derived from it, so
 * a receiver can tell a wrong, missing, reordered or torn message cheaply.
 *
 * Layout of a message of len bytes (the rest is a fixed filler pattern):
 *   len < 8      the low len bytes of the sequence number
 *   [0, 8)       sequence number
 *   [8, 16)      free for the pattern (stream puts its send time there)
 *   [len-8, len) tail stamp, when len >= 24
 *   every 4 KiB  page stamp, where it fits before the tail
 */
#ifndef IPCB_MESSAGE_H
#define IPCB_MESSAGE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define IPCB_PAGE_STAMP 4096u
#define IPCB_TAIL_MIX 0x9e3779b97f4a7c15ull

static inline void ipcb_put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint64_t ipcb_get64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void ipcb_msg_stamp(unsigned char *buf, size_t len, uint64_t seq)
{
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)(seq >> (8 * i));
        return;
    }
    ipcb_put64(buf, seq);
    if (len < 24)
        return;
    ipcb_put64(buf + len - 8, seq * IPCB_TAIL_MIX);
    for (size_t off = IPCB_PAGE_STAMP; off + 16 <= len; off += IPCB_PAGE_STAMP)
        ipcb_put64(buf + off, seq ^ off);
}

/* sequence number carried by a message (low bits only below 8 bytes) */
static inline uint64_t ipcb_msg_seq(const unsigned char *buf, size_t len)
{
    if (len >= 8)
        return ipcb_get64(buf);
    uint64_t seq = 0;
    for (size_t i = 0; i < len; i++)
        seq |= (uint64_t)buf[i] << (8 * i);
    return seq;
}

/* what the sequence number looks like in a message of len bytes */
static inline uint64_t ipcb_msg_seq_mask(uint64_t seq, size_t len)
{
    return len >= 8 ? seq : seq & ((1ull << (8 * len)) - 1);
}

/* stamps only: cheap enough for every message of a stream */
static inline int ipcb_msg_check_stamps(const unsigned char *buf, size_t len, uint64_t seq)
{
    if (ipcb_msg_seq(buf, len) != ipcb_msg_seq_mask(seq, len))
        return -1;
    if (len < 24)
        return 0;
    if (ipcb_get64(buf + len - 8) != seq * IPCB_TAIL_MIX)
        return -1;
    for (size_t off = IPCB_PAGE_STAMP; off + 16 <= len; off += IPCB_PAGE_STAMP)
        if (ipcb_get64(buf + off) != (seq ^ off))
            return -1;
    return 0;
}

/* full sequence number from the low bits a short message carries, given
 * the one expected next: forward gaps are losses, backward ones reordering */
static inline uint64_t ipcb_msg_unwrap(uint64_t expected, uint64_t seen, size_t len)
{
    if (len >= 8)
        return seen;
    uint64_t mask = (1ull << (8 * len)) - 1;
    uint64_t ahead = (seen - expected) & mask;
    if (ahead <= mask / 2)
        return expected + ahead;
    uint64_t behind = (expected - seen) & mask;
    return behind <= expected ? expected - behind : 0;
}

void ipcb_msg_fill(unsigned char *buf, size_t len);
/* every byte: stamps and filler. expect is scratch of len bytes holding the
 * filler (from ipcb_msg_fill); bytes [8,16) are not compared. */
int ipcb_msg_check_full(const unsigned char *buf, unsigned char *expect, size_t len,
                        uint64_t seq);
/* a sentence naming what is wrong with message seq */
void ipcb_msg_describe(char *out, size_t outlen, const unsigned char *buf,
                       unsigned char *expect, size_t len, uint64_t seq);

#endif
