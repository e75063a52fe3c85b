#!/bin/bash
# NumPy in and out: .npy of every dtype, both byte orders, format versions
# 1-3, Fortran order; .npz stored, deflated and zip64, gzipped, FILE.npz:NAME;
# labels beside or inside, one-hot, text labels; images in (n, H, W),
# (n, C, H, W) and (n, H, W, C) -- each the same model, byte for byte, as the
# same data in CSV or IDX; 0 rows and 14 kinds of malformed files refused
# with a clear message; `predict --format npy` read back by np.load; the
# int8 header's float RMSE for a regression on NumPy data.  Needs python3
# with numpy (python3-numpy); skipped without it.
# Usage: tests/numpy.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1 # outputs that an nn might wrongly create (a file named '-') land here
D=$top/data/digits.csv
export CARS=$top/data/cars.csv
if ! find_python numpy; then
    skip "numpy: every NumPy test" "python3 with numpy is not installed" "python3 python3-numpy"
    summary numpy
    exit
fi

# ---- NumPy in: the same model as CSV / IDX ---------------------------------------------------
cut -d, -f1-64 "$D" >x.csv
cut -d, -f65 "$D" >y.txt
$PY - <<'PY' || bad "writing the NumPy files"
import numpy as np, zipfile
x = np.loadtxt('x.csv', delimiter=',', dtype=np.int64)       # digits: 0..16
y = np.loadtxt('y.txt', dtype=np.int64)
np.savetxt('xy.csv', np.column_stack([x, y]), fmt='%d', delimiter=',')
for dt in ['u1', 'i1', '<u2', '>u2', '<i2', '>i2', '<u4', '>u4', '<i4', '>i4', '<u8', '>u8', '<i8', '>i8', '<f4', '>f4', '<f8', '>f8']:
    name = dt.replace('<', 'le').replace('>', 'be')
    np.save('x_%s.npy' % name, x.astype(dt))
np.save('x_bool.npy', x > 8)
np.savetxt('xb.csv', np.column_stack([(x > 8).astype(int), y]), fmt='%d', delimiter=',')
np.save('y.npy', y)
np.save('y_u1.npy', y.astype('u1'))
np.save('y_f8.npy', y.astype('f8'))
np.save('y_onehot.npy', np.eye(10, dtype='f4')[y])
np.save('x_fortran.npy', np.asfortranarray(x.astype('<f4')))
np.save('x_img.npy', x.astype('<f4').reshape(-1, 8, 8))
np.save('x_nchw.npy', x.astype('<f4').reshape(-1, 1, 8, 8).repeat(3, axis=1))   # 3 channels, channels first
np.save('x_nhwc.npy', x.astype('<f4').reshape(-1, 8, 8, 1).repeat(3, axis=3))   # the same, channels last
for v in (2, 3):
    np.lib.format.write_array(open('x_v%d.npy' % v, 'wb'), x.astype('<f4'), version=(v, 0))
