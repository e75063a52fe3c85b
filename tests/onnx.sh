#!/bin/bash
# ONNX export: models checked by python3-onnx's checker (full check, IR >= 7,
# opset >= 13) and run by ONNX Runtime (the npm package onnxruntime-node)
# against nn predict: a sigmoid textbook network, ReLU/leaky/softmax on
# standardised inputs, tanh, a binary one, convolutional ones (1 and 3
# channels), a regression, a table's encoded inputs, and the textbook's
# network on Fashion-MNIST's 10,000 test images: the same labels, outputs
# within 1e-5; the metadata (layers, task, scaling, class names).  Needs
# python3-numpy, python3-onnx, node and onnxruntime-node in $NN_ORT_DIR (or
# ~/.cache/nn-ort); skipped without them.  Nothing is installed from here.
# Usage: tests/onnx.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1 # outputs that an nn might wrongly create (a file named '-') land here
D=$top/data/digits.csv
export CARS=$top/data/cars.csv
if ! find_python numpy onnx; then
    skip "onnx: every ONNX test" "python3 with numpy and onnx is not installed" "python3 python3-numpy python3-onnx"
    summary onnx
    exit
fi
if ! find_ort; then
    skip "onnx: every ONNX Runtime test" "node or onnxruntime-node is not there (NN_ORT_DIR='${NN_ORT_DIR:-}')" "$ORT_HINT"
    summary onnx
    exit
fi
# ---- the data as CSV and NumPy, and the models ----------------------------------------------
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
printf 'a,b,c\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n11,12,y\n' >n.csv
"$NN" train --train n.csv --label-col c --epochs 2 --out n.bin --quiet 2>/dev/null
"$NN" train --train "$top/data/cars.csv" --target Miles_per_Gallon --ignore Name --epochs 20 --out cars.bin --quiet 2>/dev/null

