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
# the legend inside the frame, top left, where a sequence graph rising to the right
# leaves room; opaque, so that it stays readable over a line that passes under it
set key inside left top vertical Left reverse noenhanced opaque box lc rgb '#cccccc' font ',9' samplen 2.5
set grid xtics ytics lc rgb "#dddddd"
set border lc rgb "#555555"
# the ranges are set by `sim plot`: x the same in every panel, y from 0
set bars 2 # the end bars of each segment
@AXIS@
@PLOTS@