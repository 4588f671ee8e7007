/* A private directory (0700, made with mkdtemp) and the named objects in
 * it: the run's ledger, fifo's FIFOs, the AF_UNIX transports' socket paths.
 * Its name "ipcbench-<pid>-XXXXXX" tells `ipcbench cleanup` whose it is. */
#ifndef IPCB_PRIVATE_DIR_H
#define IPCB_PRIVATE_DIR_H

#include <stddef.h>

#include "ipcbench/transport.h"

/* a fresh directory under $TMPDIR (or /tmp) into buf; 0 or -errno, and
 * buf "" on failure */
int ipcb_private_dir(char *buf, size_t len);

/* the same for a transport's create(), with what failed in c->err */
int ipcb_chan_private_dir(struct ipcb_chan *c, char *buf, size_t len);

/* "<dir>/<name>" into buf; 0 or -ENAMETOOLONG */
int ipcb_dir_path(char *buf, size_t len, const char *dir, const char *name);

/* unlink dir/names[i] and rmdir dir, ignoring what is already gone; dir
 * becomes "" so a second call does nothing */
void ipcb_dir_remove(char *dir, const char *const names[], size_t n);

#endif
