/* Reverse stream: the stream loops with the ends swapped, so messages flow
 * from the channel's consumer end to its producer end. */
#include "ipcbench/pattern.h"
#include "run/side.h"

const struct ipcb_pattern ipcb_pattern_reverse = {
    .name = "reverse",
    .summary = "stream in the channel's other direction",
    .latency_kind = "one-way",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .n_channels = 1,
    .n_sides = 2,
    .sides = {
        {.role = "producer", .channel = 0, .end = IPCB_CONSUMER, .run = ipcb_stream_producer},
        {.role = "consumer", .channel = 0, .end = IPCB_PRODUCER, .run = ipcb_stream_consumer},
    },
    .timed_side = 1,
};
