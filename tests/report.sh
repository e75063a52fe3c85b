#!/bin/bash
# The HTML report: nn train --report FILE.html and nn report MODEL DATA
# --out FILE.html.  One self-contained file (no address outside it, the
# pictures PNG data URIs that read back), under 2 MB; its curves carry the
# figures --log writes, and their points are where those figures go on the
# chart's axes; the confusion matrix adds up to the test rows; a
# regression's fit, a convolutional model; a real browser (headless
# Chromium) loads it with no console message and every picture drawn, and
# a control page with a broken picture is caught; the options' errors.
#   tests/report.sh path/to/nn
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
D=$top/data/digits.csv

expect "train --report: the page written" 0 "saved d.bin" \
    "$NN" train --train "$D" --label-col last --holdout 297 --epochs 8 --out d.bin --report run.html --log run.log --seed 3
[ -s run.html ] && tail -c 8 run.html | grep -q '</html>' && ok "the page is whole" || bad "run.html: $(tail -c 100 run.html)"
size=$(wc -c <run.html)
[ "$size" -lt 2000000 ] && ok "the page is under 2 MB ($size bytes)" || bad "run.html is $size bytes"
grep -qiE '(src|href)="(https?:|//)|@import|url\(' run.html && bad "the page refers outside itself: $(grep -oiE '(src|href)="[^"]{0,40}' run.html | head -3)" ||
    ok "the page refers to nothing outside itself"
ls -a | grep -q '\.nn-' && bad "a temporary file left: $(ls -a)" || ok "no temporary file left"
grep -q 'http-equiv="refresh"' run.html && bad "the finished page still reloads itself" || ok "the finished page does not reload itself"
for id in metric cost saturated gradient confusion errors; do
    grep -q "id=\"$id\"" run.html || bad "the page lacks #$id"
done
ok "the page has the curves, the layers' figures, the confusion matrix and the errors"

if find_python; then
    cat >curves.py <<'PY'
import re, sys, csv, base64, zlib
sys.path.insert(0, sys.argv[1])
from pngread import read
html = open('run.html').read()
# the confusion matrix adds up to the test rows
cm = re.search(r'<table class="cm" id="confusion">(.*?)</table>', html, re.S).group(1)
cells = [int(x) for x in re.findall(r'<td[^>]*>(\d+)</td>', cm)]
print('confusion', len(cells), sum(cells))
# every picture is a PNG that reads back
n = 0
for i, uri in enumerate(re.findall(r'src="data:image/png;base64,([^"]+)"', html)):
    open('p%d.png' % i, 'wb').write(base64.b64decode(uri))
    read('p%d.png' % i)
    n += 1
print('pictures', n)
# the errors with --holdout: each caption's row is the file's, its true class the file's label there
rows = [l.split(',') for l in open(sys.argv[2]).read().split('\n') if l]
caps = re.findall(r'<figcaption>row (\d+)<br>true <b>([^<]*)</b><br>predicted <b>([^<]*)</b>', html)
print('errors', len(caps), sum(1 for r, t, p in caps if rows[int(r)][-1] == t and t != p))
m = re.search(r'<p class="headline" id="figure">accuracy (\d+)/297 \(([0-9.]+)%\) on the test set</p>', html)
print('headline', bool(m) and abs(int(m.group(1)) / 297 * 100 - float(m.group(2))) < 0.01)
PY
    out=$("$PY" "$top/tests/pagecheck.py" run.html run.log 8 2>&1; "$PY" curves.py "$top/tests" "$D" 2>&1)
    echo "$out" | grep -q '^curves 0 \[\]$' && ok "the curves carry --log's figures (test accuracy, training cost), each point where its figure goes on the axes (epochs 1 to 8, 0 to 100%)" ||
        bad "curves: $out"
    echo "$out" | grep -q '^confusion 100 297$' && ok "the confusion matrix: 10 x 10 cells adding up to the 297 test rows" || bad "confusion: $out"
    echo "$out" | grep -qE '^errors 12 12$' && ok "the errors' captions: rows of the file (the test rows were held out of it), the file's labels" || bad "errors: $out"
    echo "$out" | grep -q '^headline True$' && ok "the page states the test accuracy first" || bad "headline: $out"
    echo "$out" | grep -qE '^pictures (1[0-3])$' && ok "the error pictures and the weights read back as PNG ($(echo "$out" | grep '^pictures'))" || bad "pictures: $out"
else
    skip "the report's curves read back" "no python3" python3
fi

# in a real browser
if find_chromium; then
    chrome() { timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$T/chrome" --enable-logging=stderr --v=0 "$@"; }
    chrome --window-size=1150,2400 --screenshot="$T/shot.png" "file://$T/run.html" >chrome.out 2>chrome.err
    if [ -s shot.png ] && ! grep -q ':CONSOLE' chrome.err; then
        ok "Chromium renders the page with no console message"
    else
        bad "Chromium: $(grep ':CONSOLE' chrome.err | head -3) $(ls -la shot.png 2>&1)"
    fi
    chrome --dump-dom "file://$T/run.html" >dom.html 2>/dev/null
    grep -q 'data-pictures="ok"' dom.html && ok "in Chromium every picture of the page loaded" || bad "pictures in Chromium: $(grep -o 'data-pictures="[a-z]*"' dom.html)"
    # the control: a page whose picture is broken is caught on the console
    sed 's|src="data:image/png;base64,[A-Za-z0-9+/]\{8\}|src="data:image/png;base64,AAAAAAAA|' run.html >broken.html
    chrome --screenshot="$T/b.png" "file://$T/broken.html" >/dev/null 2>b.err
    grep -q ':CONSOLE.*did not load' b.err && ok "the control: a broken picture is reported on Chromium's console" || bad "broken picture not caught: $(grep CONSOLE b.err | head -2)"
    # every kind of PNG file nn writes, displayed by Chromium (each picture loaded, decoded, of its size)
    "$NN" weights d.bin --out w.png 2>/dev/null && "$NN" explain d.bin "$D" --label-col last --out ex >/dev/null 2>&1 &&
        "$NN" show "$D" --label-col last --count 4 --out sh.png 2>/dev/null && "$NN" eval d.bin "$D" --label-col last --errors 4 --out er.png >/dev/null 2>&1 ||
        bad "the pictures for Chromium"
    { echo '<!DOCTYPE html><html><body>'; for f in w.png ex-saliency.png ex-layer1.png ex-layer2.png ex-nudge.png sh.png er.png; do echo "<img alt=\"$f\" src=\"$f\">"; done
      sed -n '/^<script>/,/<\/script>/p' run.html; echo '</body></html>'; } >pngs.html
    chrome --dump-dom "file://$T/pngs.html" >pngs.dom 2>pngs.err
    grep -q 'data-pictures="ok"' pngs.dom && ! grep -q ':CONSOLE' pngs.err && [ "$(grep -c '<img' pngs.dom)" = 7 ] &&
        ok "Chromium displays every kind of PNG file nn writes (weights, explain's three, show, eval --errors)" ||
        bad "PNG files in Chromium: $(grep -o 'data-pictures="[a-z]*"' pngs.dom) $(grep CONSOLE pngs.err | head -3)"
    if find_python; then
        cat >shot.py <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from pngread import read
w, h, ch, rows = read('shot.png')
cols = set()
for y in range(0, h, 4):
    r = rows[y]
    for x in range(0, w, 4): cols.add(tuple(r[x * ch:(x + 1) * ch]))
blue = any(c[2] > 150 and c[0] < 80 for c in cols)
red = any(c[0] > 150 and c[2] < 80 for c in cols)
print(w, h, len(cols) > 50, blue, red)
PY
        out=$("$PY" shot.py "$top/tests" 2>&1)
        echo "$out" | grep -qE '^1150 2400 True True True$' && ok "the screenshot shows the page: many colours, the curves' blue and red" || bad "screenshot: $out"
    fi
else
    skip "the report in a browser" "no chromium" chromium
fi

# nn report: the same page from a saved model, with the layers' table
expect "nn report MODEL DATA -o FILE.html" 0 "page.html: the report of d.bin on .*digits.csv \(1797 rows\)" "$NN" report d.bin "$D" --label-col last -o page.html
grep -q 'Made by nn report' page.html && grep -q 'id="layers"' page.html && grep -q 'id="confusion"' page.html && ! grep -q 'id="metric"' page.html &&
    ok "nn report: the settings, the layers, the confusion matrix, no curves" || bad "nn report's page: $(grep -o 'id="[a-z]*"' page.html | tr '\n' ' ')"

# a regression on one input: the fitted function
awk 'BEGIN { for (i = 0; i < 200; i++) { x = i / 20; printf "%.3f,%.5f\n", x, sin(x) } }' >sin.csv
"$NN" train --train sin.csv --target last --layers 1-20tanh-1linear --val 0.2 --epochs 40 --out s.bin --report s.html --quiet 2>/dev/null
grep -q 'id="fit"' s.html && grep -q 'the fitted function' s.html && grep -q 'id="metric"' s.html && ! grep -q 'id="confusion"' s.html &&
    ok "a regression's page: its R^2 curve and the fitted function" || bad "regression page: $(grep -o 'id="[a-z]*"' s.html | tr '\n' ' ')"
"$NN" train --train sin.csv --target last --layers 1-20tanh-1linear --val 0 --epochs 10 --out s0.bin --report s0.html --quiet 2>/dev/null
grep -q 'id="fit"' s0.html && grep -q 'On all 200 training rows (no validation or test set)' s0.html &&
    ok "a run without held-out rows: its page shows the fit on the training rows, said" || bad "no held-out page: $(grep -o 'id="[a-z]*"' s0.html | tr '\n' ' ')"
# a convolutional network: the dead ReLUs chart
"$NN" train --train "$D" --label-col last --layers 1x8x8-4c3-mp2-10 --epochs 2 --holdout 100 --out c.bin --report c.html --quiet 2>/dev/null
grep -q 'id="dead"' c.html && grep -q 'id="errors"' c.html && ok "a convolutional network's page: dead ReLUs, the errors as pictures" || bad "conv page"

expect "--report with another extension" 2 "--report 'r.txt': give a file name ending in .html" "$NN" train --train "$D" --report r.txt
expect "--report -" 2 "give a file name ending in .html" "$NN" train --train "$D" --report -
expect "--report where nothing can be written" 1 "nodir/r.html" "$NN" train --train "$D" --report nodir/r.html --epochs 1
expect "--report the same as --out" 2 "name the same file" "$NN" train --train "$D" --report x.html --out x.html
expect "nn report without --out" 2 "expected MODEL DATA --out FILE.html" "$NN" report d.bin "$D"
expect "nn report over its model" 2 "" "$NN" report d.bin "$D" --out d.bin
[ ! -e r.txt ] && [ ! -e nodir ] && ok "no page left by the errors" || bad "a page written on an error"
summary report
