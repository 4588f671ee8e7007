# `ipcbench compare`: the p50 of every directory after the first over the
# first one's, cell by cell, as horizontal bars from 1 (left of the line:
# a lower p50, right of it: a higher one). The grey band is --threshold.
#
#   out, machine   see common.gp (machine names the reference directory)
#   reference      the reference directory's label: A
#   file           a line per cell, top to bottom: one ratio per directory
#                  after the first, ? where it has none
#   ncells         lines in file
#   nothers        directories after the first (columns in file)
#   names[k]       their legend entries
#   cells[i]       cell i's label: transport pattern size
#   xmin, xmax     the smallest and largest ratio in file
#   threshold      --threshold in percent
_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load (_i > 1 ? _d[1:_i - 1] : _i == 1 ? "" : ".") . "/common.gp"
if (!exists("reference")) reference = "A"

# the axis holds every bar and the line at 1; log when the ratios span
# more than a factor of four, so 0.5 and 2 lie as far from 1
band = threshold / 100.0
x_lo = xmin < 1 ? xmin : 1
x_hi = xmax > 1 ? xmax : 1
if (x_hi / x_lo > 4) {
    set logscale x 2
    ax_lo = x_lo / 1.3
    ax_hi = x_hi * 1.3
    set format x "%g"
} else {
    unset logscale x
    _pad = (x_hi - x_lo) * 0.15 + 0.05
    ax_lo = x_lo - _pad > 0 ? x_lo - _pad : 0.001
    ax_hi = x_hi + _pad
}
set xrange [ax_lo : ax_hi]
set yrange [-0.7 : ncells - 0.3]
band_lo = 1 - band > ax_lo ? 1 - band : ax_lo
band_hi = 1 + band < ax_hi ? 1 + band : ax_hi
set object 1 rectangle from band_lo, graph 0 to band_hi, graph 1 behind \
    fillcolor rgb "#ececec" fillstyle solid 1.0 noborder
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lw 1.5 lc rgb "#333333" front

# the cells top to bottom; each directory's bar a slice of the cell's height
set ytics () nomirror scale 0 noenhanced
do for [i = 1:ncells] { set ytics add (cells[i] ncells - i) }
set grid xtics mxtics noytics
slice = 0.8 / nothers
centre(row, k) = ncells - 1 - row + ((nothers + 1) / 2.0 - k) * slice
low(r) = r < 1 ? r : 1
high(r) = r < 1 ? 1 : r
set style fill solid 0.85 border rgb "#333333"
set xlabel sprintf("p50 over %s's p50 (below 1: lower latency)", reference)
chart_title = sprintf("p50 latency against %s", reference)
eval heading
height = 170 + ncells * (nothers * 18 + 10 > 26 ? nothers * 18 + 10 : 26)

do for [fmt in "png svg"] {
    eval term_cmd(fmt, 1000, height)
    set output out . "." . fmt
    plot for [k = 1:nothers] file using (column(k)):(centre($0, k)):(low(column(k))): \
            (high(column(k))):(centre($0, k) - 0.45 * slice):(centre($0, k) + 0.45 * slice) \
            with boxxyerror lc rgb colour(k + 1) title names[k], \
         for [k = 1:nothers] file using (column(k) >= 1 ? column(k) : NaN):(centre($0, k)): \
            (sprintf("%.2f", column(k))) with labels left offset 0.5,0 font ",8" notitle, \
         for [k = 1:nothers] file using (column(k) < 1 ? column(k) : NaN):(centre($0, k)): \
            (sprintf("%.2f", column(k))) with labels right offset -0.5,0 font ",8" notitle
    unset output
}
