/* The clock's step (ipcb_clock_step_of) on made-up clocks whose step is
 * known, and on the clock in use. */
#include <stdint.h>

#include "check.h"
#include "measure/clock.h"

static uint64_t now, state = 88172645463325252ull;

/* xorshift: moves that share no factor by construction */
static uint64_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* moves by one tick a read or more: a bare-metal TSC */
static uint64_t fine_clock(void) { return now += 30 + next_random() % 300; }

/* moves in steps of 26 ticks, one to eight at a time, and shifts its grid
 * by a tick once in 40 reads (a move of 1, then one of 25): the VM's TSC */
static unsigned reads;
static uint64_t stepped_clock(void)
{
    reads++;
    if (reads % 40 == 0)
        return now += 1;
    if (reads % 40 == 1)
        return now += 25;
    return now += 26 * (1 + next_random() % 8);
}

/* the same steps, but most reads see no move: a clock slower than its reads */
static uint64_t coarse_clock(void)
{
    return now += next_random() % 5 == 0 ? 4000000 : 0;
}

static uint64_t stopped_clock(void) { return now; }

int main(void)
{
    now = 1000;
    uint64_t step = ipcb_clock_step_of(fine_clock);
    CHECK(step == 1, "a clock that moves by random ticks: step 1, got %llu",
          (unsigned long long)step);
    step = ipcb_clock_step_of(stepped_clock);
    CHECK(step == 26, "a clock in 26-tick steps with a shift of its grid now and then: 26, got %llu",
          (unsigned long long)step);
    step = ipcb_clock_step_of(coarse_clock);
    CHECK(step == 4000000, "a clock that moves by 4 ms now and then: 4000000, got %llu",
          (unsigned long long)step);
    step = ipcb_clock_step_of(stopped_clock);
    CHECK(step == 0, "a clock that does not move: 0, got %llu", (unsigned long long)step);

    /* the clock in use: a step, and every move of fresh reads is near a
     * multiple of it (nine in ten, as the step was found) */
    step = ipcb_clock_step_raw();
    CHECK(step >= 1, "the clock in use moves (step %llu)", (unsigned long long)step);
    if (step >= 1) {
        uint64_t prev = ipcb_clock_raw();
        unsigned moves = 0, on = 0;
        for (unsigned i = 0; i < 20000 && moves < 2000; i++) {
            for (volatile unsigned k = 0; k < i % 23u; k++)
                ;
            uint64_t t = ipcb_clock_raw();
            if (t != prev) {
                moves++;
                on += (t - prev) % step == 0;
            }
            prev = t;
        }
        CHECK(moves > 0 && on * 10 >= moves * 8,
              "moves of the clock in use are multiples of its step %llu: %u of %u",
              (unsigned long long)step, on, moves);
    }
    return checks_done();
}
