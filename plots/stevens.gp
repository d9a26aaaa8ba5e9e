# SPDX-License-Identifier: GPL-2.0-only
# Stevens' sequence/time graph: the relative sequence number of every segment against
# time, for both directions. Filled in by `sim plot --kind stevens`; to draw it again:
#   gnuplot NAME.gp
if (!exists("outfile")) outfile = '@OUTPUT@'
set terminal @TERMINAL@
set output outfile
set xlabel "time (@UNIT@)"
set ylabel "relative sequence number (bytes)"
set format y "%.0f"
# the legend inside the frame, top left, where a sequence graph rising to the right
# leaves room; opaque, so that it stays readable over a line that passes under it
set key inside left top vertical Left reverse noenhanced opaque box lc rgb '#cccccc' font ',9' samplen 2.5
set grid xtics ytics lc rgb "#dddddd"
set border lc rgb "#555555"
set offsets 0, 0, graph 0.05, 0 # room above the top; y from 0
@AXIS@
@PLOTS@