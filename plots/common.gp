# Shared look of every ipcbench chart; loaded by the chart scripts.
#
# Variables every chart script expects (ipcbench plot passes them with -e):
#   out      output path without extension; OUT.png and OUT.svg are written
#   machine  subtitle: CPU model, kernel, date
# Colours: Okabe-Ito (colour-blind safe) first, then distinct extras; past 12
# transports the colours repeat but the point shapes keep changing.

if (!exists("machine")) machine = ""
png_term = strstrt(GPVAL_TERMINALS, " pngcairo ") ? "pngcairo" : "png"

colours = "#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #000000 #882255 #999933 #8C564B #44AA99 #6A3D9A"
filled_pt = "7 5 9 11 13 15"
open_pt = "6 4 8 10 12 14"
ncolours = words(colours)
colour(i) = word(colours, (i - 1) % ncolours + 1)
filled(i) = int(word(filled_pt, (i - 1) % 6 + 1))
hollow(i) = int(word(open_pt, (i - 1) % 6 + 1))

# "set terminal ..." for png or svg at W x H pixels
term_cmd(fmt, w, h) = fmt eq "png" ? \
    (png_term eq "pngcairo" ? \
        sprintf("set terminal pngcairo size %d,%d enhanced font 'DejaVu Sans,11' linewidth 1.2 dashlength 2 background rgb 'white'", w, h) : \
        sprintf("set terminal png size %d,%d enhanced font 'DejaVuSans,11' background rgb 'white'", w, h)) : \
    sprintf("set terminal svg size %d,%d enhanced font 'DejaVu Sans,11' linewidth 1.2 dashlength 2 background rgb 'white'", w, h)

# size in bytes for people: 64 B, 4 KiB, 1 MiB
size_label(b) = b >= 1048576 && int(b) % 1048576 == 0 ? sprintf("%d MiB", b / 1048576) : \
                b >= 1024 && int(b) % 1024 == 0 ? sprintf("%d KiB", b / 1024) : sprintf("%d B", b)

set encoding utf8
set border 3 lw 1.2 lc rgb "#333333"
set tics nomirror out scale 0.6
set grid xtics ytics mytics lt 1 lw 0.8 lc rgb "#e2e2e2", lt 1 lw 0.5 lc rgb "#f3f3f3"
set key outside right top vertical Left reverse noenhanced samplen 2.5 spacing 1.2 width 1
set datafile missing "?"

# sizes: the message sizes in bytes, space separated, ascending; x axis ticks
# at each of them, a little room either side on a log scale
if (!exists("sizes")) sizes = ""
size_axis_setup = "set logscale x 2; set xtics (); set mxtics default; " . \
    "do for [s in sizes] { set xtics add (size_label(s + 0) s + 0) }; " . \
    "if (words(sizes) > 0) { set xrange [word(sizes, 1) / 1.6 : word(sizes, words(sizes)) * 1.6] }; " . \
    "if (words(sizes) > 8) { set xtics rotate by 35 right } else { set xtics norotate }"

# chart title with the machine under it in smaller grey type; both are
# labels at fixed places so they cannot collide; leaves room above the graph
heading = "unset title; set tmargin 5.5; " . \
    "set label 100 chart_title at screen 0.5, screen 1 offset 0,-1.4 center font ',15' noenhanced; " . \
    "set label 101 machine at screen 0.5, screen 1 offset 0,-3.0 center font ',10' tc rgb '#555555' noenhanced"

# log y axis from y_lo to y_hi (set these first), widened to the nearest
# 1, 2 or 5 times a power of ten; the decades and both ends are labelled, and
# 2 and 5 as well when it spans two decades or less, or the axis would show
# hardly a number
nice_down(v) = (_p = 10.0 ** floor(log10(v)), _m = v / _p, (_m >= 5 ? 5 : _m >= 2 ? 2 : 1) * _p)
nice_up(v) = (_p = 10.0 ** floor(log10(v)), _m = v / _p, (_m <= 1 ? 1 : _m <= 2 ? 2 : _m <= 5 ? 5 : 10) * _p)
log_y_axis = "set logscale y 10; _lo = nice_down(y_lo); _hi = nice_up(y_hi); _hi = _hi > _lo ? _hi : 10 * _lo; " . \
    "set yrange [_lo : _hi]; unset ytics; set ytics 1e-9, 10 nomirror out scale 0.6; set mytics 10; set ytics add (_lo, _hi); " . \
    "if (_hi / _lo <= 100.5) { do for [_e = floor(log10(_lo)) : ceil(log10(_hi))] { set ytics add (2 * 10.0 ** _e, 5 * 10.0 ** _e) } }"

# Small multiples: n lines split into panels of at most 6, as even as can be
# (13 -> 5, 4, 4), so a chart stays readable with every transport on it.
# group_of(n) is the panels' count; first(g, n) and last(g, n) the lines of
# panel g (from 1).
group_of(n) = int(ceil(n / 6.0))
per_group(n) = int(ceil(n * 1.0 / group_of(n)))
first(g, n) = (g - 1) * per_group(n) + 1
last(g, n) = (g * per_group(n) < n ? g * per_group(n) : n)

# the hardware floor as reference lines (floor: size_bytes memcpy_gib_s
# xcpu_gib_s, from meta.json; '' when the run has none): the time one copy
# of a message takes, or its rate in MiB/s
if (!exists("floor")) floor = ""
copy_us(bytes, gib_s) = gib_s > 0 ? bytes / (gib_s * 1073741824.0) * 1e6 : NaN
copy_mib_s(gib_s) = gib_s > 0 ? gib_s * 1024.0 : NaN
