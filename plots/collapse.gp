# Data collapse: recovery rate against n / (log p)^k with the fitted exponent k; if the scaling
# holds, the curves for different p fall on one another.
# One panel: rows whose column `panel` equals the variable panel, with that panel's k; written to
# outdir/outname.{png,pdf}.
load scripts.'/common.gp'
if (!exists('panel')) panel = 'all'
if (!exists('outname')) outname = 'collapse'
if (!exists('panel_title')) panel_title = ''
in_panel(x) = (strcol('panel') eq panel) ? x : NaN
if (panel_title ne '') set title panel_title noenhanced
set logscale x
set xlabel sprintf('rescaled sample size {/DejaVu-Sans:Italic n} / (log {/DejaVu-Sans:Italic p})^{%.2f}', k)
set ylabel 'recovery probability'
set yrange [-0.03:1.03]
set key tmargin center horizontal maxrows 3
do for [fmt in 'png pdf'] {
  eval (fmt eq 'png' ? term_png : term_pdf)
  set output outdir.'/'.outname.'.'.fmt
  plot for [g=0:ngroups-1] datadir.'/points.csv' using (column('n')/log(column('p'))**k):(in_group(g) && column('n_values') >= 2 ? in_panel(column('p_hat')) : NaN):'cp_low':'cp_high' \
         with yerrorbars lt g+1 ps 1.2 title curve_title(g) noenhanced, \
       for [g=0:ngroups-1] datadir.'/curves.csv' using (column('n')/log(column('p'))**k):(in_group(g) ? in_panel(column('fit')) : NaN) \
         with lines lt g+1 notitle
  unset output
}
