/* The median of a few repeats and a distribution-free confidence interval
 * for it from order statistics: of n sorted values, the interval from the
 * j-th to the (n+1-j)-th holds the true median with probability
 * 1 - 2 P(B < j), B ~ Binomial(n, 1/2). The widest j that still reaches 95 %
 * is taken; below 6 repeats none does, and [min, max] is given with the
 * coverage it has (93.75 % at 5). No assumption on the shape of the
 * figures, which on a noisy host is far from normal. */
#include "measure/confidence.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ipcb_median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof v[0], by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* P(B <= k) for B ~ Binomial(n, 1/2) */
static double binomial_cdf_half(size_t n, size_t k)
{
    double sum = 0.0, term = pow(0.5, (double)n); /* C(n,0) / 2^n */
    for (size_t i = 0; i <= k && i <= n; i++) {
        sum += term;
        term = term * (double)(n - i) / (double)(i + 1);
    }
    return sum;
}

int ipcb_median_ci(const double *values, size_t n, struct ipcb_ci *ci)
{
    memset(ci, 0, sizeof *ci);
    if (n == 0 || n > IPCB_CI_MAX)
        return -1;
    double v[IPCB_CI_MAX];
    memcpy(v, values, n * sizeof v[0]);
    ci->median = ipcb_median(v, n);     /* and v sorted, for the interval's ends */
    ci->n = n;
    if (n < 2) {
        ci->low = ci->high = ci->median;
        return 0;
    }
    /* j counts from 1: the interval is [v(j), v(n+1-j)] */
    size_t best = 1;
    for (size_t j = 1; j <= n / 2; j++)
        if (1.0 - 2.0 * binomial_cdf_half(n, j - 1) >= 0.95)
            best = j;
    ci->low = v[best - 1];
    ci->high = v[n - best];
    ci->coverage = 1.0 - 2.0 * binomial_cdf_half(n, best - 1);
    return 0;
}

double ipcb_ci_half_width(const struct ipcb_ci *ci)
{
    if (ci->median == 0.0)
        return 0.0;
    return fmax(ci->median - ci->low, ci->high - ci->median) / fabs(ci->median);
}
