#!/bin/bash
# Pictures: nn weights writes PNG (nn's own deflate, CRC-32 and Adler-32)
# that python3's zlib reads back: the size nn says, the chunks' CRCs, the
# colour map (blue negative, white zero, red positive, one symmetric scale
# per picture, the legend's ends), every layer of dense and convolutional
# models, and the options' errors; show --out and eval --errors --out, the
# rows as one captioned picture whose tiles are the rows' own pixels.  PGM
# as before with --pgm or --out FILE.pgm.
#   tests/pictures.sh path/to/nn
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

"$NN" train --train "$top/data/digits.csv" --label-col last --epochs 2 --out d.bin --quiet 2>/dev/null || bad "train digits"
"$NN" train --train "$top/data/digits.csv" --label-col last --layers 1x8x8-4c3-mp2-6c2-10 --epochs 1 --out c.bin --quiet 2>/dev/null ||
    bad "train conv digits"

expect "weights --out FILE.png: the first layer" 0 "w1.png: layer 1 \(dense\), 30 tiles of 88x88 pixels, 535x470 in all \(a tile per unit, its weights laid out as the input\); weights from -[0-9.]+ \(blue\) through 0 \(white\) to \+[0-9.]+ \(red\)" \
    "$NN" weights d.bin --out w1.png
expect "weights --layer 2: the output layer's matrix" 0 "layer 2 \(dense\), 1 tile of 420x140 pixels, 422x166 in all \(a row per unit, a column per input\)" "$NN" weights d.bin --out w2.png --layer 2
expect "weights of a convolutional model: kernels per map" 0 "layer 1 \(convolution\), 4 tiles of 84x84 pixels" "$NN" weights c.bin --out k1.png
expect "weights --layer 3: a deeper convolution, a tile per map and channel" 0 "layer 3 \(convolution\), 24 tiles of 84x84 pixels, 341x535 in all" \
    "$NN" weights c.bin --out k3.png --layer 3
expect "weights --layer 4: the dense layer after the convolutions" 0 "layer 4 \(dense\), 1 tile of" "$NN" weights c.bin --out k4.png --layer 4
expect "weights --zoom 1" 0 "30 tiles of 8x8 pixels, 120x70 in all" "$NN" weights d.bin --out z1.png --zoom 1

if find_python; then
    cat >png.py <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from pngread import read
