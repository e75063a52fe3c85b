#!/bin/bash
# nn explain: one row looked at from inside.  The prediction and outputs,
# the saliency (dz/dx of a class's score) and gradient x input, every
# layer's activations with dead and saturated units, the largest terms of
# the score, and with a label the nudge; the pictures of --out PREFIX read
# back as PNG with the input's own pixels and the signs the text gives; a
# convolutional model, a table, a regression; the options' errors.  (The
# gradients themselves are checked against central differences in the
# unit tests.)
#   tests/explain.sh path/to/nn
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
D=$top/data/digits.csv

"$NN" train --train "$D" --label-col last --epochs 3 --out d.bin --quiet 2>/dev/null || bad "train digits"
"$NN" train --train "$D" --label-col last --layers 1x8x8-4c3relu-mp2-10 --epochs 2 --out c.bin --quiet 2>/dev/null ||
    bad "train conv digits"

"$NN" explain d.bin "$D" --label-col last --index 5 --ascii >out.txt 2>err.txt
rc=$?
lab=$(sed -n 6p "$D" | awk -F, '{print $NF}')
[ $rc = 0 ] && grep -q "^row 5 (from 0) of .*digits.csv: label $lab\$" out.txt && grep -qE '^prediction: [0-9] \(output [0-9.]+\), (right|wrong)$' out.txt &&
    grep -qE '^outputs \(sigmoid\): 0 [0-9.]+ 1 [0-9.]+ .* 9 [0-9.]+$' out.txt &&
    ok "explain: the row, its label, the prediction and every output" || bad "explain's first lines: $rc $(head -c 400 out.txt) $(cat err.txt)"
[ "$(grep -c '' err.txt)" = 0 ] && ok "explain writes nothing but results to stdout, and here nothing to stderr" || bad "stderr: $(cat err.txt)"
grep -q '^saliency of [0-9]: dz/dx' out.txt && grep -q '|dz/dx| (white' out.txt && grep -q '^  gradient x input, where' out.txt &&
    [ "$(grep -cE '^  pixel \([0-9], [0-9]\) ' out.txt)" = 10 ] && ok "explain: the saliency drawn, and the ten inputs with the largest gradient x input" ||
    bad "saliency: $(sed -n '/^saliency/,/^activations/p' out.txt | head -c 600)"
grep -qE '^layer 1 \(dense 30, sigmoid\): 30 units, from' out.txt && grep -qE '^layer 2 \(dense 10, sigmoid\): 10 units' out.txt &&
    ok "explain: each layer's activations" || bad "activations: $(grep '^layer' out.txt)"
# the terms add up to the score: bias + sum of a w = z
awk '/^what made the score/ {z = $0; sub(/.*= /, "", z); sub(/;.*/, "", z); on = 1; next}
     on && /^  bias/ {print z; exit}' out.txt >z.txt
[ -s z.txt ] && grep -qE '^what made the score of [0-9]: z = bias \+ sum of activation x weight = -?[0-9.e+-]+; the largest terms:' out.txt &&
    [ "$(grep -cE '^  unit [0-9]+ of layer 1 ' out.txt)" = 8 ] && ok "explain: the score and its eight largest terms" || bad "terms: $(sed -n '/^what made/,/bias/p' out.txt)"
grep -qE '^the nudge: this row.s cost is [0-9.e+-]+; one step of plain SGD on it alone \(eta 3\) would change$' out.txt &&
    grep -qE '^  layer 2: weights by up to' out.txt && grep -qE '^  layer 1: weights by up to' out.txt && grep -q '^    the output biases: 0 [-+]' out.txt &&
    ok "explain: the nudge, per layer and on each output bias" || bad "nudge: $(sed -n '/^the nudge/,$p' out.txt)"
# the nudge's output bias of the label goes up and the others down (sigmoid, quadratic cost: -eta (a - y) a (1 - a))
sign=$(grep '^    the output biases' out.txt | tr ',' '\n' | awk -v l="$lab" '{for (i = 1; i < NF; i++) if ($i == l) print substr($(i+1), 1, 1)}')
[ "$sign" = "+" ] && ok "the nudge raises the bias of the label's output" || bad "the label's bias moves '$sign'"

