/* The families of variants a transport's entry in src/transports/meson.build
 * names, so that the registry lists each family's tables from one macro:
 * fd (the four wait strategies every descriptor transport shares,
 * transports/wait.h), ring (a variant per notify strategy of shm's rings,
 * transports/shm_pair.h), spin (a <name>/spin table of the transport's
 * own), lib (a library transport's own spin and poll: <name>/spin, <name>/poll)
 * and none. Also the table of a descriptor transport, with its
 * family, from what is its own. */
#ifndef IPCB_VARIANTS_H
#define IPCB_VARIANTS_H

#include "ipcbench/transport.h"
#include "transports/shm_pair.h"
#include "transports/wait.h"

/* IPCB_VARIANT_EXTERNS_<family>(ipcb_x) declares the family's tables of
 * ipcb_x; IPCB_VARIANT_ENTRIES_<family>(ipcb_x) is their addresses, each
 * followed by a comma, in the order --wait all makes rows */
#define IPCB_VARIANT_EXTERNS_fd(base_) IPCB_FD_WAIT_EXTERNS(base_);
#define IPCB_VARIANT_ENTRIES_fd(base_) IPCB_FD_WAIT_ENTRIES(base_),
#define IPCB_RING_EXTERN_(base_, e, id, str, what) extern const struct ipcb_transport base_##_##id;
#define IPCB_RING_ENTRY_(base_, e, id, str, what) &base_##_##id,
#define IPCB_VARIANT_EXTERNS_ring(base_) IPCB_SHM_NOTIFY_VARIANTS(IPCB_RING_EXTERN_, base_)
#define IPCB_VARIANT_ENTRIES_ring(base_) IPCB_SHM_NOTIFY_VARIANTS(IPCB_RING_ENTRY_, base_)
#define IPCB_VARIANT_EXTERNS_spin(base_) extern const struct ipcb_transport base_##_spin;
#define IPCB_VARIANT_ENTRIES_spin(base_) &base_##_spin,
#define IPCB_VARIANT_EXTERNS_lib(base_) \
    extern const struct ipcb_transport base_##_spin, base_##_poll;
#define IPCB_VARIANT_ENTRIES_lib(base_) &base_##_spin, &base_##_poll,
#define IPCB_VARIANT_EXTERNS_none(base_)
#define IPCB_VARIANT_ENTRIES_none(base_)

/* A descriptor transport (struct ipcb_fds first in its c->priv) whose send
 * and recv are the shared ones of its I/O kind, bytes (ipcb_fds_write and
 * _read) or dgram (ipcb_sock_send_msg and _recv_msg, transports/sockets.h):
 * its table base_, waiting by blocking calls, and its four fd variants.
 * The rest of the table (.create, .open, .opened, .limit) follows. */
#define IPCB_FD_SEND_bytes ipcb_fds_write
#define IPCB_FD_RECV_bytes ipcb_fds_read
#define IPCB_FD_SEND_dgram ipcb_sock_send_msg
#define IPCB_FD_RECV_dgram ipcb_sock_recv_msg
#define IPCB_FD_TRANSPORT(base_, name_, flags_, io_, summary_, ...)                     \
    const struct ipcb_transport base_ = {                                              \
        .name = name_, .summary = summary_, .flags = flags_, .io = IPCB_IO_KIND_##io_, \
        .wait_default = "block", .send = IPCB_FD_SEND_##io_,                          \
        .recv = IPCB_FD_RECV_##io_, .close = ipcb_fds_close,                          \
        .destroy = ipcb_fds_destroy, __VA_ARGS__};                                    \
    IPCB_FD_WAIT_VARIANTS(base_, name_, flags_, io_)

#endif
