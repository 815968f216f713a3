# bench/plot.gp: the benchmark's picture, from the data files hbench writes.
#   gnuplot -e "dir='DIR'; out='FILE.png'; vm=0|1; runs=0|1; heading='...'" bench/plot.gp
# runs=0: only the VM panels (`make bench-vm` runs the VM series alone).
# Bars are medians; whiskers run from the min to the p90.

rows = (runs ? 2 : 0) + (vm ? 1 : 0)
set terminal pngcairo size 1400, 100 + 425 * rows font "DejaVu Sans,11"
set output out
set datafile missing "?"
set style fill solid 0.85 border rgb "black"
set grid ytics lc rgb "#dddddd"
set key top left
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set multiplot layout rows, 2 title heading font ",14"

if (runs) {

set title "run /bin/true: wall time per container, ms (lower is better)"
set boxwidth 0.6
set xrange [-0.6:*]
plot dir.'/run.dat' using 0:2:(0.6):6:xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:2:4:3 with yerrorbars lc rgb "black" pt -1 notitle, \
     '' using 0:3:(sprintf("%.1f", $2)) with labels offset 0,0.8 notitle

set title "create + start + delete, ms (medians, stacked)"
set style data histograms
set style histogram rowstacked
set boxwidth 0.6
set key top right
unset xrange
plot dir.'/life.dat' using 2:xtic(1) title "create" lc rgb "#fdb863", \
     '' using 3 title "start" lc rgb "#e66101", \
     '' using 4 title "delete" lc rgb "#b2abd2"
set key top left

set title "containers run in parallel: containers per second (higher is better)"
set style data boxes
set xrange [-0.6:*]
plot dir.'/par.dat' using 0:2:(0.6):6:xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:2:4:5 with yerrorbars lc rgb "black" pt -1 notitle, \
     '' using 0:5:(sprintf("%.0f", $2)) with labels offset 0,0.8 notitle

set title "memory and size, MiB: peak RSS of run, binary, binary + shared libraries"
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
unset xrange
set key top right
plot dir.'/mem.dat' using 2:xtic(1) title "peak RSS" lc rgb "#e66101", \
     '' using 3 title "binary" lc rgb "#5e3c99", \
     '' using 4 title "binary + libs" lc rgb "#b2abd2"
}

if (vm) {
	set style data histograms
	set style histogram clustered gap 1
	set boxwidth 0.9
	unset xrange
	set key top left
	set title "VM sandbox, ms: boot to guest init, to workload, whole run"
	plot dir.'/vm.dat' using 2:xtic(1) title "to init" lc rgb "#fdb863", \
	     '' using 3 title "to workload" lc rgb "#e66101", \
	     '' using 4 title "wall" lc rgb "#5e3c99"
	set title "VM sandbox: peak RSS of the VMM (hutch: whole run), MiB"
	set style data boxes
	set boxwidth 0.6
	set xrange [-0.6:*]
	plot dir.'/vm.dat' using 0:5:(0.6):6:xtic(1) with boxes lc rgb variable notitle, \
	     '' using 0:5:(sprintf("%.1f", $5)) with labels offset 0,0.8 notitle
}
unset multiplot
