/* The median of a set of figures, and a median over repeats with its
 * confidence interval (confidence.c). */
#ifndef IPCB_CONFIDENCE_H
#define IPCB_CONFIDENCE_H

#include <stddef.h>

#define IPCB_CI_MAX 1000    /* repeats one interval takes */

struct ipcb_ci {
    size_t n;
    double median, low, high;
    double coverage;        /* the interval's own confidence: 0.95 or more from 6 on */
};

/* the median of v[0..n) (the mean of the middle two when n is even), NAN
 * for none; sorts v, which callers that want the order statistics use */
double ipcb_median(double *v, size_t n);

/* 0, or -1 for no values or too many */
int ipcb_median_ci(const double *values, size_t n, struct ipcb_ci *ci);
/* the larger distance from the median to an end, as a fraction of it */
double ipcb_ci_half_width(const struct ipcb_ci *ci);

#endif