np.savez('s.npz', x=x.astype('<f4'), y=y)
np.savez_compressed('c.npz', X=x.astype('<f4'), y=y)
np.savez_compressed('img.npz', images=x.astype('u1'), labels=y.astype('u1'))
np.savez('one.npz', x.astype('<f4'))                       # one array, named arr_0
np.save('x_empty.npy', np.zeros((0, 64), dtype='<f4'))
np.savez('bad_names.npz', a=x, b=y)
PY
"$NN" train --train xy.csv --label-col last --epochs 2 --out csv.bin --quiet 2>/dev/null
# IDX with the same bytes, for the uint8 arrays
$PY - <<'PY'
import numpy as np, struct
x = np.loadtxt('x.csv', delimiter=',', dtype=np.uint8); y = np.loadtxt('y.txt', dtype=np.uint8)
open('x-images-idx2', 'wb').write(b'\0\0\x08\x02' + struct.pack('>II', *x.shape) + x.tobytes())
open('x-labels-idx1', 'wb').write(b'\0\0\x08\x01' + struct.pack('>I', len(y)) + y.tobytes())
PY
"$NN" train --train x-images-idx2 --train-labels x-labels-idx1 --epochs 2 --out idx.bin --quiet
same() { # same NAME MODEL REF
    if [ -f "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else bad "$1: the model differs from $(basename "$3")'s"; fi
}
"$NN" train --train x_u1.npy --train-labels y.npy --epochs 2 --out u1.bin --quiet && same "uint8 .npy (kept as bytes) = the same IDX bytes" u1.bin idx.bin
for dt in i1 leu2 beu2 lei2 bei2 leu4 beu4 lei4 bei4 leu8 beu8 lei8 bei8 lef4 bef4 lef8 bef8; do
    rm -f m.bin
    "$NN" train --train x_$dt.npy --train-labels y.npy --epochs 2 --out m.bin --quiet && same ".npy $dt = CSV" m.bin csv.bin
done
"$NN" train --train xb.csv --label-col last --epochs 2 --out b.bin --quiet 2>/dev/null
"$NN" train --train x_bool.npy --train-labels y.npy --epochs 2 --out m.bin --quiet && same ".npy bool = CSV of 0 and 1" m.bin b.bin
for v in v2 v3 fortran; do
    "$NN" train --train x_$v.npy --train-labels y.npy --epochs 2 --out $v.bin --quiet && same ".npy $v = CSV" $v.bin csv.bin
done
"$NN" train --train x_lef4.npy --train-labels y_u1.npy --epochs 2 --out m.bin --quiet && same "uint8 labels = int64 labels" m.bin csv.bin
"$NN" train --train x_lef4.npy --train-labels y_onehot.npy --epochs 2 --out m.bin 2>err && same "one-hot labels = int labels" m.bin csv.bin
grep -q "one-hot rows read as class labels 0 to 9" err && ok "one-hot labels said" || bad "one-hot not said: $(cat err)"
"$NN" train --train s.npz --epochs 2 --out m.bin --quiet && same ".npz stored (x, y) = CSV" m.bin csv.bin
"$NN" train --train c.npz --epochs 2 --out m.bin --quiet && same ".npz deflated (X, y) = CSV" m.bin csv.bin
# every zip64 record (end record, locator, sizes and offsets in the entries' extra fields), read back by zipfile and np.load first
$PY - <<'PY' && "$NN" train --train z64.npz --epochs 2 --out m.bin --quiet && same ".npz with zip64 end records and extra fields = CSV" m.bin csv.bin || bad "zip64 .npz"
import numpy as np, io, struct, zlib
def npy(a):
    f = io.BytesIO(); np.save(f, a); return f.getvalue()
x = np.loadtxt('x.csv', delimiter=',', dtype=np.float32); y = np.loadtxt('y.txt', dtype=np.int64)
out = bytearray(); cd = bytearray()
for name, a in (('x.npy', x), ('y.npy', y)):
    data = npy(a); comp = zlib.compressobj(6, zlib.DEFLATED, -15); c = comp.compress(data) + comp.flush()
    crc = zlib.crc32(data); off = len(out); n = name.encode()
    lx = struct.pack('<HHQQ', 1, 16, len(data), len(c))
    out += struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(n), len(lx)) + n + lx + c
    cx = struct.pack('<HHQQQ', 1, 24, len(data), len(c), off)
    cd += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(n), len(cx), 0, 0, 0, 0, 0xFFFFFFFF) + n + cx
cdoff = len(out); out += cd; z = len(out)
out += struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, 2, 2, len(cd), cdoff)
out += struct.pack('<IIQI', 0x07064b50, 0, z, 1)
out += struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
open('z64.npz', 'wb').write(out)
import zipfile
with zipfile.ZipFile('z64.npz') as zf:
    assert zf.testzip() is None
