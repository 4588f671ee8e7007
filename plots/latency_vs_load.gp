# Open-loop (rate pattern) one-way latency against the offered rate at one
# message size, one colour per transport: corrected p50 solid, corrected p99
# dashed, corrected p99.9 dotted (when the rows have it), and the uncorrected
# p99 (from the actual send time) dash-dotted and thin, to show what
# coordinated omission would hide.
#
#   out, machine          see common.gp
#   size                  the message size in bytes
#   xmin, xmax            the lowest and highest offered rate
#   ymin, ymax            the smallest and largest value drawn
#   ids[i]                transport i's number in the run: its colour in every chart
#   names[i], files[i]    transport i and its data:
#                         offered_per_s p50_us p99_us p999_us p99_uncorrected_us
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"

set logscale x 10
set xrange [xmin / 1.3 : xmax * 1.3]
set format x "%.0s%c"
set format y "%g"
y_lo = ymin / 1.2
y_hi = ymax * 1.2
eval log_y_axis
set xlabel "offered rate (messages/s)"
set ylabel "one-way latency (µs)"
chart_title = "Latency against offered load, " . size_label(size) . " messages"
eval heading

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1000, 620)
    set output out . "." . fmt
    plot for [i = 1:|names|] files[i] using 1:2 with linespoints lc rgb colour(ids[i]) lw 2 \
            pt filled(ids[i]) ps 1.1 title names[i], \
         for [i = 1:|names|] files[i] using 1:3 with linespoints lc rgb colour(ids[i]) lw 1.5 \
            dt (8, 5) pt hollow(ids[i]) ps 1.1 notitle, \
         for [i = 1:|names|] files[i] using 1:4 with lines lc rgb colour(ids[i]) lw 1.2 \
            dt (2, 4) notitle, \
         for [i = 1:|names|] files[i] using 1:5 with lines lc rgb colour(ids[i]) lw 1 \
            dt (10, 4, 2, 4) notitle, \
         keyentry with linespoints lc rgb "#555555" lw 2 pt 7 ps 1.1 title "p50", \
         keyentry with linespoints lc rgb "#555555" lw 1.5 dt (8, 5) pt 6 ps 1.1 title "p99", \
         keyentry with lines lc rgb "#555555" lw 1.2 dt (2, 4) title "p99.9", \
         keyentry with lines lc rgb "#555555" lw 1 dt (10, 4, 2, 4) title "p99 uncorrected"
    unset output
}
