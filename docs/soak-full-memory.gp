set terminal png size 1400,700
set output 'soak-full-memory.png'
set title 'soak full: 1000 objects, 60 min, churn, SES faults, 3 leader SIGKILL(s) (dashed)'
set xlabel 'minutes after the apply'
set ylabel 'MiB'
set grid
set key outside bottom center horizontal
set yrange [0:*]
set arrow from 15.000, graph 0 to 15.000, graph 1 nohead dt 2 lc rgb 'red'
set arrow from 30.000, graph 0 to 30.000, graph 1 nohead dt 2 lc rgb 'red'
set arrow from 45.000, graph 0 to 45.000, graph 1 nohead dt 2 lc rgb 'red'
set arrow from 10.000, graph 0 to 10.000, graph 1 nohead dt 3 lc rgb 'gray'
set label 'end of warm-up' at 10.000, graph 0.97 offset 0.5,0
plot 'soak-full-memory.dat' index 0 using 1:2 with lines lw 2 lc rgb 'blue' title 'RSS, leader', 'soak-full-memory.dat' index 1 using 1:2 with points pt 7 ps 0.3 lc rgb 'gray60' title 'RSS, standby', 'soak-full-memory.dat' index 0 using 1:3 with lines lc rgb 'dark-green' title 'heap used (incl. garbage), leader', 'soak-full-memory.dat' index 2 using 1:2 with linespoints pt 5 lc rgb 'orange' title 'live heap after full GC, leader'
