/* The per-boot cache of the slow half of the hardware floor: memcpy
 * bandwidth and the cost of a clock read, which take up to 0.4 s to measure
 * and do not change while the machine is up. One file,
 * $XDG_CACHE_HOME/ipcbench/floor (else ~/.cache/ipcbench/floor), keyed by
 * /proc/sys/kernel/random/boot_id and ipcbench's version. */
#ifndef IPCB_HWFLOOR_CACHE_H
#define IPCB_HWFLOOR_CACHE_H

#include "ipcbench/results.h"

/* f's memcpy_gib_s, clock_read_ns and measured_utc from the cache, and
 * from_cache set, when it holds this boot's and this version's figures; the
 * rest of f is left as it is. 0, or -ENOENT (no cache, no boot id, no cache
 * directory) or -ESTALE (another boot's or another version's). */
int ipcb_hwfloor_cache_load(struct ipcb_hwfloor *f);

/* keep f's memcpy_gib_s, clock_read_ns and measured_utc for the rest of
 * this boot, when all of them came out; a cache that cannot be written only
 * means the next run measures again */
void ipcb_hwfloor_cache_store(const struct ipcb_hwfloor *f);

#endif
