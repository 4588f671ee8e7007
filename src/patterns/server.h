/* The server pattern's two halves: the pattern and its clients (server.c)
 * and the server's wait across its clients' channels (server_wait.c). */
#ifndef IPCB_PATTERNS_SERVER_H
#define IPCB_PATTERNS_SERVER_H

#include <stdint.h>
#include <sys/types.h>

#include "ipcbench/pattern.h"
#include "run/side.h"

#define SERVER_CLIENTS_MAX 16u  /* the README's range */
/* a request's sequence word: the client's side index (1..N) in the top
 * byte, a goodbye bit, the client's own sequence number */
#define SERVER_CLIENT_SHIFT 56
#define SERVER_BYE (1ull << 55)
#define SERVER_SEQ_MASK (SERVER_BYE - 1)

/* how the server finds the next request, decided by the transport's table */
enum server_mode {
    SERVER_NONE = 0,      /* cannot wait across channels of this transport */
    SERVER_DESCRIPTORS,   /* a channel per client, epoll or poll over their fds */
    SERVER_QUEUE,         /* one request queue (channel 0), a reply channel per client */
    SERVER_RINGS,         /* a ring pair per client, spun across, a futex doorbell */
};

enum server_mode ipcb_server_mode(const struct ipcb_transport *t);

/* the server's wait over its a->chans: ipcb_server_wait_open before the
 * loop, then each call of ipcb_server_next receives the next request into
 * buf and returns its length (or what recv returned) with *from the index in
 * a->chans it came on; ipcb_server_wait_close on every way out */
struct server_wait;
struct server_wait *ipcb_server_wait_open(struct ipcb_side_args *a, unsigned n_chans,
                                          enum server_mode mode);
ssize_t ipcb_server_next(struct server_wait *w, unsigned char *buf, size_t len,
                         unsigned *from);
void ipcb_server_wait_close(struct server_wait *w);
/* channel k's client said goodbye: its descriptor is waited on no more
 * (a closed one would be readable for ever) */
void ipcb_server_forget(struct server_wait *w, unsigned k);

/* a client, after its request is in the ring: ring the server's doorbell
 * (when the server may sleep on it) */
void ipcb_server_doorbell(struct ipcb_side_args *a);

#endif
