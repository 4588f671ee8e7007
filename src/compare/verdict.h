/* Whether one row's figure is better, worse or the same as the reference's:
 * the rule of `ipcbench compare`, kept apart so it can be tested alone. */
#ifndef IPCB_VERDICT_H
#define IPCB_VERDICT_H

enum ipcb_verdict { IPCB_VERDICT_SAME, IPCB_VERDICT_BETTER, IPCB_VERDICT_WORSE };

enum ipcb_verdict_rule {
    IPCB_RULE_THRESHOLD,        /* the change against --threshold */
    IPCB_RULE_INTERVALS,        /* whether the confidence intervals overlap */
};

/* one figure of one row: p50_ns or msgs_per_s, with its confidence
 * interval when the row has one (--repeat) */
struct ipcb_figure_sample {
    double value;
    int has_ci;
    double ci_low, ci_high;
};

struct ipcb_judgement {
    enum ipcb_verdict verdict;
    enum ipcb_verdict_rule rule;
    double change_pct;          /* other against ref, signed: +20 is 20 % more */
};

/* other against ref. When both carry an interval the figures differ only
 * if the intervals do not overlap; otherwise when the value changed by more
 * than threshold_pct. Which way is better: lower for a latency, higher for
 * a rate. */
struct ipcb_judgement ipcb_judge(const struct ipcb_figure_sample *ref,
                                 const struct ipcb_figure_sample *other, int lower_is_better,
                                 double threshold_pct);

/* "same", "better", "worse" */
const char *ipcb_verdict_name(enum ipcb_verdict v);
/* "threshold", "intervals" */
const char *ipcb_rule_name(enum ipcb_verdict_rule r);

#endif
