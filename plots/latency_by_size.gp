# Latency by message size, one line per transport, in small multiples: at
# most six transports a panel, p50 on the left and p99 on the right, every
# panel on the same axes. Grey reference lines: the time the hardware floor's
# memcpy and its copy across CPUs take for one message of that size, so the
# size where a transport that copies meets the copy, and where zero-copy
# drops below it, can be seen.
#
#   out, machine, sizes   see common.gp
#   ymin, ymax            the smallest and largest value drawn
#   ids[i]                transport i's number in the run: its colour in every chart
#   names[i], files[i]    transport i and its data: size_bytes p50_us p99_us
#   floor                 see common.gp
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"

n = |names|
ng = group_of(n)
eval size_axis_setup
set format y "%g"
y_lo = ymin / 1.2
y_hi = ymax * 1.2
eval log_y_axis
set xlabel "message size"
set key top left inside vertical Left reverse noenhanced samplen 2 spacing 1 font ",9"
chart_title = "Ping-pong round-trip latency by message size"
# the panels below the heading, which takes 85 pixels of the page
page_h = (120 + 330 * ng)
panels_top = 1 - 85.0 / page_h
panel_h = (panels_top - 0.01) / ng

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1100, page_h)
    set output out . "." . fmt
    set multiplot
    eval heading
    set tmargin 0
    do for [g = 1:ng] {
        do for [col = 2:3] {
            set size 0.5, panel_h
            set origin (col - 2) * 0.5, panels_top - g * panel_h
            set ylabel (col == 2 ? "p50" : "p99") . " round trip (µs)"
            if (floor ne "") {
                plot for [i = first(g, n):last(g, n)] files[i] using 1:col with linespoints \
                        lc rgb colour(ids[i]) lw 2 pt filled(ids[i]) ps 1.1 title names[i], \
                     floor using 1:(copy_us($1, $2)) with lines lc rgb "#888888" dt (2, 3) \
                        lw 1.5 title (g == 1 && col == 2 ? "memcpy of one message" : ""), \
                     floor using 1:(copy_us($1, $3)) with lines lc rgb "#888888" dt (8, 4) \
                        lw 1.5 title (g == 1 && col == 2 ? "copy across CPUs" : "")
            } else {
                plot for [i = first(g, n):last(g, n)] files[i] using 1:col with linespoints \
                        lc rgb colour(ids[i]) lw 2 pt filled(ids[i]) ps 1.1 title names[i]
            }
            unset label
        }
    }
    unset multiplot
    unset output
}
