/* mmap: the rings of shm (shm_pair.h) in a regular file that the parent
 * maps MAP_SHARED and both sides inherit through fork. The file is 0600,
 * named ipcbench-<pid>-..., in a private 0700 directory under TMPDIR or in
 * the directory --file-dir names, and removed in destroy on every path.
 * --msync N writes the producer's ring back to the file every N messages
 * (msync MS_SYNC), to show what durability costs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "ipcbench/units.h"
#include "transports/mmap_options.h"
#include "transports/private_dir.h"
#include "transports/shm_options.h"
#include "transports/shm_pair.h"

struct mmap_chan {
    struct ipcb_shm_pair r; /* first: the shared ring operations find it */
    char dir[PATH_MAX];    /* our private directory, "" with --file-dir or once removed */
    char path[PATH_MAX];   /* the file, "" once removed */
    unsigned msync_every;  /* --msync: 0, or every how many messages sent */
    unsigned unsynced;     /* the sending side's messages since its last msync */
    void *sync_start;      /* this side's ring, rounded out to whole pages */
    size_t sync_len;
};

/* ---- the options: --file-dir and --msync ---- */

static const char *file_dir;   /* NULL: a private directory under TMPDIR */
static uint64_t msync_every;

const char *ipcb_mmap_file_dir(void)
{
    if (file_dir)
        return file_dir;
    const char *tmp = getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

unsigned ipcb_mmap_msync(void)
{
    return (unsigned)msync_every;
}

int ipcb_fs_type_name(const char *dir, char *buf, size_t len)
{
    static const struct { unsigned long magic; const char *name; } known[] = {
        {0x01021994, "tmpfs"}, {0xEF53, "ext4"}, {0x58465342, "xfs"},
        {0x9123683E, "btrfs"}, {0x794c7630, "overlayfs"}, {0x2fc12fc1, "zfs"},
        {0x6969, "nfs"}, {0xF2F52010, "f2fs"}, {0x65735546, "fuse"},
    };
    struct statfs fs;
    if (statfs(dir, &fs) != 0)
        return -errno;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if ((unsigned long)fs.f_type == known[i].magic) {
            snprintf(buf, len, "%s", known[i].name);
            return 0;
        }
    snprintf(buf, len, "0x%lx", (unsigned long)fs.f_type);
    return 0;
}

static int file_dir_parse(const struct ipcb_option *o, const char *value, void *dest,
                          char *err, size_t errlen)
{
    struct stat st;
    const char *why = NULL;
    if (stat(value, &st) != 0)
        why = strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        why = "not a directory";
    else if (access(value, W_OK | X_OK) != 0)
        why = strerror(errno);
    if (why) {
        snprintf(err, errlen, "--%s %s: %s; give an existing directory this user "
                 "can write to", o->name, value, why);
        return -EINVAL;
    }
    if (strlen(value) > PATH_MAX - 64) {
        snprintf(err, errlen, "--%s %.64s...: the path is too long", o->name, value);
        return -EINVAL;
    }
    memcpy(dest, &value, sizeof value);
    return 0;
}

const struct ipcb_option ipcb_opt_file_dir = {
    .name = "file-dir", .metavar = "DIR", .type = IPCB_OPT_TEXT, IPCB_OPT_INTO(file_dir),
    .parse = file_dir_parse,
    .help = "where mmap's file lives (without it: a private\ndirectory under TMPDIR)",
};

const struct ipcb_option ipcb_opt_msync = {
    .name = "msync", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 0, .max = UINT32_MAX,
    .def = "0", IPCB_OPT_INTO(msync_every),
    .help = "msync(MS_SYNC) the sender's ring every N messages\n(0: never)",
};

/* ---- the transport ---- */

static void mmap_destroy(struct ipcb_chan *c)
{
    struct mmap_chan *p = c->priv;
    if (!p)
        return;
    /* both children are reaped by now: no one waits on the rings */
    ipcb_shm_pair_unmap(&p->r);
    if (p->path[0])
        unlink(p->path);
    if (p->dir[0])
        rmdir(p->dir);
    free(p);
    c->priv = NULL;
}

static int mmap_create(struct ipcb_chan *c, enum ipcb_shm_notify notify)
{
    int err;
    struct mmap_chan *p = ipcb_shm_pair_new(c, notify, sizeof *p, &err);
    if (!p)
        return err;
    p->msync_every = msync_every;

    char name[64];
    ipcb_unique_name(name, sizeof name, "");
    if (!file_dir && (err = ipcb_chan_private_dir(c, p->dir, sizeof p->dir)) < 0)
        goto fail;
    if ((err = ipcb_dir_path(p->path, sizeof p->path, file_dir ? file_dir : p->dir, name)) < 0) {
        ipcb_chan_error(c, "the path of mmap's file in %s is too long", ipcb_mmap_file_dir());
        p->path[0] = '\0';
        goto fail;
    }
    int fd = open(p->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        err = -errno;
        ipcb_chan_error(c, "open %s: %s", p->path, strerror(-err));
        p->path[0] = '\0';
        goto fail;
    }
    err = ipcb_shm_pair_map_fd(c, &p->r, fd, notify, file_dir ? file_dir : p->dir);
    close(fd); /* the mapping keeps the file */
    if (err == 0)
        return 0;
fail:
    mmap_destroy(c); /* leaves nothing behind, and a later destroy() is a no-op */
    return err;
}

static int mmap_open_side(struct ipcb_chan *c, enum ipcb_side side)
{
    struct mmap_chan *p = c->priv;
    int rc = ipcb_shm_pair_open(c, side);
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)p->r.tx, end = start + p->r.bytes / 2;
    start &= ~((uintptr_t)page - 1);
    end = (end + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    p->sync_start = (void *)start;
    p->sync_len = end - start;
    p->unsynced = 0;
    return rc;
}

static IPCB_HOT ssize_t mmap_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct mmap_chan *p = c->priv;
    ssize_t n = ipcb_shm_pair_send(c, buf, len);
    if (p->msync_every && n >= 0 && ++p->unsynced >= p->msync_every) {
        p->unsynced = 0;
        if (msync(p->sync_start, p->sync_len, MS_SYNC) != 0)
            return ipcb_chan_errno(c, "msync");
    }
    return n;
}

static void mmap_opened(struct ipcb_chan *c)
{
    ipcb_shm_pair_opened(c->priv);
}

static const struct ipcb_option *const mmap_options[] = {
    &ipcb_opt_ring_slots, &ipcb_opt_file_dir, &ipcb_opt_msync, NULL,
};

/* one table per notify strategy, as shm has: "mmap" waits on POSIX semaphores */
IPCB_RING_TRANSPORTS(ipcb_mmap, "mmap",
                     "shm's rings in a file mapped MAP_SHARED, process-shared semaphores",
                     mmap_create, mmap_open_side, mmap_opened, mmap_send, mmap_destroy,
                     mmap_options, NULL)
