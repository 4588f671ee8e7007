# One pattern at one message size: each row's p50 (left) and p99 (right)
# latency against the CPU time its sides spent per message, log-log, one
# labelled point per transport and strategy. The line joins the rows that
# no other row beats on both counts (the Pareto front): below and left of
# it nothing was measured; a row above it pays more CPU or time for nothing.
#
#   out, machine          see common.gp
#   size, pattern         the message size in bytes; the pattern's name
#   latency_kind          what the latency is: rtt or one-way
#   file                  cpu_us p50_us p99_us colour "label" per row (? for no p99)
#   front50, front99      cpu_us latency_us of the front's rows, by CPU
#   xmin, xmax            the range of CPU per message
#   ymin, ymax            of the p50s; ymin99, ymax99 of the p99s (both 0: none)
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"
if (!exists("latency_kind")) latency_kind = "rtt"
if (!exists("pattern")) pattern = ""
what = latency_kind eq "rtt" ? "round-trip time" : latency_kind . " latency"

set logscale x 10
set xrange [xmin / 1.6 : xmax * 1.6]
set format x "%g"
set format y "%g"
set xlabel "CPU per message, both sides (µs)"
set grid xtics ytics mxtics mytics
set key bottom right inside noenhanced samplen 2 spacing 1 box
chart_title = sprintf("%s %s against CPU, %s messages", pattern, what, size_label(size))
eval heading
has99 = ymax99 > 0
panel_w = has99 ? 0.5 : 1.0

# a point's colour and shape follow its transport's number, as in every chart
mine(k) = (int(column(4)) - 1) % ncolours + 1 == k ? column(1) : NaN

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 900, 470)
    set output out . "." . fmt
    set multiplot
    eval heading
    set size panel_w, 0.8
    set origin 0, 0.02
    set lmargin 9
    set rmargin 2
    set tmargin 0
    y_lo = ymin / 1.6
    y_hi = ymax * 1.8
    eval log_y_axis
    set ylabel "p50 " . what . " (µs)"
    plot front50 using 1:2 with steps lw 2 lc rgb "#999999" dt (6, 4) title "front: nothing beats it on both", \
         for [k = 1:ncolours] file using (mine(k)):2 with points pt filled(k) ps 1.4 \
            lc rgb colour(k) notitle, \
         file using 1:2:5 with labels left offset 0.8, 0.5 font ",9" noenhanced notitle
    unset label
    if (has99) {
        set origin 0.5, 0.02
        y_lo = ymin99 / 1.6
        y_hi = ymax99 * 1.8
        eval log_y_axis
        set ylabel "p99 " . what . " (µs)"
        plot front99 using 1:2 with steps lw 2 lc rgb "#999999" dt (6, 4) title "front", \
             for [k = 1:ncolours] file using (mine(k)):3 with points pt filled(k) ps 1.4 \
                lc rgb colour(k) notitle, \
             file using 1:3:5 with labels left offset 0.8, 0.5 font ",9" noenhanced notitle
    }
    unset multiplot
    unset output
    set key bottom right inside noenhanced samplen 2 spacing 1 box
}
