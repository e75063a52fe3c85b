#!/bin/bash
# Reading IDX files (MNIST's format): a labels file found beside the images
# or given, every element type (u8, i8, i16, i32, f32, f64) giving the same
# answers, and the errors for a bad magic number, truncated data, trailing
# bytes, sizes larger than the file, unknown types, labels that do not fit
# the images, and a labels file given with CSV data.
# Usage: tests/idx.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1 # outputs that an nn might wrongly create (a file named '-') land here
D="$top/data/digits.csv"
printf '\0\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' >"$T/img-images-idx3-ubyte"
printf '\0\0\10\1\0\0\0\3\0\1\2' >"$T/img-labels-idx1-ubyte"
printf '\0\0\10\1\0\0\0\4\0\1\2\3' >"$T/four-labels"
printf '\1\0\10\3\0\0\0\3\0\0\0\2\0\0\0\2\1\2\3\4\5\6\7\10\11\12\13\14' >"$T/badmagic-idx"
head -c 27 "$T/img-images-idx3-ubyte" >"$T/trunc-images-idx3-ubyte"
printf '\0\0\10\3\377\377\377\377\377\377\377\377\377\377\377\377' >"$T/huge-idx"
printf '\0\0\12\3\0\0\0\1\0\0\0\1\0\0\0\1\0\0\0\0' >"$T/float-idx"

# ---- bad IDX files: data errors (exit 1) -----------------------------------------------
expect "idx bad magic" 1 "badmagic-idx: binary data \(a NUL byte at offset 1\), neither IDX, NumPy nor CSV text" "$NN" train --train "$T/badmagic-idx"
expect "idx truncated" 1 "trunc-images-idx3-ubyte: IDX header says 12 bytes of data, but the file has 11" "$NN" train --train "$T/trunc-images-idx3-ubyte" --train-labels "$T/img-labels-idx1-ubyte"
expect "idx huge dims" 1 "too large" "$NN" train --train "$T/huge-idx" --train-labels "$T/img-labels-idx1-ubyte"
expect "idx unknown type" 1 "type 0x0A is unknown" "$NN" train --train "$T/float-idx"
expect "idx label count" 1 "4 labels for 3 images" "$NN" train --train "$T/img-images-idx3-ubyte" --train-labels "$T/four-labels"
expect "idx labels as images" 1 "1 dimension" "$NN" train --train "$T/img-labels-idx1-ubyte"
cp "$T/img-images-idx3-ubyte" "$T/solo-images-idx3-ubyte"
expect "idx labels not found" 1 "need a labels file" "$NN" train --train "$T/solo-images-idx3-ubyte"
expect "idx labels beside found" 0 "saved" "$NN" train --train "$T/img-images-idx3-ubyte" --epochs 2 --out "$T/tiny.bin"
cp "$T/img-images-idx3-ubyte" "$T/trail-images-idx3-ubyte"; printf 'xx' >>"$T/trail-images-idx3-ubyte"
expect "idx trailing bytes" 1 "trailing bytes" "$NN" train --train "$T/trail-images-idx3-ubyte" --train-labels "$T/img-labels-idx1-ubyte"
printf '\0\0\10\3\0\0\0\0\0\0\0\2\0\0\0\2' >"$T/zero-images"
expect "idx with no items" 1 "no items" "$NN" train --train "$T/zero-images" --train-labels "$T/img-labels-idx1-ubyte"
printf '\0\0\10\2\0\0\0\3\0\1\0\0' >"$T/wide-images"
expect "idx sizes larger than the file" 1 "IDX header says 196608 bytes of data, but the file has 0" "$NN" train --train "$T/wide-images" --train-labels "$T/img-labels-idx1-ubyte"
printf '\0\0\10\2\0\0\0\3\0\0\0\1\1\2\3' >"$T/lab2"
expect "idx labels of rank 2" 1 "labels file must have 1 dimension" "$NN" train --train "$T/img-images-idx3-ubyte" --train-labels "$T/lab2"
head -c 10 "$T/img-labels-idx1-ubyte" >"$T/shortlab"
expect "idx labels truncated" 1 "shortlab: IDX header says 3 bytes" "$NN" train --train "$T/img-images-idx3-ubyte" --train-labels "$T/shortlab"
expect "labels for a csv" 1 "labels file goes with IDX or NumPy images only" "$NN" train --train "$D" --train-labels "$T/img-labels-idx1-ubyte"
expect "test width differs" 1 "has 4 features per row, but" "$NN" train --train "$D" --label-col last --test "$T/img-images-idx3-ubyte" --test-labels "$T/img-labels-idx1-ubyte"

