/* The median of repeats and its order-statistic confidence interval. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "measure/confidence.h"

/* a reproducible spread around 100: a fixed linear congruential sequence */
static double noisy(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return 100.0 + (double)((*state >> 8) % 2001) / 100.0 - 10.0; /* 90 .. 110 */
}

int main(void)
{
    struct ipcb_ci ci;
    double one = 42.0;
    CHECK(ipcb_median_ci(&one, 1, &ci) == 0 && ci.median == 42.0 && ci.low == 42.0 &&
          ci.high == 42.0, "one value is its own median and interval");
    double five[] = {5, 1, 4, 2, 3};
    CHECK(ipcb_median_ci(five, 5, &ci) == 0 && ci.median == 3 && ci.low == 1 && ci.high == 5,
          "5 repeats: the median, and [min, max] (%g, %g, %g)", ci.median, ci.low, ci.high);
    CHECK(fabs(ci.coverage - 0.9375) < 1e-9, "[min, max] of 5 covers 93.75 %% (%g)",
          ci.coverage);
    double even[] = {1, 2, 3, 10};
    CHECK(ipcb_median_ci(even, 4, &ci) == 0 && ci.median == 2.5, "an even count averages "
          "the middle two (%g)", ci.median);
    CHECK(ipcb_median_ci(five, 0, &ci) != 0, "no values, no interval");

    /* the one median of doubles that the clock and the floor use too */
    double odd[] = {7, 3, 9, 1, 5}, pair[] = {4, 1, 8, 2};
    CHECK(ipcb_median(odd, 5) == 5 && odd[0] == 1 && odd[4] == 9,
          "ipcb_median of 5: the middle one, and v sorted (%g)", odd[2]);
    CHECK(ipcb_median(pair, 4) == 3, "ipcb_median of 4: the mean of the middle two (%g)",
          pair[1]);
    CHECK(isnan(ipcb_median(odd, 0)), "ipcb_median of none is NAN");

    /* on the same noisy source, more repeats give a narrower interval that
     * still holds the median, and reach 95 % */
    double width_prev = INFINITY;
    for (size_t n = 6; n <= 96; n *= 2) {
        double v[96];
        unsigned state = 7;
        for (size_t i = 0; i < n; i++)
            v[i] = noisy(&state);
        CHECK(ipcb_median_ci(v, n, &ci) == 0, "%zu values", n);
        CHECK(ci.low <= ci.median && ci.median <= ci.high, "%zu: the interval holds the "
              "median (%g <= %g <= %g)", n, ci.low, ci.median, ci.high);
        CHECK(ci.coverage >= 0.95, "%zu: covers at least 95 %% (%g)", n, ci.coverage);
        double width = ci.high - ci.low;
        CHECK(width <= width_prev, "%zu: no wider than with half the repeats (%g, %g)", n,
              width, width_prev);
        width_prev = width;
    }
    CHECK(width_prev < 10.0, "96 repeats of 90..110 pin the median within 10 (%g)", width_prev);
    /* the half width the warning reads: 5 % of 100 */
    ci = (struct ipcb_ci){.median = 100, .low = 95, .high = 104};
    CHECK(fabs(ipcb_ci_half_width(&ci) - 0.05) < 1e-12, "half width is the larger side");
    return checks_done();
}
