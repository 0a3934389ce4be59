# Phase diagram: empirical recovery rate over (n, log p) as a heat map, the per-p n50 estimates
# with their 95% profile intervals, and the fitted scaling curve n50 = C (log p)^k.
# One panel: rows whose column `panel` equals the variable panel (groups differing in anything
# but n and p are drawn on separate diagrams); written to outdir/outname.{png,pdf}.
load scripts.'/common.gp'
if (!exists('panel')) panel = 'all'
if (!exists('outname')) outname = 'heatmap'
if (!exists('panel_title')) panel_title = ''
in_panel(x) = (strcol('panel') eq panel) ? x : NaN
if (panel_title ne '') set title panel_title noenhanced
set logscale x
set xlabel 'sample size {/DejaVu-Sans:Italic n} (samples)'
set ylabel 'log {/DejaVu-Sans:Italic p}  ({/DejaVu-Sans:Italic p} = input dimension)'
set cblabel 'recovery rate'
set cbrange [0:1]
set key top left
has_k = (k == k)
stats datadir.'/points.csv' using 'logp_lo' nooutput
ylo = STATS_min
stats datadir.'/points.csv' using 'logp_hi' nooutput
yhi = STATS_max
stats datadir.'/points.csv' using 'n_lo' nooutput
xlo = STATS_min
stats datadir.'/points.csv' using 'n_hi' nooutput
xhi = STATS_max
set xrange [xlo:xhi]
set yrange [ylo:yhi]
if (has_k) {
  set print $curve
  do for [i=0:100] { y = ylo + (yhi - ylo)*i/100.0; print sprintf('%.10g,%.10g', C*y**k, y) }
  unset print
}
fit_title = has_k ? sprintf('n_{50} = %.3g (log p)^{%.2f}', C, k) : ''
do for [fmt in 'png pdf'] {
  eval (fmt eq 'png' ? term_png : term_pdf)
  set output outdir.'/'.outname.'.'.fmt
  if (has_k) {
    plot datadir.'/points.csv' using (column('n_values') >= 2 ? in_panel(sqrt(column('n_lo')*column('n_hi'))) : NaN):((column('logp_lo')+column('logp_hi'))/2):'n_lo':'n_hi':'logp_lo':'logp_hi':'p_hat' \
           with boxxyerror fs solid 1.0 noborder fc palette notitle, \
         dir.'/transition.csv' using (in_panel(column('n50'))):(log(column('p'))):'n50_low':'n50_high' with xerrorbars lc rgb 'black' pt 7 ps 1.2 title 'n_{50} (95% CI)', \
         $curve using 1:2 with lines lc rgb 'black' dt 2 title fit_title
  } else {
    plot datadir.'/points.csv' using (column('n_values') >= 2 ? in_panel(sqrt(column('n_lo')*column('n_hi'))) : NaN):((column('logp_lo')+column('logp_hi'))/2):'n_lo':'n_hi':'logp_lo':'logp_hi':'p_hat' \
           with boxxyerror fs solid 1.0 noborder fc palette notitle, \
         dir.'/transition.csv' using (in_panel(column('n50'))):(log(column('p'))):'n50_low':'n50_high' with xerrorbars lc rgb 'black' pt 7 ps 1.2 title 'n_{50} (95% CI)'
  }
  unset output
}