# ---- ONNX: checker and ONNX Runtime against nn ----------------------------------------------
onnx_check() { # onnx_check NAME MODEL X.npy: checker, then ORT vs nn predict
    local name=$1 m=$2 x=$3
    rm -f o.onnx
    if ! "$NN" export "$m" --onnx o.onnx 2>err; then
        bad "$name: export --onnx: $(cat err)"
        return
    fi
    if ! $PY -c "import onnx; m = onnx.load('o.onnx'); onnx.checker.check_model(m, full_check=True); assert m.ir_version >= 7 and m.opset_import[0].version >= 13" 2>err; then
        bad "$name: onnx.checker: $(tail -2 err)"
        return
    fi
    if ! node "$top/tests/onnx_run.js" "$ORT" o.onnx "$x" >ort.csv 2>err; then
        bad "$name: onnxruntime-node: $(tail -2 err)"
        return
    fi
    "$NN" predict "$m" "$x" $4 >nn1.csv 2>/dev/null
    [ -z "$4" ] || "$NN" predict "$m" "$x" >nnl.csv 2>/dev/null
    if $PY -c "
import numpy as np, sys
o = np.loadtxt('ort.csv', delimiter=',', ndmin=2); p = np.loadtxt('nn1.csv', delimiter=',', ndmin=2)
if '$4':
    l = np.loadtxt('nnl.csv', ndmin=1)
    assert (o[:, 0] == l).all(), 'labels differ on %d rows' % (o[:, 0] != l).sum()
    o = o[:, 1:]
d = np.abs(o - p).max() if '$4' else (np.abs(o - p) / np.maximum(1, np.abs(p))).max()
assert d <= 1e-5, 'largest difference %g' % d
print('%d rows, largest difference %.2g' % (len(o), d))
" >cmp.txt 2>&1; then ok "$name: onnx.checker passes; ONNX Runtime: $(cat cmp.txt)"; else bad "$name: $(tail -1 cmp.txt)"; fi
}
$PY -c "import numpy as np; np.save('xd.npy', np.loadtxt('x.csv', delimiter=',', dtype=np.float32))"
onnx_check "ONNX sigmoid textbook net (digits, 64-30-10, /16)" csv.bin xd.npy --probs
"$NN" train --train xy.csv --label-col last --layers 64-40relu-20leaky-10softmax --standardize --epochs 5 --eta 0.1 --out rs.bin --quiet 2>/dev/null
onnx_check "ONNX ReLU/leaky/softmax net, standardised inputs" rs.bin xd.npy --probs
"$NN" train --train xy.csv --label-col last --layers 64-20tanh-10softmax --epochs 3 --eta 0.1 --out th.bin --quiet 2>/dev/null
onnx_check "ONNX tanh/softmax net" th.bin xd.npy --probs
awk -F, '{print $0 "," ($65 < 5 ? 0 : 1)}' xy.csv | cut -d, -f1-64,66 >bin.csv
"$NN" train --train bin.csv --label-col last --layers 64-16-1 --epochs 3 --out bin.bin --quiet 2>/dev/null
onnx_check "ONNX binary net (one sigmoid output, label = p > 0.5)" bin.bin xd.npy --probs
"$NN" train --train x_lef4.npy --train-labels y.npy --layers 1x8x8-8c3p1-mp2-6c3leaky-ap2-20-10 --epochs 3 --out cv.bin --quiet 2>/dev/null
onnx_check "ONNX convolutional net (conv, max and average pools)" cv.bin xd.npy --probs
# inference's Winograd convolutions (3x3 over 16 and 17 channels) on odd outputs (7x7, 5x5): tiles over the edge
"$NN" train --train x_lef4.npy --train-labels y.npy --layers 1x8x8-16c2-17c3p1-12c3-10 --epochs 3 --out cvo.bin --quiet 2>/dev/null
onnx_check "ONNX convolutional net with odd-sized 3x3 outputs (7x7, 5x5)" cvo.bin xd.npy --probs
$PY -c "import numpy as np; np.save('xrgb.npy', np.load('x_nhwc.npy').reshape(1797, -1))"
"$NN" train --train x_nhwc.npy --train-labels y.npy --layers 3x8x8-5c3p1-mp2-10 --epochs 2 --out rgb.bin --quiet 2>/dev/null
onnx_check "ONNX 3-channel convolutional net (channel-last rows)" rgb.bin xrgb.npy --probs
"$NN" train --train x_lef4.npy --train-labels y_f8.npy --epochs 30 --out reg.bin --quiet 2>/dev/null
onnx_check "ONNX regression (standardised in and out)" reg.bin xd.npy ""
"$NN" train --train xy.csv --label-col last --layers 64-ple6-20relu-10softmax --standardize --epochs 5 --eta 0.1 --out ple.bin --quiet 2>/dev/null
onnx_check "ONNX piecewise-linear encoding (Gather, Sub, Mul, Max, Min; inputs of few values)" ple.bin xd.npy --probs
"$NN" train --train xy.csv --label-col last --layers 64-40-bn-20-bnrelu-10softmax --standardize --optimizer adam --eta 0.01 --epochs 4 --out bn.bin --quiet 2>/dev/null
onnx_check "ONNX batch normalisation after dense layers (BatchNormalization on (N, C))" bn.bin xd.npy --probs
"$NN" train --train x_lef4.npy --train-labels y.npy --layers 1x8x8-8c3p1-bn-mp2-6c3-bnleaky-ap2-20-bn-10 --epochs 3 --out cbn.bin --quiet 2>/dev/null
onnx_check "ONNX batch normalisation after convolutions (BatchNormalization on NCHW)" cbn.bin xd.npy --probs
"$NN" train --train x_lef4.npy --train-labels y_f8.npy --layers 64-ple4-16tanh-ple3-1linear --epochs 20 --out reg2.bin --quiet 2>/dev/null
onnx_check "ONNX regression with two piecewise-linear encodings (of the input, of a hidden layer)" reg2.bin xd.npy ""
"$NN" train --train xy.csv --label-col last --layers 64-ple5v-20relu-10softmax --standardize --epochs 5 --eta 0.1 --out plev.bin --quiet 2>/dev/null
onnx_check "ONNX piecewise-linear encoding with each value first (ple5v: 6 values an input)" plev.bin xd.npy --probs
"$NN" train --train xy.csv --label-col last --layers 64-ple4-20relu-10softmax --standardize --ensemble 3 --epochs 3 --eta 0.1 --out ens.bin --quiet 2>/dev/null
onnx_check "ONNX ensemble of 3 networks (each from the mapped input, then Mean)" ens.bin xd.npy --probs
"$NN" train --train x_lef4.npy --train-labels y_f8.npy --ensemble 4 --epochs 10 --out ensr.bin --quiet 2>/dev/null
onnx_check "ONNX ensemble of 4 regression networks" ensr.bin xd.npy ""
# a table: the ONNX input is the encoded row that metadata input_features describes
"$NN" export cars.bin --onnx cars.onnx 2>/dev/null && $PY - <<'PY' && node "$top/tests/onnx_run.js" "$ORT" cars.onnx carsx.npy >ort.csv 2>err &&
import onnx, json, csv, numpy as np
m = onnx.load('cars.onnx'); onnx.checker.check_model(m, full_check=True)
feats = json.loads({e.key: e.value for e in m.metadata_props}['input_features'])
assert [f['column'] for f in feats][:2] == ['Cylinders', 'Displacement'] and sum('category' in f for f in feats) == 3, feats
rows, X = [], []
for r in csv.DictReader(open(__import__('os').environ['CARS'])):
    if any(r[f['column']] == '' for f in feats) or r['Miles_per_Gallon'] == '':
        continue
    X.append([float(r[f['column']]) if 'fill' in f else float(r[f['column']] == f['category']) for f in feats])
    rows.append(','.join(r[c] for c in r))
