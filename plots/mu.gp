# Recovery rate against the coherence bound μ (Assumption 1's angle condition), Clopper–Pearson
# 95% bars.
load scripts.'/common.gp'
set xlabel 'coherence bound {/Symbol m} = max |cos(w_j, w_k)|'
set ylabel 'recovery probability'
set yrange [-0.03:1.03]
set key bottom left
nmu = words(mlabels)
set offsets graph 0.04, graph 0.04, 0, 0
do for [fmt in 'png pdf'] {
  eval (fmt eq 'png' ? term_png : term_pdf)
  set output outdir.'/mu.'.fmt
  plot for [g=0:nmu-1] datadir.'/mu_points.csv' using 'mu':(in_group(g) ? column('p_hat') : NaN):'cp_low':'cp_high' \
         with yerrorlines lt g+1 ps 1.2 title word(mlabels, g+1) noenhanced
  unset output
}
