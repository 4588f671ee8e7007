/* What the mmap transport's options said (mmap.c), for meta.json. */
#ifndef IPCB_MMAP_OPTIONS_H
#define IPCB_MMAP_OPTIONS_H

#include <stddef.h>

#include "ipcbench/options.h"

extern const struct ipcb_option ipcb_opt_file_dir; /* --file-dir DIR */
extern const struct ipcb_option ipcb_opt_msync;    /* --msync N */

/* the directory mmap's file is made in (its private directory's parent
 * without --file-dir) */
const char *ipcb_mmap_file_dir(void);
/* --msync: every how many messages a sender msyncs, 0 never */
unsigned ipcb_mmap_msync(void);

/* the file system type of dir ("tmpfs", "ext4", ... or the hex magic) into
 * buf; 0 or -errno */
int ipcb_fs_type_name(const char *dir, char *buf, size_t len);

#endif