w, h, ch, rows = read(sys.argv[1])
px = lambda x, y: tuple(rows[y][x * ch:(x + 1) * ch])
tiles = {px(x, y) for y in range(h - 24) for x in range(w)}
legend = [px(x, h - 24 + 5) for x in range(w)]
bar = [c for c in legend if c != (255, 255, 255)]
print(w, h, ch, px(0, 0), bar[0], bar[-1], min(bar[len(bar) // 2]) >= 240, (33, 102, 172) in tiles or (178, 24, 43) in tiles)
PY
    out=$("$PY" png.py w1.png "$top/tests" 2>&1)
    [ "$out" = "535 470 3 (150, 150, 150) (33, 102, 172) (178, 24, 43) True True" ] &&
        ok "the PNG reads back with python3's zlib: its size, CRCs, a grey border, the legend from blue through white to red, the scale's end in the tiles" ||
        bad "PNG read back: $out"
    for f in w2.png k1.png k3.png k4.png z1.png; do
        "$PY" png.py $f "$top/tests" >/dev/null 2>"$f.err" || bad "$f does not read back: $(head -c 200 "$f.err")"
    done
    ok "every layer's picture reads back"
else
    skip "PNG read back with python3's zlib" "no python3" python3
fi

# show --out and eval --errors --out: the rows as one picture, captioned
expect "show --out FILE.png" 0 "s.png: 6 rows drawn, from row 3" "$NN" show "$top/data/digits.csv" --label-col last --index 3 --count 6 --out s.png
expect "eval --errors 5 --out FILE.png" 0 "e.png: the 5 most confidently wrong rows" "$NN" eval d.bin "$top/data/digits.csv" --label-col last --errors 5 --out e.png
if find_python; then
    cat >sheet.py <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from pngread import read
w, h, ch, rows = read(sys.argv[2])
vals = [list(map(float, l.split(',')[:64])) for l in open(sys.argv[3]).read().split('\n')[3:4]]
row = vals[0]
lo, hi = min(row), max(row)
z, tw = 11, max(88, int(sys.argv[4]))
x0 = 10 + (tw - 88) // 2
bad = sum(1 for i in range(64) if tuple(rows[10 + i // 8 * z + 5][(x0 + i % 8 * z + 5) * ch:(x0 + i % 8 * z + 6) * ch]) != (int((row[i] - lo) / (hi - lo) * 255 + 0.5),) * 3)
ink = sum(1 for y in range(10 + 88 + 4, 10 + 88 + 4 + 24) for x in range(10, 10 + tw) if rows[y][x * ch] == 0)
print(w, h, bad, ink > 20)
PY
    out=$("$PY" sheet.py "$top/tests" s.png "$top/data/digits.csv" 88 2>&1)
    [ "$out" = "304 290 0 True" ] && ok "show --out: a grid of the rows, the first tile the row's pixels exactly, its caption drawn under it" || bad "show's picture: $out"
    "$PY" -c "import sys; sys.path.insert(0, '$top/tests'); from pngread import read; print(read('e.png')[:2])" >e.txt 2>&1 && ok "eval --errors --out reads back ($(cat e.txt))" || bad "eval's picture: $(cat e.txt)"
else
    skip "show and eval pictures read back" "no python3" python3
fi
expect "show --out with another extension" 2 "--out 's.jpg': give a file name ending in .png" "$NN" show "$top/data/digits.csv" --out s.jpg
expect "eval --out without --errors" 2 "give --errors too" "$NN" eval d.bin "$top/data/digits.csv" --label-col last --out e2.png
[ ! -e e2.png ] && [ ! -e s.jpg ] && ok "no picture from those errors" || bad "a picture written on an error"

# the PGM of the first layer as before; --out FILE.pgm is the same
"$NN" weights d.bin --pgm a.pgm 2>/dev/null && "$NN" weights d.bin --out b.pgm 2>/dev/null && cmp -s a.pgm b.pgm &&
    [ "$(head -c 2 a.pgm)" = P5 ] && ok "--out FILE.pgm writes the PGM --pgm does" || bad "PGM by --out"

expect "weights: --out with another extension" 2 "give a file name ending in .png" "$NN" weights d.bin --out w.jpg
expect "weights: neither --out nor --pgm" 2 "expected MODEL and --out FILE.png" "$NN" weights d.bin
expect "weights: both --out and --pgm" 2 "give --out FILE.png or --pgm FILE, not both" "$NN" weights d.bin --out a.png --pgm a.pgm
expect "weights: --layer 0" 2 "--layer '0': expected a layer from 1 to 2" "$NN" weights d.bin --out a.png --layer 0
expect "weights: --layer past the last" 2 "--layer '3': expected a layer from 1 to 2" "$NN" weights d.bin --out a.png --layer 3
expect "weights: --layer of a pool" 2 "--layer 2: a pool has no weights to draw" "$NN" weights c.bin --out a.png --layer 2
expect "weights: --zoom 0" 2 "--zoom '0': expected a whole number from 1 to 64" "$NN" weights d.bin --out a.png --zoom 0
expect "weights: --zoom 65" 2 "--zoom '65'" "$NN" weights d.bin --out a.png --zoom 65
expect "weights: --width with a convolution" 2 "--width is for a first dense layer" "$NN" weights c.bin --out a.png --width 3
expect "weights: --layer with --pgm" 2 "--layer and --zoom are for --out FILE.png" "$NN" weights d.bin --pgm a.pgm --layer 1
expect "weights: a model's name for the picture" 2 "give a file name ending in .png" "$NN" weights d.bin --out d.bin
[ ! -e a.png ] && ok "no picture left behind by the errors" || bad "a.png written on an error"
cp d.bin d2.png
expect "weights: an output named like the model" 2 "is the model" "$NN" weights d2.png --out d2.png
summary pictures
