set terminal pngcairo size 900,700 font 'sans,10'
set output 'benchmarks-converge.png'
set grid
set key top left
set multiplot layout 2,1
set title '1000 objects applied at once, SES at 10 calls/s (run 1, e7a4cb7)'
set xlabel 'seconds after the apply'
set ylabel 'objects Ready'
set xrange [0:*]
set yrange [0:*]
plot 'benchmarks-converge.dat' index 0 using 1:2 with lines lw 2 lc rgb 'blue' title 'Ready', 'benchmarks-converge.dat' index 1 using 1:2 with lines dt 2 lc rgb 'red' title 'bound: R per second after P'
set title 'SES calls answered per second (STS not counted)'
set xlabel 'seconds after the apply'
set ylabel 'calls/s'
set xrange [0:*]
set yrange [0:*]
plot 'benchmarks-converge.dat' index 2 using 1:2 with steps lc rgb 'dark-green' title 'SES calls'
unset multiplot
