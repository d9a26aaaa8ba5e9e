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
set key outside right top vertical noenhanced
set grid xtics ytics lc rgb "#dddddd"
set border lc rgb "#555555"
set offsets 0, graph 0.02, graph 0.05, graph 0.05
@AXIS@
@PLOTS@