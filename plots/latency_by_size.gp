# Ping-pong round-trip latency by message size, one line per transport:
# p50 solid with filled points, p99 dashed with open points in the same colour.
#
#   out, machine, sizes   see common.gp
#   ymin, ymax            the smallest and largest value drawn
#   ids[i]                transport i's number in the run: its colour in every chart
#   names[i], files[i]    transport i and its data: size_bytes p50_us p99_us
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"

eval size_axis_setup
set format y "%g"
y_lo = ymin / 1.2
y_hi = ymax * 1.2
eval log_y_axis
set xlabel "message size"
set ylabel "round-trip time (µs)"
chart_title = "Ping-pong round-trip latency by message size"
eval heading

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1000, 620)
    set output out . "." . fmt
    plot for [i = 1:|names|] files[i] using 1:2 with linespoints lc rgb colour(ids[i]) lw 2 \
            pt filled(ids[i]) ps 1.1 title names[i], \
         for [i = 1:|names|] files[i] using 1:3 with linespoints lc rgb colour(ids[i]) lw 1.5 \
            dt (8, 5) pt hollow(ids[i]) ps 1.1 notitle, \
         keyentry with linespoints lc rgb "#555555" lw 2 pt 7 ps 1.1 title "p50", \
         keyentry with linespoints lc rgb "#555555" lw 1.5 dt (8, 5) pt 6 ps 1.1 title "p99"
    unset output
}
