# Stream throughput (MiB/s at the consumer) by message size, one line per transport.
#
#   out, machine, sizes   see common.gp
#   ymin, ymax            the smallest and largest value drawn
#   ids[i]                transport i's number in the run: its colour in every chart
#   names[i], files[i]    transport i and its data: size_bytes mib_per_s
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"

eval size_axis_setup
set format y "%g"
y_lo = ymin / 1.2
y_hi = ymax * 1.2
eval log_y_axis
set xlabel "message size"
set ylabel "throughput (MiB/s)"
chart_title = "Stream throughput by message size"
eval heading

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1000, 620)
    set output out . "." . fmt
    plot for [i = 1:|names|] files[i] using 1:2 with linespoints lc rgb colour(ids[i]) lw 2 \
            pt filled(ids[i]) ps 1.1 title names[i]
    unset output
}
