#include "measure/message.h"

#include <stdio.h>

void ipcb_msg_fill(unsigned char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)(i * 31u + 7u);
}

int ipcb_msg_check_full(const unsigned char *buf, unsigned char *expect, size_t len,
                        uint64_t seq)
{
    if (ipcb_msg_check_stamps(buf, len, seq) != 0)
        return -1;
    ipcb_msg_stamp(expect, len, seq);
    if (len <= 16) /* stamps cover it all; bytes 8..16 are the pattern's own */
        return 0;
    return memcmp(buf + 16, expect + 16, len - 16) == 0 ? 0 : -1;
}

void ipcb_msg_describe(char *out, size_t outlen, const unsigned char *buf,
                       unsigned char *expect, size_t len, uint64_t seq)
{
    uint64_t got = ipcb_msg_seq(buf, len), want = ipcb_msg_seq_mask(seq, len);
    if (got != want) {
        snprintf(out, outlen, "message %llu: expected sequence %llu, got %llu",
                 (unsigned long long)seq, (unsigned long long)want,
                 (unsigned long long)got);
        return;
    }
    ipcb_msg_stamp(expect, len, seq);
    size_t bad = 16;
    while (bad < len && buf[bad] == expect[bad])
        bad++;
    snprintf(out, outlen, "message %llu of %zu bytes: payload differs at byte %zu",
             (unsigned long long)seq, len, bad);
}