np.save('carsx.npy', np.array(X, dtype=np.float32))
open('cars_full.csv', 'w').write(','.join(csv.DictReader(open(__import__('os').environ['CARS'])).fieldnames) + '\n' + '\n'.join(rows) + '\n')
PY
"$NN" predict cars.bin cars_full.csv --no-header >nnv.csv 2>/dev/null && $PY -c "
import numpy as np
o = np.loadtxt('ort.csv'); p = np.loadtxt('nnv.csv')
d = (np.abs(o - p) / np.maximum(1, np.abs(p))).max(); assert len(o) > 380 and d <= 1e-5, d; print('%d rows, largest difference %.2g' % (len(o), d))" >cmp.txt 2>&1 &&
    ok "ONNX table regression (cars.csv): rows encoded as input_features says give nn's values: $(cat cmp.txt)" || bad "ONNX table model: $(cat err cmp.txt 2>/dev/null | tail -3)"
"$NN" export csv.bin --onnx meta.onnx && $PY -c "
import onnx; m = onnx.load('meta.onnx'); p = {e.key: e.value for e in m.metadata_props}
assert p['layers'] == '64-30sigmoid-10sigmoid' and p['task'] == 'classification' and p['input_divisor'] == '16' and p['eta'] == '3', p
i = m.graph.input[0].type.tensor_type.shape.dim; assert i[0].dim_param == 'N' and i[1].dim_value == 64
" && ok "ONNX metadata (layers, task, scaling, training settings) and a dynamic batch" || bad "ONNX metadata"
"$NN" export n.bin --onnx names.onnx 2>/dev/null && $PY -c "
import onnx, json; m = onnx.load('names.onnx'); p = {e.key: e.value for e in m.metadata_props}
assert json.loads(p['class_names']) == ['x', 'y'], p
" && ok "ONNX class names as metadata (JSON)" || bad "ONNX class names"

# ---- the textbook's network on Fashion-MNIST (784-30-10, sigmoid, 30 epochs): ONNX Runtime on the
# 10,000 test images (the data unpacked from dataset-fashion-mnist when data/ lacks it)
if find_fashion; then
    "$NN" train --layers 784-30-10 --eta 3.0 --batch 10 --epochs 30 --train "$top/data/train-images-idx3-ubyte" --out t1.bin --quiet
    $PY -c "
import numpy as np
b = open('$top/data/t10k-images-idx3-ubyte', 'rb').read()
np.save('fx.npy', np.frombuffer(b[16:], dtype=np.uint8).reshape(10000, 784).astype(np.float32))"
    onnx_check "ONNX textbook network on Fashion-MNIST's 10,000 test images" t1.bin fx.npy --probs
else
    skip "onnx: the textbook network on Fashion-MNIST" "no Fashion-MNIST in data/ nor in ${NN_FASHION_DIR:-/usr/share/datasets/fashion-mnist}" "$FASHION_HINT"
fi

summary onnx
