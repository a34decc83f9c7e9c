set terminal pngcairo size 800,450 font 'sans,10'
set output 'benchmarks-memory.png'
set grid
set key top left
set title 'operator memory against the objects present (restart runs, 04f2466)'
set xlabel 'objects'
set ylabel 'MiB'
set xrange [0:*]
set yrange [0:*]
plot 'benchmarks-memory.dat' index 0 using 1:2 with linespoints lw 2 pt 7 lc rgb 'blue' title 'peak RSS (VmHWM)', 'benchmarks-memory.dat' index 1 using 1:2 with linespoints pt 5 lc rgb 'dark-green' title 'idle RSS', 'benchmarks-memory.dat' index 2 using 1:2 with linespoints pt 9 lc rgb 'orange' title 'live heap after a full GC'
