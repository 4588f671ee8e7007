/* The verdict of one figure against the reference's (verdict.h). */
#include <math.h>

#include "compare/verdict.h"

struct ipcb_judgement ipcb_judge(const struct ipcb_figure_sample *ref,
                                 const struct ipcb_figure_sample *other, int lower_is_better,
                                 double threshold_pct)
{
    struct ipcb_judgement j = {.verdict = IPCB_VERDICT_SAME, .rule = IPCB_RULE_THRESHOLD};
    /* a reference of 0 (no message got through) leaves no ratio: any
     * other value is an infinite change */
    if (ref->value > 0)
        j.change_pct = (other->value - ref->value) * 100.0 / ref->value;
    else
        j.change_pct = other->value > ref->value ? INFINITY : 0;
    int higher;                 /* other is above ref, by the rule's measure */
    if (ref->has_ci && other->has_ci) {
        j.rule = IPCB_RULE_INTERVALS;
        if (other->ci_low <= ref->ci_high && other->ci_high >= ref->ci_low)
            return j;           /* they overlap, touching included */
        higher = other->ci_low > ref->ci_high;
    } else {
        if (!(fabs(j.change_pct) > threshold_pct))
            return j;
        higher = j.change_pct > 0;
    }
    j.verdict = !higher == !lower_is_better ? IPCB_VERDICT_WORSE : IPCB_VERDICT_BETTER;
    return j;
}

const char *ipcb_verdict_name(enum ipcb_verdict v)
{
    return v == IPCB_VERDICT_BETTER ? "better" : v == IPCB_VERDICT_WORSE ? "worse" : "same";
}

const char *ipcb_rule_name(enum ipcb_verdict_rule r)
{
    return r == IPCB_RULE_INTERVALS ? "intervals" : "threshold";
}