# --class by number; the score's terms then explain that class
"$NN" explain d.bin "$D" --label-col last --index 5 --class 3 --ascii >o3.txt 2>/dev/null &&
    grep -q '^saliency of 3: ' o3.txt && grep -q '^what made the score of 3: ' o3.txt && ok "explain --class 3" || bad "--class 3: $(grep -E '^(saliency|what)' o3.txt)"

# the pictures
expect "explain --out: three kinds of picture" 0 "p-saliency.png: the input" "$NN" explain d.bin "$D" --label-col last --index 5 --out p
for f in p-saliency.png p-layer1.png p-layer2.png p-nudge.png; do [ -s $f ] || bad "$f not written"; done
if find_python; then
    cat >check.py <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from pngread import read
w, h, ch, rows = read('p-saliency.png')
row = [float(v) for v in open(sys.argv[2]).read().split("\n")[5].split(',')[:64]]
lo, hi = min(row), max(row)
z, top, gap = 21, 18, 10
px = lambda x, y: tuple(rows[y][x * ch:(x + 1) * ch])
bad = [(i, px(gap + i % 8 * z + z // 2, top + i // 8 * z + z // 2), row[i]) for i in range(64)
       if px(gap + i % 8 * z + z // 2, top + i // 8 * z + z // 2) != (int((row[i] - lo) / (hi - lo) * 255 + 0.5),) * 3]
print('input', w, h, ch, len(bad), bad[:3])
# gradient x input: the text's largest term, red when positive, blue when negative
for line in open('out.txt'):
    if line.startswith('  pixel ('):
        f = line.split()
        x, y, sgn = int(f[1][1:-1]), int(f[2][:-1]), f[-1][0]
        c = px(3 * gap + 2 * 8 * z + x * z + z // 2, top + y * z + z // 2)
        print('term', sgn, 'red' if c[0] > c[2] else 'blue' if c[2] > c[0] else 'white')
        break
for f in ['p-layer1.png', 'p-layer2.png', 'p-nudge.png']:
    read(f)
print('all read')
PY
    out=$("$PY" check.py "$top/tests" "$D" 2>&1)
    echo "$out" | grep -q '^input 544 216 3 0 \[\]$' && ok "the saliency picture's first panel is the input, pixel for pixel" || bad "input panel: $out"
    echo "$out" | grep -qE '^term (\+ red|- blue)$' && ok "gradient x input: the largest term's colour has the sign the text gives" || bad "colour: $out"
    echo "$out" | grep -q '^all read$' && ok "the layer and nudge pictures read back" || bad "pictures: $out"
else
    skip "explain's pictures read back with python3's zlib" "no python3" python3
fi

# a convolutional network: maps, dead maps, the terms as map positions, the kernels' nudge
"$NN" explain c.bin "$D" --label-col last --index 2 --out c --ascii >oc.txt 2>ec.txt
[ $? = 0 ] && grep -qE '^layer 1 \(convolution 4c3, relu\): 4 maps of 6x6; the maps. means' oc.txt &&
    grep -qE '^layer 2 \(max-pooling mp2, linear\): 4 maps of 3x3' oc.txt && grep -qE '^  layer 2 map [0-3] at \([0-2], [0-2]\) ' oc.txt &&
    grep -q 'c-nudge.png: the change one SGD step on this row asks of layer 1' ec.txt && [ -s c-layer1.png ] &&
    ok "explain a convolutional network: its maps, the terms by map and place, the kernels' nudge" || bad "conv: $(head -c 600 oc.txt) $(cat ec.txt)"

# without a label: no nudge, said
cut -d, -f1-64 "$D" | sed -n 1,20p >nolab.csv
cut -d, -f1-10 "$D" | sed -n 1,20p >narrow.csv
"$NN" explain d.bin nolab.csv --label-col none --index 1 --ascii >on.txt 2>/dev/null && grep -q '^(no label: no nudge' on.txt && ! grep -q '^the nudge' on.txt &&
    ok "explain without labels: no nudge, and it says so" || bad "no labels: $(tail -3 on.txt)"

# a table: inputs by column name (categories as column=value); a regression
cat >t.csv <<'CSV'
size,colour,price
1.0,red,10
2.0,blue,21
3.0,red,29
4.0,green,41
5.0,blue,50
6.0,red,61
7.0,green,70
8.0,blue,79
9.0,red,91
10.0,green,100
CSV
"$NN" train --train t.csv --target price --epochs 20 --out t.bin --quiet 2>/dev/null || bad "train the table"
"$NN" explain t.bin t.csv --row 3 --ascii >ot.txt 2>/dev/null
[ $? = 0 ] && grep -q '^row 3 of t.csv (line 4)$' ot.txt && grep -qE '^prediction: price [0-9.]+ \(true: 29\)$' ot.txt &&
    grep -qE "^  size  +3 " ot.txt && grep -qE '^  colour=red ' ot.txt && grep -q '^saliency of price: ' ot.txt &&
    ok "explain a table's regression: --row counts from 1, inputs by column name, the target named" || bad "table: $(head -20 ot.txt)"
# rows without the target are left out of training and scoring, but --row counts the file's rows: row 3 is line 4
# whatever comes before it, and a row without its target is explained without one (no "true" value, no nudge)
sed '2s/,[0-9]*$/,/' t.csv >t2.csv
"$NN" explain t.bin t2.csv --row 3 --ascii >ot2.txt 2>/dev/null
"$NN" explain t.bin t2.csv --row 1 --ascii >ot3.txt 2>ot3.err
grep -q '^row 3 of t2.csv (line 4)$' ot2.txt && grep -qE '^prediction: price [0-9.]+ \(true: 29\)$' ot2.txt &&
    grep -q '^row 1 of t2.csv (line 2)$' ot3.txt && grep -qE '^prediction: price [0-9.]+$' ot3.txt && grep -q '^(no target: no nudge' ot3.txt &&
    grep -qF "t2.csv: line 2 has no target: the row is explained without one" ot3.err &&
    ok "explain --row N after a row without its target: the file's row N; a row without one explained without a true value" ||
    bad "explain rows without a target: $(head -3 ot2.txt) / $(head -3 ot3.txt) $(cat ot3.err)"
cat t2.csv | "$NN" explain t.bin - --row 2 --ascii >ot5.txt 2>ot5.err
[ $? = 0 ] && ! grep -q "empty data file" ot5.err && grep -q '^row 2 of (stdin) (line 4)' ot5.txt &&
    grep -qF "warning: (stdin): lines before this row were left out (rows without their target, or blank lines): from a pipe" ot5.err &&
    ok "explain from a pipe: read once, no false error; a row counted among the rows read is said so" || bad "explain stdin: $(cat ot5.err) $(head -2 ot5.txt)"
cut -d, -f1,2 t.csv >t3.csv
"$NN" explain t.bin t3.csv --row 2 --ascii >ot4.txt 2>/dev/null
grep -qE '^prediction: price [0-9.]+$' ot4.txt && grep -q '^(no target: no nudge' ot4.txt &&
    ok "explain a regression on rows without the target column: no invented true value" || bad "explain without target: $(head -4 ot4.txt)"

expect "explain: --index past the end" 1 "has 1797 rows; --index 5000 is past the end" "$NN" explain d.bin "$D" --label-col last --index 5000
expect "explain: --row 0" 2 "--row '0': expected a row number from 1" "$NN" explain d.bin "$D" --row 0
expect "explain: --index and --row" 2 "give --index or --row, not both" "$NN" explain d.bin "$D" --index 1 --row 1
expect "explain: --class out of range" 2 "--class '10': expected a class from 0 to 9" "$NN" explain d.bin "$D" --label-col last --class 10
expect "explain: --class not a name" 2 "--class 'cat': expected a class from 0 to 9" "$NN" explain d.bin "$D" --label-col last --class cat
expect "explain: no DATA" 2 "expected MODEL and DATA" "$NN" explain d.bin
expect "explain: a wrong model" 1 "" "$NN" explain "$D" "$D"
expect "explain: data of another width" 1 "10 features per row, but the model d.bin takes 64" "$NN" explain d.bin narrow.csv --label-col none
expect "explain: --out -" 2 "--out PREFIX: expected the start" "$NN" explain d.bin "$D" --out -
# the pictures' place is checked before any work: nothing on stdout
expect "explain --out where nothing can be written" 1 "nodir/ex-layer1.png: cannot write there" "$NN" explain d.bin "$D" --label-col last --out nodir/ex
# a CSV with a header and no label column: explained without --label-col none
{ echo "$(seq -s, 0 63 | sed 's/[0-9]*/p&/g')"; cut -d, -f1-64 "$D" | head -5; } >hdr.csv
"$NN" explain d.bin hdr.csv --index 2 --ascii >oh.txt 2>oh.err && grep -q '^row 2 (from 0) of hdr.csv$' oh.txt && grep -q '^(no label: no nudge' oh.txt &&
    ok "explain a headed CSV without labels: no column taken as the label" || bad "headed, no labels: $(cat oh.err)"
# class names: any case; a wrong one lists them
"$NN" train --train "$D" --label-col last --class-names zero,one,two,three,four,five,six,seven,eight,nine --epochs 2 --out dn.bin --quiet 2>/dev/null
"$NN" explain dn.bin "$D" --label-col last --class SEVEN --ascii >o7.txt 2>/dev/null && grep -q '^saliency of seven: ' o7.txt &&
    ok "explain --class: a class's name in any case" || bad "--class SEVEN: $(grep saliency o7.txt)"
expect "explain --class: a wrong name lists the names" 2 "--class 'ten': expected a class from 0 to 9, or a class's name: zero, one, two" \
    "$NN" explain dn.bin "$D" --label-col last --class ten
# ---- an ensemble: its own answer first, then one member's layers (--member) ------------------------
"$NN" train --train "$D" --label-col last --ensemble 3 --epochs 2 --out e3.bin --quiet 2>/dev/null || bad "train an ensemble"
"$NN" predict e3.bin "$D" --label-col last --probs --no-header 2>/dev/null | sed -n 8p | tr , '\n' >ep.txt
"$NN" explain e3.bin "$D" --label-col last --index 7 --ascii >e1.txt 2>err.txt
"$NN" explain e3.bin "$D" --label-col last --index 7 --ascii --member 2 >e2.txt 2>/dev/null
p=$(sed -n 's/^the ensemble of 3 networks: \([0-9]\) (output \([0-9.]*\)).*member 1 alone$/\1 \2/p' e1.txt)
want=$(awk '{ if (NR == 1 || $1 > m) { m = $1; k = NR - 1 } } END { printf "%d %.4f", k, m }' ep.txt)
[ -n "$p" ] && [ "$p" = "$want" ] && grep -qF "e3.bin: an ensemble of 3 networks; after the ensemble's answer, the layers are member 1's (--member K for another)" err.txt &&
    ok "explain of an ensemble: its answer is predict's ($p), said before member 1's layers" || bad "ensemble explain: '$p' vs '$want' $(head -c 300 err.txt)"
grep -q 'below, member 2 alone$' e2.txt && ! cmp -s <(sed 1,2d e1.txt) <(sed 1,2d e2.txt) && ok "explain --member 2: another network's layers" ||
    bad "--member 2: $(sed -n 2p e2.txt)"
expect "explain --member past the ensemble" 2 "--member '4': expected a network from 1 to 3" "$NN" explain e3.bin "$D" --label-col last --member 4
expect "explain --member of a single network" 2 "--member '2': d.bin is one network, not an ensemble" "$NN" explain d.bin "$D" --label-col last --member 2
"$NN" weights e3.bin --out w1.png 2>/dev/null && "$NN" weights e3.bin --out w1b.png --member 1 2>/dev/null && "$NN" weights e3.bin --out w3.png --member 3 2>/dev/null &&
    cmp -s w1.png w1b.png && ! cmp -s w1.png w3.png && ok "weights of an ensemble: member 1 unless --member names another" || bad "weights --member"
"$NN" report e3.bin "$D" --label-col last --out e3.html --member 2 2>/dev/null &&
    grep -qF '<td id="ensemble">3 networks, their outputs averaged: the figures, confusion matrix and errors are the ensemble'"'"'s; the layers and weights are member 2'"'"'s' e3.html &&
    f=$(sed -n 's/.*id="figure">accuracy \([0-9]*\/1797\) .*/\1/p' e3.html) && [ -n "$f" ] &&
    "$NN" eval e3.bin "$D" --label-col last 2>/dev/null | head -1 | grep -qF "($f)" &&
    ok "report of an ensemble: the ensemble's figure (eval's), member 2's layers, said" || bad "ensemble report: $(grep -o 'id="figure">[^<]*' e3.html)"
summary explain
