# SPDX-License-Identifier: GPL-2.0-only
# Time-sequence graph in the manner of tcptrace and Wireshark's "Stream Graphs":
# each data segment a bar from its first to its last byte, the receiver's cumulative
# ACK, and the right edge of the window it offers (ACK + window). Filled in by
# `sim plot`, which writes the data next to the picture; to draw it again:
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