assert (np.load('z64.npz')['x'] == x).all()
PY
"$NN" train --train img.npz --epochs 2 --out m.bin --quiet && same ".npz deflated uint8 (images, labels) = IDX" m.bin idx.bin
"$NN" train --train one.npz --train-labels y.npy --epochs 2 --out m.bin --quiet && same ".npz of one array + --train-labels" m.bin csv.bin
gzip -c x_lef4.npy >x.npy.gz && "$NN" train --train x.npy.gz --train-labels y.npy --epochs 2 --out m.bin --quiet && same "gzipped .npy" m.bin csv.bin
cp y.npy y_guess.npy; cp x_lef4.npy x_guess.npy
"$NN" train --train x_guess.npy --epochs 2 --out m.bin --quiet && same "x_NAME.npy finds y_NAME.npy beside it" m.bin csv.bin
cp y.npy digits_y.npy; cp x_lef4.npy digits_x.npy
"$NN" train --train digits_x.npy --epochs 2 --out m.bin --quiet && same "NAME_x.npy finds NAME_y.npy beside it" m.bin csv.bin
"$NN" eval csv.bin digits_x.npy >ex1 && "$NN" eval csv.bin x_lef4.npy --labels y.npy >ex2 && cmp -s ex1 ex2 && ok "eval NAME_x.npy: its labels from NAME_y.npy" || bad "eval NAME_x.npy"
"$NN" train --train x_lef4.npy --train-labels y.npy --test c.npz --epochs 2 --out m.bin 2>err && grep -q "test 1[0-9]*/1797" err &&
    ok "--test .npz" || bad "--test .npz: $(tail -2 err)"
"$NN" train --train x_nhwc.npy --train-labels y.npy --layers 4-10 --epochs 1 --out m.bin 2>err; # (a dense net on images is fine; the shape is the point)
"$NN" info --layers 3x8x8-4c3-10 >/dev/null
"$NN" train --train x_nhwc.npy --train-labels y.npy --layers 3x8x8-4c3-10 --epochs 1 --out nhwc.bin --quiet &&
"$NN" train --train x_nchw.npy --train-labels y.npy --layers 3x8x8-4c3-10 --epochs 1 --out nchw.bin 2>err && same "(n, C, H, W) images moved channels-last = (n, H, W, C)" nchw.bin nhwc.bin
grep -q "read as channels x height x width, their channels moved last" err && ok "channels-first said" || bad "channels-first not said: $(cat err)"
# a network that takes no images reads a 4-D array flattened as reshape(n, -1), whatever its dimensions look like
$PY -c "import numpy as np; np.save('x4d.npy', np.load('x_lef4.npy').reshape(-1, 2, 2, 16)); np.save('xy4d.npy', np.load('x_lef4.npy').reshape(-1, 2, 2, 16))"
"$NN" predict csv.bin x4d.npy >p4.txt 2>p4.err && "$NN" predict csv.bin x_lef4.npy >p2.txt && cmp -s p2.txt p4.txt && ! grep -q "moved" p4.err &&
    ok "predict, a dense model: a (n, 2, 2, 16) array is its rows in C order, no channels moved" || bad "4-D array to a dense model: $(cat p4.err)"
"$NN" eval csv.bin x4d.npy --labels y.npy >e4 2>/dev/null && "$NN" eval csv.bin x_lef4.npy --labels y.npy >e2d && cmp -s e4 e2d && ok "eval, a dense model: the 4-D array as its rows" || bad "eval 4-D dense"
"$NN" train --train xy4d.npy --train-labels y.npy --layers 64-10 --epochs 2 --out f4.bin --quiet 2>/dev/null && "$NN" train --train x_lef4.npy --train-labels y.npy --layers 64-10 --epochs 2 --out f2.bin --quiet &&
    same "train, a dense spec: the 4-D array as its rows in C order" f4.bin f2.bin