# ---- every IDX element type: the same rows as u8, i8, i16, i32, f32, f64 ---------------
if command -v perl >/dev/null; then
    head -200 "$D" >"$T/d200.csv"
    for ty in C:8 c:9 s\>:11 l\>:12 f\>:13 d\>:14; do
        code=${ty%%:*} t=${ty##*:}
        perl -e '($c, $t, $f) = @ARGV; open F, $f; @r = map { chomp; [split /,/] } <F>;
            print pack("nCC", 0, $t, 3), pack("N3", scalar(@r), 8, 8); print pack("$c*", @$_[0..63]) for @r;' "$code" "$t" "$T/d200.csv" >"$T/t$t-images-idx3-ubyte"
        perl -e '($c, $t, $f) = @ARGV; open F, $f; @r = map { chomp; [split /,/] } <F>;
            print pack("nCC", 0, $t, 1), pack("N", scalar(@r)); print pack("$c", $_->[64]) for @r;' "$code" "$t" "$T/d200.csv" >"$T/t$t-labels-idx1-ubyte"
    done
    "$NN" train --train "$T/t8-images-idx3-ubyte" --epochs 5 --quiet --out "$T/ty.bin"
    "$NN" predict "$T/ty.bin" "$T/t8-images-idx3-ubyte" --probs >"$T/ty8"
    same=1
    for t in 9 11 12 13 14; do
        "$NN" predict "$T/ty.bin" "$T/t$t-images-idx3-ubyte" --probs | cmp -s - "$T/ty8" || { same=0; bad "IDX type $t predicts differently"; }
        a=$("$NN" eval "$T/ty.bin" "$T/t$t-images-idx3-ubyte") b=$("$NN" eval "$T/ty.bin" "$T/t8-images-idx3-ubyte")
        [ "$a" = "$b" ] || { same=0; bad "IDX type $t labels: '$a' vs '$b'"; }
    done
    [ $same = 1 ] && ok "IDX types 0x08 0x09 0x0B 0x0C 0x0D 0x0E: same images and labels, same answers"
    perl -e 'print pack("nCC", 0, 11, 2), pack("N2", 2, 2), pack("s>*", -300, 300, 0, 7)' >"$T/neg-images"
    perl -e 'print pack("nCC", 0, 14, 2), pack("N2", 2, 2), pack("d>*", -1.5, 0.25, 1e-3, 2)' >"$T/dbl-images"
    printf '\0\0\10\1\0\0\0\2\0\1' >"$T/two-labels"
    "$NN" train --train "$T/neg-images" --train-labels "$T/two-labels" --layers 2-2 --epochs 1 --quiet --out "$T/neg.bin" &&
        "$NN" info "$T/neg.bin" | grep -q "input divisor 300" && ok "signed 16-bit IDX: negative values read, scale from the largest |value|" || bad "i16 IDX"
    "$NN" train --train "$T/dbl-images" --train-labels "$T/two-labels" --layers 2-2 --epochs 1 --quiet --out "$T/dbl.bin" &&
        "$NN" info "$T/dbl.bin" | grep -q "input divisor 2" && ok "double IDX read" || bad "f64 IDX"
    perl -e 'print pack("nCC", 0, 13, 1), pack("N", 2), pack("f>*", 1.5, 0)' >"$T/frac-labels"
    expect "fractional IDX label" 1 "label 0 is 1.5, not a whole number" "$NN" train --train "$T/neg-images" --train-labels "$T/frac-labels"
else
    skip "idx: every IDX element type, made with perl" "perl is not installed" "perl"
fi

summary idx
