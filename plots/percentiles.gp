# Ping-pong round-trip latency by percentile at one message size, one line
# per transport (at most six a panel), in HdrHistogram's style: the x axis counts "nines", so
# x = 1/(1 - percentile) on a log scale.
#
#   out, machine          see common.gp
#   ymin, ymax            the smallest and largest value drawn
#   size                  the message size in bytes
#   ids[i]                transport i's number in the run: its colour in every chart
#   names[i], files[i]    transport i and its distribution: one_over_1_minus_p value_us
#   xmax                  largest 1/(1 - percentile) in the files
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"
if (!exists("xmax")) xmax = 1e5

set logscale x 10
# as far as the next "nine" the data reaches, at least 99%
set xrange [1 : 10 ** ceil(log10(xmax > 100 ? xmax : 100) - 1e-9)]
set xtics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 1e4, \
           "99.999%%" 1e5, "99.9999%%" 1e6, "99.99999%%" 1e7)
set mxtics 10
set format y "%g"
y_lo = ymin / 1.2
y_hi = ymax * 1.2
eval log_y_axis
set xlabel "percentile"
set ylabel "round-trip time (µs)"
chart_title = sprintf("Ping-pong round-trip latency by percentile, %s messages", size_label(size))
eval heading

# small multiples of at most six transports, every panel on the same axes
n = |names|
ng = group_of(n)
page_h = ng == 1 ? 620 : 120 + 300 * ng
panels_top = 1 - 85.0 / page_h
panel_h = (panels_top - 0.01) / ng
set key top left inside vertical Left reverse noenhanced samplen 2 spacing 1 font ",9"

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1000, page_h)
    set output out . "." . fmt
    set multiplot
    eval heading
    set tmargin 0
    do for [g = 1:ng] {
        set size 1, panel_h
        set origin 0, panels_top - g * panel_h
        plot for [i = first(g, n):last(g, n)] files[i] using 1:2 with steps \
            lc rgb colour(ids[i]) lw 2 title names[i]
        unset label
    }
    unset multiplot
    unset output
}
