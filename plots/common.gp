# Shared settings of reluid's figures; `reluid plot DIR` passes dir, datadir, outdir, labels, ngroups.
# PNG: 1600 × 1200 px at 26 pt (legible when shrunk to a column); PDF: 16 cm × 12 cm at 11 pt.
term_png = "set terminal pngcairo enhanced size 1600,1200 font 'DejaVu Sans,26' linewidth 3"
term_pdf = "set terminal pdfcairo enhanced size 16cm,12cm font 'DejaVu Sans,11' linewidth 2"
set datafile separator ','
set datafile missing 'nan'
set grid lc rgb '#dddddd'
set border lw 1
set key box opaque samplen 2
set palette defined (0 '#b2182b', 0.5 '#f7f7f7', 1 '#2166ac')
# Colour-blind-safe cycle (Okabe–Ito).
set linetype 1 lc rgb '#0072B2' pt 7
set linetype 2 lc rgb '#D55E00' pt 5
set linetype 3 lc rgb '#009E73' pt 9
set linetype 4 lc rgb '#CC79A7' pt 11
set linetype 5 lc rgb '#E69F00' pt 13
set linetype 6 lc rgb '#56B4E9' pt 7
set linetype 7 lc rgb '#000000' pt 5
set linetype cycle 7
in_group(g) = (column('group') == g)
# multi: one word per group, 1 when the group has 2 or more n (a fitted curve), else 0.
multi = ''
do for [g=0:ngroups-1] {
  stats datadir.'/points.csv' using (in_group(g) ? column('n_values') : NaN) nooutput
  multi = multi . (STATS_max >= 2 ? ' 1' : ' 0')
}
curve_title(g) = (word(multi, g+1) eq '1' ? word(labels, g+1) : '')
