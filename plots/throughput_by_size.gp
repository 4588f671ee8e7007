# Stream throughput (MiB/s at the consumer) by message size, one line per
# transport, in small multiples of at most six transports, every panel on
# the same axes. Grey reference lines: the hardware floor's memcpy and its
# copy across CPUs, in MiB/s, where a transport that copies every byte meets
# its ceiling and zero-copy can pass it.
#
#   out, machine, sizes   see common.gp
#   ymin, ymax            the smallest and largest value drawn
#   ids[i]                transport i's number in the run: its colour in every chart
#   names[i], files[i]    transport i and its data: size_bytes mib_per_s
#   floor                 see common.gp
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"

n = |names|
ng = group_of(n)
eval size_axis_setup
set format y "%g"
y_lo = ymin / 1.2
y_hi = ymax * 1.2
# the copies' ceilings in range, so the lines can be seen above the data
if (floor ne "") { stats floor using (copy_mib_s($2)) nooutput; y_hi = (STATS_max * 1.2 > y_hi ? STATS_max * 1.2 : y_hi) }
eval log_y_axis
set xlabel "message size"
set ylabel "throughput (MiB/s)"
set key top left inside vertical Left reverse noenhanced samplen 2 spacing 1 font ",9"
chart_title = "Stream throughput by message size"
# the panels below the heading, which takes 85 pixels of the page
page_h = (120 + 300 * ng)
panels_top = 1 - 85.0 / page_h
panel_h = (panels_top - 0.01) / ng

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1000, page_h)
    set output out . "." . fmt
    set multiplot
    eval heading
    set tmargin 0
    do for [g = 1:ng] {
        set size 1, panel_h
        set origin 0, panels_top - g * panel_h
        if (floor ne "") {
            plot for [i = first(g, n):last(g, n)] files[i] using 1:2 with linespoints \
                    lc rgb colour(ids[i]) lw 2 pt filled(ids[i]) ps 1.1 title names[i], \
                 floor using 1:(copy_mib_s($2)) with lines lc rgb "#888888" dt (2, 3) lw 1.5 \
                    title (g == 1 ? "memcpy" : ""), \
                 floor using 1:(copy_mib_s($3)) with lines lc rgb "#888888" dt (8, 4) lw 1.5 \
                    title (g == 1 ? "copy across CPUs" : "")
        } else {
            plot for [i = first(g, n):last(g, n)] files[i] using 1:2 with linespoints \
                    lc rgb colour(ids[i]) lw 2 pt filled(ids[i]) ps 1.1 title names[i]
        }
        unset label
    }
    unset multiplot
    unset output
}
