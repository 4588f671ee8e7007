# Every transport at one message size: ping-pong p50 and p99 round-trip time
# as grouped bars (top panel), the CPU time both sides spend per message of
# each pattern (middle), messages per second of both patterns (bottom).
#
#   out, machine   see common.gp
#   size           the message size in bytes
#   file           one row per transport: "name" p50_us p99_us pingpong_msgs_per_s
#                  stream_msgs_per_s pingpong_cpu_us stream_cpu_us; ? where that
#                  measurement is missing
#   ntransports    rows in file
#   latency_min, latency_max   the range of the latencies (µs) in file; both 0
#                  when there is no ping-pong latency: then only the rate panel
#   rate_min, rate_max         the range of the rates in file
#   cpu_min, cpu_max           the range of the CPU times (µs per message); both
#                  0 when the results have none: then no CPU panel
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"
if (!exists("ntransports")) ntransports = 1
if (!exists("cpu_max")) { cpu_min = 0; cpu_max = 0 }
# the panels top to bottom, each its share of the page between 0.89 and 0.08
npanels = 1 + (latency_max > 0) + (cpu_max > 0)
panel_h = 0.81 / npanels
panel_top(k) = 0.89 - k * panel_h
panel_bottom(k) = 0.89 - (k + 1) * panel_h + 0.1 * (k + 1 < npanels) + (ntransports > 6 ? 0.03 : 0)

# values over the bars: 3 significant digits, k and M for rates
us_label(v) = v >= 100 ? sprintf("%.0f", v) : v >= 10 ? sprintf("%.1f", v) : sprintf("%.2f", v)
rate_label(v) = v >= 1e6 ? sprintf("%.3gM", v / 1e6) : v >= 1e3 ? sprintf("%.3gk", v / 1e3) : sprintf("%.0f", v)
# Bars start from zero on a linear axis when the values lie within one
# decade; a wider spread needs a log axis, or the short bars vanish.
bar_axis = "if (y_hi / y_lo < 10) { unset logscale y; unset ytics; set ytics nomirror out scale 0.6 autofreq; " . \
    "set mytics default; set yrange [0 : y_hi * 1.12] } else { y_lo = y_lo / 1.5; y_hi = y_hi * 1.6; eval log_y_axis }"
# with two bars per group and a gap of one bar, bars sit 1/6 either side of the group
left(x) = x - 1.0 / 6
right(x) = x + 1.0 / 6
value_font = ntransports > 8 ? ",7" : ",9"

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb "#333333"
set boxwidth 1
set xtics nomirror scale 0 noenhanced
# room for at least four groups, so one or two transports do not get huge bars
pad = ntransports < 4 ? (4 - ntransports) / 2.0 : 0
set xrange [-0.6 - pad : ntransports - 0.4 + pad]
if (ntransports > 6) { set xtics rotate by 30 right } else { set xtics norotate }
set grid noxtics nomxtics ytics mytics
chart_title = sprintf("All transports at %s messages", size_label(size))
eval heading
unset tmargin

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1000, 560 + 300 * (npanels - 1))
    set output out . "." . fmt
    set multiplot
    # top panel: latency, when there was a timed ping-pong at this size
    set lmargin at screen 0.1
    set rmargin at screen 0.74
    k = 0
    if (latency_max > 0) {
        set tmargin at screen panel_top(k)
        set bmargin at screen panel_bottom(k)
        set key at screen 0.76, screen panel_top(k) left top vertical Left reverse
        set ylabel "round-trip time (µs)"
        set format y "%g"
        y_lo = latency_min
        y_hi = latency_max
        eval bar_axis
        plot file using 2:xtic(1) lc rgb "#0072B2" title "p50 round trip", \
             '' using 3 lc rgb "#80B9D8" title "p99 round trip", \
             '' using (left($0)):2:(us_label($2)) with labels offset 0,0.6 font value_font notitle, \
             '' using (right($0)):3:(us_label($3)) with labels offset 0,0.6 font value_font notitle
        unset label         # the heading is drawn once
        k = k + 1
    }
    # CPU per message: what the figure above cost both processes
    if (cpu_max > 0) {
        set tmargin at screen panel_top(k)
        set bmargin at screen panel_bottom(k)
        set key at screen 0.76, screen panel_top(k) left top vertical Left reverse
        set ylabel "CPU per message (µs)"
        set format y "%g"
        y_lo = cpu_min
        y_hi = cpu_max
        eval bar_axis
        plot file using 6:xtic(1) lc rgb "#CC79A7" title "per round trip", \
             '' using 7 lc rgb "#E8B9D4" title "per stream message", \
             '' using (left($0)):6:(us_label($6)) with labels offset 0,0.6 font value_font notitle, \
             '' using (right($0)):7:(us_label($7)) with labels offset 0,0.6 font value_font notitle
        unset label
        k = k + 1
    }
    # bottom panel: rate
    set tmargin at screen panel_top(k)
    set bmargin at screen 0.08 + (ntransports > 6 ? 0.03 : 0)
    set key at screen 0.76, screen panel_top(k) left top vertical Left reverse
    set ylabel "messages per second"
    set format y "%.0s%c"
    y_lo = rate_min
    y_hi = rate_max
    eval bar_axis
    plot file using 4:xtic(1) lc rgb "#009E73" title "ping-pong round trips/s", \
         '' using 5 lc rgb "#E69F00" title "stream messages/s", \
         '' using (left($0)):4:(rate_label($4)) with labels offset 0,0.6 font value_font notitle, \
         '' using (right($0)):5:(rate_label($5)) with labels offset 0,0.6 font value_font notitle
    unset multiplot
    unset output
    eval heading
}
