/* shm-zc's pool between two processes, driven through its transport table,
 * by a blocking strategy and by spin, on the paths no pattern takes:
 *  - an exhausted pool: with every chunk held by the consumer, the
 *    producer's next loan waits and then hands out the one chunk given
 *    back, never one still held;
 *  - the consumer sending from its own buffer: a copy into its own pool of
 *    two, which waits for the producer to give chunks back;
 *  - a chunk reused while the consumer still holds it: its release fails,
 *    and the next take returns the failure naming the chunk.
 * The two processes step through each case by bytes on pipes, never by
 * time; alarm() turns a lost wake-up into a failure instead of a hang. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/shm_zc.h"

#define SIZE 4096u
#define POOL 16u /* the producer's pool at 4 KiB without --zc-chunks */

static int failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        fprintf(stderr, "FAIL: %s\n", what);
    }
}

static void say(int fd, char byte)
{
    if (write(fd, &byte, 1) != 1)
        _exit(3);
}

static void hear(int fd)
{
    char byte;
    if (read(fd, &byte, 1) != 1)
        _exit(3);
}

/* the consumer: holds the whole pool, gives back chunk 5 alone, answers
 * from its own buffer, then finds a chunk reused under it */
static int consumer(struct ipcb_chan *c, int to_p, int from_p)
{
    void *held[POOL];
    unsigned char answer[SIZE];
    int bad = 0;
    c->t->open(c, IPCB_CONSUMER);
    for (unsigned i = 0; i < POOL; i++)
        bad |= c->t->take(c, &held[i], SIZE) != SIZE || ((unsigned char *)held[i])[0] != i;
    say(to_p, 'h');                 /* every chunk held here */
    c->t->release(c, held[5]);
    for (unsigned i = 0; i < POOL; i++)
        if (i != 5)
            c->t->release(c, held[i]);
    /* three answers through a pool of two: the third waits for one back */
    for (unsigned i = 0; i < 3; i++) {
        memset(answer, 'a' + (int)i, sizeof answer);
        bad |= c->t->send(c, answer, SIZE) != SIZE;
    }
    void *msg;
    bad |= c->t->take(c, &msg, SIZE) != SIZE;
    say(to_p, 't');                 /* taken; now reuse it under me */
    hear(from_p);
    c->t->release(c, msg);          /* fails, and says so at the next take */
    ssize_t n = c->t->take(c, &msg, SIZE);
    bad |= n != -EPROTO || !strstr(c->err, "was reused before the consumer gave it back");
    if (n != -EPROTO)
        fprintf(stderr, "consumer: take after a reuse returned %zd (%s)\n", n, c->err);
    return bad;
}

static void producer(struct ipcb_chan *c, int to_c, int from_c)
{
    struct zc_chan *p = c->priv;
    unsigned char *sent[POOL];
    unsigned char back[SIZE];
    c->t->open(c, IPCB_PRODUCER);
    for (unsigned i = 0; i < POOL; i++) {
        sent[i] = c->t->loan(c, SIZE);
        check(sent[i] != NULL, "a loan while the pool has chunks");
        if (!sent[i])
            return;
        sent[i][0] = (unsigned char)i;
        check(c->t->send(c, sent[i], SIZE) == SIZE, "send of a loan");
    }
    hear(from_c);
    /* the pool is exhausted: this waits until the consumer gives one back */
    unsigned char *next = c->t->loan(c, SIZE);
    check(next == sent[5], "an exhausted pool hands out the chunk given back, not a held one");
    c->t->release(c, next);   /* a loan never sent goes back too */
    for (unsigned i = 0; i < 3; i++) {
        ssize_t n = c->t->recv(c, back, SIZE);
        check(n == SIZE && back[0] == 'a' + i && back[SIZE - 1] == 'a' + i,
              "the consumer's copied answers arrive whole and in order");
    }
    unsigned char *last = c->t->loan(c, SIZE);
    check(last != NULL && c->t->send(c, last, SIZE) == SIZE, "one more message");
    hear(from_c);
    uint32_t k = (uint32_t)((size_t)(last - p->pool) / p->stride);
    /* what a producer that did not wait would do: loan it again at once */
    atomic_store(zc_state(p, k), zc_word(1000, ZC_LOANED + IPCB_PRODUCER));
    say(to_c, 'r');
}

static void run(const char *name)
{
    struct ipcb_chan c = {.t = ipcb_transport_find(name), .msg_max = SIZE};
    int to_c[2], to_p[2], status = 0;
    if (!c.t || c.t->create(&c) != 0 || pipe(to_c) != 0 || pipe(to_p) != 0) {
        fprintf(stderr, "%s: cannot make the channel: %s\n", name, c.err);
        exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
        alarm(60);
        _exit(consumer(&c, to_p[1], to_c[0]) ? 1 : 0);
    }
    alarm(60);
    if (c.t->opened)
        c.t->opened(&c);
    producer(&c, to_c[1], to_p[0]);
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the consumer's checks");
    c.t->destroy(&c);
    for (int i = 0; i < 2; i++) {
        close(to_c[i]);
        close(to_p[i]);
    }
    fprintf(stderr, "%s: %s\n", name, failures ? "failed" : "ok");
}

int main(void)
{
    run("shm-zc");
    run("shm-zc/spin");
    run("shm-zc/futex");
    return failures ? 1 : 0;
}
