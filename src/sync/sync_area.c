/* The shared area and the per-side state every primitive starts from. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sync/sync.h"
#include "transports/private_dir.h"

int ipcb_sync_new(struct ipcb_chan *c)
{
    struct ipcb_sync_chan *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->semid = -1;
    for (size_t i = 0; i < sizeof s->fd / sizeof s->fd[0]; i++)
        s->fd[i] = -1;
    s->area_bytes = sizeof(struct ipcb_sync_area) + (c->msg_max ? c->msg_max : 1);
    void *a = mmap(NULL, s->area_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (a == MAP_FAILED) {
        free(s);
        return ipcb_chan_errno(c, "mmap of the shared area");
    }
    s->area = a;
    c->priv = s;
    return 0;
}

void ipcb_sync_free(struct ipcb_chan *c)
{
    struct ipcb_sync_chan *s = c->priv;
    if (!s)
        return;
    for (size_t i = 0; i < sizeof s->fd / sizeof s->fd[0]; i++)
        ipcb_close_fd(&s->fd[i]);
    if (s->dir[0]) {
        static const char *const names[] = {"lock0", "lock1", "lock2"};
        ipcb_dir_remove(s->dir, names, sizeof names / sizeof names[0]);
    }
    munmap(s->area, s->area_bytes);
    free(s);
    c->priv = NULL;
}

int ipcb_sync_init_nothing(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    (void)c;
    (void)s;
    return 0;
}

void ipcb_sync_fini_nothing(struct ipcb_sync_chan *s)
{
    (void)s;
}

int ipcb_sync_open_nothing(struct ipcb_chan *c, enum ipcb_side side)
{
    c->side = side;
    return 0;
}

void ipcb_sync_close_nothing(struct ipcb_chan *c, enum ipcb_side side)
{
    (void)c;
    (void)side;
}
