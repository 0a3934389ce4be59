# eq. (7) error against the noise level σ (Theorem 1: linear in σ): median per σ and the least-
# squares line of the medians.
load scripts.'/common.gp'
set xlabel 'noise standard deviation {/Symbol s}'
set ylabel 'median eq. (7) error'
set key top left
nsig = words(slabels)
set offsets graph 0.04, graph 0.04, 0, 0
do for [fmt in 'png pdf'] {
  eval (fmt eq 'png' ? term_png : term_pdf)
  set output outdir.'/sigma.'.fmt
  plot for [g=0:nsig-1] datadir.'/sigma_points.csv' using 'sigma':(in_group(g) ? column('median_error_eq7') : NaN) \
         with points lt g+1 ps 1.5 title word(slabels, g+1) noenhanced, \
       for [g=0:nsig-1] real(word(intercepts, g+1)) + real(word(slopes, g+1))*x with lines lt g+1 \
         title sprintf('slope %.3g', real(word(slopes, g+1)))
  unset output
}