"$NN" train --train x_img.npy --train-labels y.npy --layers 4c3-mp2-10 --epochs 1 --out m.bin --quiet && ok "(n, H, W) gives the input shape to a spec without one" || bad "rank-3 shape"
"$NN" eval csv.bin x_lef4.npy --labels y.npy >e1 && "$NN" eval csv.bin xy.csv --label-col last >e2 2>/dev/null && cmp -s e1 e2 && ok "eval .npy = eval CSV" || bad "eval .npy differs"
"$NN" eval csv.bin c.npz >e1 && cmp -s e1 e2 && ok "eval .npz = eval CSV" || bad "eval .npz differs"
"$NN" eval csv.bin x_lef4.npy --labels y_f8.npy >e1 && cmp -s e1 e2 && ok "eval: float labels of a classifier" || bad "eval with float labels"
"$NN" show c.npz --ascii >s1 && "$NN" show xy.csv --label-col last --ascii >s2 2>/dev/null && cmp -s s1 s2 && ok "show .npz = show CSV" || bad "show .npz differs"
"$NN" train --train x_lef4.npy --train-labels y_f8.npy --epochs 2 --out r.bin 2>err
grep -q "float64 values read as regression targets; to train a classifier, save the labels as integers" err && ok "float labels: a regression, said" || bad "float labels: $(head -3 err)"
# class names as text labels ('<U' and '|S' arrays), in order of first appearance as in CSV
$PY -c "
import numpy as np
y = np.load('y.npy'); n = np.array(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'])
np.save('yn.npy', n[y]); np.save('yb.npy', n[y].astype('S')); np.save('yw.npy', np.array(['x'] * len(y)))
np.savetxt('xn.csv', np.column_stack([np.load('x_lef4.npy').astype(int).astype(str), n[y]]), fmt='%s', delimiter=',')
np.save('y_bad_onehot.npy', np.eye(10, dtype='i8')[y] * 2)
np.savez('dt.npz', data=np.load('x_lef4.npy'), target=y); np.savez('xtest.npz', x_test=np.load('x_lef4.npy'), y_test=y)
np.save('obj.npy', np.array([[1, 'a'], [2, 'b']], dtype=object), allow_pickle=True)"
"$NN" train --train xn.csv --label-col last --epochs 2 --out names.bin --quiet 2>/dev/null
"$NN" train --train x_lef4.npy --train-labels yn.npy --epochs 2 --out m.bin --quiet && same "text labels ('<U') = CSV class names" m.bin names.bin
"$NN" train --train x_lef4.npy --train-labels yb.npy --epochs 2 --out m.bin --quiet && same "byte-string labels ('|S') = CSV class names" m.bin names.bin
"$NN" eval names.bin x_lef4.npy --labels yn.npy >e1 && "$NN" eval names.bin xn.csv --label-col last >e2 2>/dev/null && cmp -s e1 e2 && ok "eval: text labels against a model with names" || bad "eval with text labels"
expect "numbers against a model with names" 1 "y.npy: numbers as labels, but the classes of the model are names \(eight, five...\): give the labels as names" "$NN" eval names.bin x_lef4.npy --labels y.npy
expect "names against a numbered model" 1 "yn.npy: labels are class names, but the classes of the model are numbers 0 to 9" "$NN" eval csv.bin x_lef4.npy --labels yn.npy
expect "a name the model does not know" 1 "yw.npy: label 0, 'x', is not one of the 10 classes the model knows" "$NN" eval names.bin x_lef4.npy --labels yw.npy
expect "integer (n, k) labels that are not one-hot" 1 "y_bad_onehot.npy: integer labels of shape \(1797, 10\) must be one-hot .*row 0 has 2" "$NN" train --train x_lef4.npy --train-labels y_bad_onehot.npy --out z.bin
"$NN" train --train dt.npz --epochs 2 --out m.bin --quiet && same ".npz (data, target) = CSV" m.bin csv.bin
"$NN" train --train xtest.npz --epochs 2 --out m.bin --quiet && same ".npz of x_test and y_test alone" m.bin csv.bin
expect "object arrays" 1 "obj.npy: dtype '\|O': Python objects are not read .*a.astype\(np.float32\)" "$NN" predict csv.bin obj.npy
"$NN" train --train x_lef4.npy --train-labels y.npy --missing drop --epochs 1 --out z.bin 2>err; grep -q "warning: --missing has no effect: x_lef4.npy is not CSV" err && ok "--missing on NumPy data: a warning" || bad "no --missing warning: $(cat err)"
"$NN" train --train x_u1.npy --train-labels y.npy --epochs 1 --out z.bin 2>err; grep -q "note: x_u1.npy: its bytes go up to 16, and nn divides bytes by 255, as pixels; --scale 16 would make them 0 to 1" err && ok "uint8 features far below 255: said" || bad "no uint8 note: $(cat err)"

# Keras-style files: training and test arrays in one .npz, chosen by FILE.npz:NAME
$PY -c "
import numpy as np
x = np.load('x_lef4.npy'); y = np.load('y.npy')
np.savez('keras.npz', x_train=x, y_train=y, x_test=x[:500], y_test=y[:500])"
expect "an .npz with training and test arrays is not guessed" 1 "keras.npz: holds training and test arrays \(x_train, y_train, x_test, y_test\): choose with keras.npz:x_train or keras.npz:x_test" \
    "$NN" train --train keras.npz --out z.bin
"$NN" train --train keras.npz:x_train --test keras.npz:x_test --epochs 2 --out m.bin 2>err && same "FILE.npz:x_train (with y_train) = CSV" m.bin csv.bin
grep -q "test [0-9]*/500 " err && ok "--test FILE.npz:x_test reads the 500 test rows" || bad "--test keras.npz:x_test: $(tail -2 err)"
[ "$("$NN" predict csv.bin keras.npz:x_test | wc -l)" = 500 ] && ok "predict FILE.npz:NAME" || bad "predict keras.npz:x_test"
"$NN" eval csv.bin keras.npz:x_test | head -1 | grep -q "/500)" && ok "eval FILE.npz:NAME (labels y_test)" || bad "eval keras.npz:x_test"
expect "FILE.npz:NAME of no array" 1 "keras.npz: no array named 'x_tst'; the file holds x_train, y_train, x_test, y_test" "$NN" predict csv.bin keras.npz:x_tst
expect "FILE.npz:NAME of a file that is no .npz" 1 "c2.npz: is not an .npz file: ':x' names an array of one" sh -c "cp x_lef4.npy c2.npz && '$NN' predict csv.bin c2.npz:x"
# --probs of a named model, :NAME on gzipped files and labels, NUL in names, the scale warning both ways
"$NN" predict names.bin x_lef4.npy --probs --format npy >pn.npy && $PY -c "import numpy as np; a = np.load('pn.npy'); assert a.dtype == np.float32 and a.shape == (1797, 10)" &&
    ok "--probs --format npy of a model with class names: float32" || bad "--probs npy of a named model"
gzip -c keras.npz >keras.npz.gz
"$NN" train --train keras.npz.gz:x_train --train-labels keras.npz:y_train --epochs 2 --out m.bin --quiet && same "FILE.npz.gz:NAME, and --train-labels FILE.npz:NAME" m.bin csv.bin
expect "labels from a Keras-style file" 1 "keras.npz: no labels array named y, labels, targets or target among x_train, y_train, x_test, y_test: choose one with FILE.npz:NAME" \
    "$NN" eval csv.bin keras.npz:x_test --labels keras.npz
$PY -c "import numpy as np; np.save('ynul.npy', np.array(['a\x00b', 'a', 'c'] * 599))"
expect "a NUL inside a name" 1 "ynul.npy: label 0 has a NUL character inside" "$NN" train --train x_lef4.npy --train-labels ynul.npy --out z.bin
$PY -c "import numpy as np; np.save('zero.npy', np.zeros((1, 64), np.float32)); np.save('x_big.npy', np.load('x_lef4.npy') * 255)"
"$NN" predict csv.bin zero.npy >/dev/null 2>err; [ ! -s err ] && ok "an all-zero row: no scale warning" || bad "zero row warned: $(cat err)"
"$NN" eval csv.bin x_big.npy --labels y.npy >/dev/null 2>err
grep -q "warning: x_big.npy: its values go up to 4080, but csv.bin divides its inputs by 16, as its training data needed: were those scaled before training" err &&
    ok "a warning for features in larger units than the training data" || bad "no upward scale warning: $(cat err)"

# features given already scaled to a model that divides by more
$PY -c "import numpy as np; np.save('x_scaled.npy', np.load('x_lef4.npy') / 16)"
"$NN" eval u1.bin x_scaled.npy --labels y.npy >/dev/null 2>err
grep -q "warning: x_scaled.npy: its values go up to 1, but u1.bin divides its inputs by 255" err && ok "a warning for features scaled twice" || bad "no scale warning: $(cat err)"

# 0 rows and malformed files
expect "0 rows: train refuses" 1 "x_empty.npy: the array has no rows" "$NN" train --train x_empty.npy --train-labels y.npy --out z.bin
quiet_ok=1 expect "0 rows: predict prints nothing" 0 "" "$NN" predict csv.bin x_empty.npy
"$NN" predict csv.bin x_empty.npy --format npy >e.npy && $PY -c "import numpy as np; a=np.load('e.npy'); assert a.shape == (0,) and a.dtype == np.int64" &&
    ok "0 rows: --format npy writes an empty int64 array" || bad "0 rows --format npy"
expect "npz without known names" 1 "bad_names.npz: no features array: nn reads the features from an array named x .*this file holds a, b" "$NN" train --train bad_names.npz --out z.bin
expect "wrong label count" 1 "y.npy: 1797 labels for 1796 rows" sh -c "$PY -c \"import numpy as np; np.save('x1796.npy', np.load('x_lef4.npy')[:-1])\" && '$NN' train --train x1796.npy --train-labels y.npy --out z.bin"
$PY - <<'PY'
import numpy as np, io, struct
def npy(a):
    f = io.BytesIO(); np.save(f, a); return f.getvalue()
good = npy(np.arange(12, dtype='<f4').reshape(3, 4))
hl = struct.unpack('<H', good[8:10])[0]
open('bad_magic.npy', 'wb').write(b'\x93NUMPX' + good[6:])
open('bad_hlen.npy', 'wb').write(good[:8] + struct.pack('<H', 60000) + good[10:])
open('bad_version.npy', 'wb').write(good[:6] + b'\x04\x00' + good[8:])
h = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }"
h = h + ' ' * (63 - (10 + len(h)) % 64) + '\n'
open('bad_shape.npy', 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode() + good[10 + hl:])
open('bad_dtype.npy', 'wb').write(npy(np.arange(4, dtype='<c8')))
open('str.npy', 'wb').write(npy(np.array(['cat', 'dog'])))
open('f16.npy', 'wb').write(npy(np.arange(4, dtype='<f2')))
open('trunc.npy', 'wb').write(good[:-5])
open('trail.npy', 'wb').write(good + b'xx')
open('rec.npy', 'wb').write(npy(np.zeros(3, dtype=[('a', '<f4'), ('b', '<i4')])))
open('nan.npy', 'wb').write(npy(np.array([[1.0, np.nan]], dtype='<f4')))
c = open('c.npz', 'rb').read()
open('trunc.npz', 'wb').write(c[:len(c) // 2])
i = c.index(b'PK\x03\x04', 0) + 30 + 5 + 200     # a byte inside x.npy's deflated data
open('corrupt.npz', 'wb').write(c[:i] + bytes([c[i] ^ 0x55]) + c[i + 1:])
s = bytearray(open('s.npz', 'rb').read())
j = s.index(b'PK\x03\x04') + 30 + 5 + 20 + 130   # a byte of x.npy's stored data: only the CRC notices
s[j] ^= 1
open('crc.npz', 'wb').write(bytes(s))
PY
expect "bad magic" 1 "bad_magic.npy: .*not a NumPy .*it starts neither with .x93NUMPY nor a zip header \(bad magic\)" "$NN" predict csv.bin bad_magic.npy
expect "header length past the file" 1 "bad_hlen.npy: the NumPy header says it is 60000 bytes, past the end of the file" "$NN" predict csv.bin bad_hlen.npy
expect "unknown version" 1 "bad_version.npy: NumPy format version 4.0 is unknown \(1.0, 2.0 and 3.0 are read\)" "$NN" predict csv.bin bad_version.npy
expect "a shape that overflows" 1 "bad_shape.npy: the array's shape is too large \(its size overflows\)" "$NN" predict csv.bin bad_shape.npy
expect "complex dtype" 1 "bad_dtype.npy: dtype '<c8': not a type nn reads \(bool, int8/16/32/64, uint8/16/32/64, float32, float64\)" "$NN" predict csv.bin bad_dtype.npy
expect "text as features" 1 "str.npy: dtype '<U3': text is read as class labels, not as features" "$NN" predict csv.bin str.npy
expect "float16" 1 "f16.npy: dtype '<f2': float16 is not read \(save it as float32" "$NN" predict csv.bin f16.npy
expect "truncated data" 1 "trunc.npy: the header's shape and dtype make 48 bytes of data, but the file has 43 \(truncated\)" "$NN" predict csv.bin trunc.npy
expect "trailing bytes" 1 "trail.npy: .* but the file has 50 \(trailing bytes\)" "$NN" predict csv.bin trail.npy
expect "structured array" 1 "rec.npy: a structured array \(records\) is not read" "$NN" predict csv.bin rec.npy
expect "NaN feature" 1 "nan.npy: row 0, column 1 \(from 0\) is not a finite number" "$NN" predict csv.bin nan.npy
expect "truncated .npz" 1 "trunc.npz: a zip \(.npz\) file without its end record: truncated or not a zip file" "$NN" predict csv.bin trunc.npz
expect "corrupt deflate data" 1 "corrupt.npz \(array X\): " "$NN" predict csv.bin corrupt.npz
expect "stored data, CRC mismatch" 1 "crc.npz \(array x\): CRC-32 mismatch: the data is corrupted" "$NN" predict csv.bin crc.npz
expect "labels for CSV" 1 "a labels file goes with IDX or NumPy images only" "$NN" train --train xy.csv --train-labels y.npy --out z.bin

# ---- predict --format npy, read by np.load ---------------------------------------------------
"$NN" predict csv.bin x_lef4.npy >p.txt && "$NN" predict csv.bin x_lef4.npy --format npy >p.npy &&
"$NN" predict csv.bin x_lef4.npy --probs >pp.txt && "$NN" predict csv.bin x_lef4.npy --probs --format npy >pp.npy &&
$PY -c "
import numpy as np
a = np.load('p.npy'); b = np.loadtxt('p.txt', dtype=np.int64)
assert a.dtype == np.int64 and a.shape == (1797,) and (a == b).all()
a = np.load('pp.npy'); b = np.loadtxt('pp.txt', delimiter=',', dtype=np.float32)
assert a.dtype == np.float32 and a.shape == (1797, 10) and (a == b).all()
" && ok "--format npy: labels (int64) and --probs (float32) equal the text output" || bad "--format npy labels/probs"
"$NN" predict csv.bin xy.csv --label-col last --format npy >q.npy 2>/dev/null && cmp -s q.npy p.npy && ok "--format npy from CSV input (streamed)" || bad "--format npy from CSV"
printf 'a,b,c\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n11,12,y\n' >n.csv
"$NN" train --train n.csv --label-col c --epochs 2 --out n.bin --quiet 2>/dev/null && "$NN" predict n.bin n.csv --format npy >n.npy 2>/dev/null && "$NN" predict n.bin n.csv --no-header >n.txt 2>/dev/null &&
$PY -c "
import numpy as np
a = np.load('n.npy'); b = open('n.txt').read().split()
assert a.dtype.kind == 'U' and list(a) == b, (a, b)
" && ok "--format npy: class names as a text array" || bad "--format npy names"
"$NN" train --train "$top/data/cars.csv" --target Miles_per_Gallon --ignore Name --epochs 20 --out cars.bin --quiet 2>/dev/null
"$NN" predict cars.bin "$top/data/cars.csv" --format npy >v.npy 2>/dev/null && "$NN" predict cars.bin "$top/data/cars.csv" --no-header >v.txt 2>/dev/null &&
$PY -c "
import numpy as np
a = np.load('v.npy'); b = np.loadtxt('v.txt')
assert a.dtype == np.float64 and a.shape == b.shape and np.allclose(a, b, rtol=1e-8, atol=0)
" && ok "--format npy: regression values (float64) equal the text output" || bad "--format npy regression"
expect "--format npy with --top" 2 "--format npy writes one array .*--top is for csv, tsv and json" "$NN" predict csv.bin x_lef4.npy --format npy --top 2
"$NN" predict csv.bin bad_hlen.npy --format npy >x.npy 2>/dev/null; [ $? = 1 ] && [ ! -s x.npy ] && ok "--format npy writes nothing on an error" || bad "--format npy wrote on error"

# ---- a regression's int8 header measured on NumPy data; a binary model's --probs --format npy ----
"$NN" train --train x_lef4.npy --train-labels y_f8.npy --epochs 30 --out reg.bin --quiet 2>/dev/null
"$NN" export reg.bin --c rq.h --prefix nn --int8 --test x_lef4.npy --labels y_f8.npy 2>err
fr=$(sed -n 's/.*float RMSE \([0-9.]*\), int8 RMSE.*/\1/p' err); er=$("$NN" eval reg.bin x_lef4.npy --labels y_f8.npy | sed -n 's/.*rmse \([0-9.]*\) .*/\1/p;q')
[ -n "$fr" ] && [ "$fr" = "$er" ] && ok "export --test: a regression's float RMSE ($fr) is eval's" || bad "export --test RMSE '$fr' vs eval '$er': $(cat err)"
awk -F, '{print $0 "," ($65 < 5 ? 0 : 1)}' xy.csv | cut -d, -f1-64,66 >bin.csv
"$NN" train --train bin.csv --label-col last --layers 64-16-1 --epochs 3 --out bin.bin --quiet 2>/dev/null
$PY -c "import numpy as np; np.save('xd.npy', np.loadtxt('x.csv', delimiter=',', dtype=np.float32))"
"$NN" predict bin.bin xd.npy --probs --format npy >pb.npy && $PY -c "import numpy as np; assert np.load('pb.npy').shape == (1797, 1)" &&
    ok "--probs --format npy of a one-output model: (rows, 1), as ONNX's probs" || bad "binary --probs npy shape"

# ---- a model of numbers under a header of names takes NumPy rows by position ----------------
{ printf 'p%d,' $(seq 0 63); echo digit; cat xy.csv; } >xyh.csv
"$NN" train --train xyh.csv --label-col last --epochs 2 --threads 1 --quiet --out named.bin
"$NN" predict named.bin x_lef4.npy >nn1.out 2>nn1.err && "$NN" predict named.bin <(echo "$(printf 'p%d,' $(seq 0 62))p63"; cat x.csv) | tail -n +2 | cmp -s - nn1.out &&
    "$NN" info named.bin | grep -q '^table: 65 columns' &&
    ok "a model that keeps column names (p0..p63, digit): NumPy rows by position, the answers of the CSV" || bad "named model, NumPy: $(head -c 300 nn1.err)"
awk -F, '{ s = 0; for (i = 1; i <= 4; i++) s += $i; print $0 "," s }' x.csv | head -300 >xr.csv
{ echo a,b,c,d,$(seq -s, 5 64 | sed 's/[0-9]*/p&/g'),t; cat xr.csv; } >xrh.csv
"$NN" train --train xrh.csv --target t --epochs 3 --threads 1 --quiet --out reg.bin
$PY -c "import numpy as np; np.save('xr.npy', np.loadtxt('xr.csv', delimiter=',')[:, :64])" &&
    "$NN" predict reg.bin xr.npy >nr1.out 2>nr1.err && { head -1 xrh.csv | cut -d, -f1-64; cut -d, -f1-64 xr.csv; } | "$NN" predict reg.bin - | tail -n +2 | cmp -s - nr1.out &&
    ok "a regression model of a table of numbers: NumPy rows by position, the answers of the CSV" || bad "regression table, NumPy: $(head -c 300 nr1.err)"
$PY -c "import numpy as np; np.save('x65.npy', np.loadtxt('xr.csv', delimiter=','))"
expect "NumPy rows one value too wide for a table model: said per row, not per image" 1 "x65.npy: 65 values per row, but the model takes 64" "$NN" predict reg.bin x65.npy

summary numpy
