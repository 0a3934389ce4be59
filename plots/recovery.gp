# Recovery probability against n, one curve per group (p): points with Clopper–Pearson 95% bars,
# the logistic fit in log n with its pointwise 95% Wald band.
load scripts.'/common.gp'
set logscale x
set xlabel 'sample size {/DejaVu-Sans:Italic n} (samples)'
set ylabel 'recovery probability'
set yrange [-0.03:1.03]
set key tmargin center horizontal maxrows 3
do for [fmt in 'png pdf'] {
  eval (fmt eq 'png' ? term_png : term_pdf)
  set output outdir.'/recovery.'.fmt
  plot for [g=0:ngroups-1] datadir.'/curves.csv' using 'n':(in_group(g) ? column('band_low') : NaN):(in_group(g) ? column('band_high') : NaN) \
         with filledcurves lt g+1 fs transparent solid 0.18 noborder notitle, \
       for [g=0:ngroups-1] datadir.'/curves.csv' using 'n':(in_group(g) ? column('fit') : NaN) \
         with lines lt g+1 title curve_title(g) noenhanced, \
       for [g=0:ngroups-1] datadir.'/points.csv' using 'n':(in_group(g) && column('n_values') >= 2 ? column('p_hat') : NaN):'cp_low':'cp_high' \
         with yerrorbars lt g+1 ps 1.2 notitle
  unset output
}
