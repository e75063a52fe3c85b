#!/bin/bash
# gzip/DEFLATE tests: nn's inflater against gzip -1..-9 on varied data, the
# real Fashion-MNIST files against zcat byte for byte, hand-made stored and
# fixed blocks, multi-member files, and corrupt or truncated streams.
# The Fashion-MNIST tests read dataset-fashion-mnist's .gz files
# ($NN_FASHION_DIR, by default /usr/share/datasets/fashion-mnist) and are
# skipped without them.
# Usage: tests/gzip.sh GUNZIP_TOOL NN   (GUNZIP_TOOL: tests/gunzip_tool.c built)
set -u
G=$1 NN=$2
G=$(cd "$(dirname "$G")" && pwd)/$(basename "$G")
. "$(dirname "$0")/lib.sh"
F=${NN_FASHION_DIR:-/usr/share/datasets/fashion-mnist}

# varied inputs
head -c 300000 /dev/urandom >"$T/random"
: >"$T/empty"
printf x >"$T/one"
head -c 1000000 /dev/zero >"$T/zeros"
cp "$top/data/digits.csv" "$T/text"
awk 'BEGIN{for(i=0;i<200000;i++) printf "%d,%d\n", i%97, (i*7919)%1000}' >"$T/numbers"
{ head -c 5000 /dev/urandom; head -c 70000 /dev/zero; cat "$top/data/iris.csv"; head -c 3000 /dev/urandom; } >"$T/mixed"
for f in random empty one zeros text numbers mixed; do
    good=1
    for l in 1 2 3 4 5 6 7 8 9; do
        gzip -$l -c "$T/$f" >"$T/$f.gz"
        "$G" "$T/$f.gz" >"$T/out" 2>"$T/err" && cmp -s "$T/out" "$T/$f" || { good=0; bad "gzip -$l $f: $(cat "$T/err")"; }
    done
    [ $good = 1 ] && ok "gzip -1..-9 of $f ($(wc -c <"$T/$f") bytes) inflate exactly"
done

# the real data, against zcat
if [ -f "$F/t10k-images-idx3-ubyte.gz" ]; then
    for f in "$F"/*.gz; do
        if "$G" "$f" | cmp -s - <(zcat "$f"); then ok "$(basename "$f") equals zcat's output"; else bad "$(basename "$f") differs from zcat"; fi
    done
else
    skip "gzip: Fashion-MNIST's .gz files against zcat" "no $F/*.gz" "$FASHION_HINT"
fi

# hand-made streams: header, deflate data, CRC-32, ISIZE
hdr='\037\213\010\000\000\000\000\000\000\003'
printf "$hdr"'\001\005\000\372\377hello\206\246\020\066\005\000\000\000' >"$T/stored.gz"
"$G" "$T/stored.gz" | cmp -s - <(printf hello) && ok "hand-made stored block" || bad "hand-made stored block"
printf "$hdr"'\003\000\000\000\000\000\000\000\000\000' >"$T/fixed-empty.gz"
"$G" "$T/fixed-empty.gz" >"$T/out" && [ ! -s "$T/out" ] && ok "hand-made empty fixed-Huffman block" || bad "empty fixed block"
printf 'hello' | gzip -9 -n >"$T/fixed.gz"
"$G" "$T/fixed.gz" | cmp -s - <(printf hello) && ok "short fixed-Huffman stream" || bad "short fixed stream"
printf "$hdr"'\000\003\000\374\377hel\001\002\000\375\377lo\206\246\020\066\005\000\000\000' >"$T/stored2.gz"
"$G" "$T/stored2.gz" | cmp -s - <(printf hello) && ok "two stored blocks" || bad "two stored blocks"
printf "$hdr"'\000\000\000\377\377\001\005\000\372\377hello\206\246\020\066\005\000\000\000' >"$T/empty-first.gz"
"$G" "$T/empty-first.gz" | cmp -s - <(printf hello) && ok "an empty stored block before any output (found by fuzzing: NULL + 0)" || bad "empty first stored block"
printf '\037\213\010\010\000\000\000\000\000\003name.txt\000\001\005\000\372\377hello\206\246\020\066\005\000\000\000' >"$T/named.gz"
"$G" "$T/named.gz" | cmp -s - <(printf hello) && ok "header with a file name" || bad "FNAME header"
cat "$T/text.gz" "$T/one.gz" "$T/numbers.gz" >"$T/multi.gz"
"$G" "$T/multi.gz" | cmp -s - <(cat "$T/text" "$T/one" "$T/numbers") && ok "multi-member file" || bad "multi-member"

# malformed: each must fail with status 1 and a message, never crash
expect_bad() { # NAME FILE PATTERN
    "$G" "$2" >/dev/null 2>"$T/err"
    local rc=$?
    if [ $rc = 1 ] && grep -qE -- "$3" "$T/err"; then ok "$1"; else bad "$1: exit $rc, $(cat "$T/err")"; fi
}
printf "$hdr"'\001\005\000\372\376hello\206\246\020\066\005\000\000\000' >"$T/nlen.gz"
expect_bad "stored block with a bad complement" "$T/nlen.gz" "complement"
printf "$hdr"'\007\000\000\000\000\000\000\000\000\000' >"$T/type3.gz"
expect_bad "block type 3" "$T/type3.gz" "invalid block type|ends"
printf "$hdr"'\001\005\000\372\377hello\206\246\020\067\005\000\000\000' >"$T/crc.gz"
expect_bad "CRC-32 mismatch" "$T/crc.gz" "CRC-32 mismatch"
printf "$hdr"'\001\005\000\372\377hello\206\246\020\066\006\000\000\000' >"$T/isize.gz"
expect_bad "length mismatch" "$T/isize.gz" "length mismatch"
printf '\037\213\010\340\000\000\000\000\000\003' >"$T/flags.gz"
expect_bad "reserved flags" "$T/flags.gz" "flags"
printf '\037\213\010\010\000\000\000\000\000\003noend' >"$T/noname.gz"
expect_bad "unterminated file name" "$T/noname.gz" "unterminated|truncated"
cat "$T/text.gz" >"$T/garbage.gz"; printf 'junk at the end, long enough' >>"$T/garbage.gz"
expect_bad "trailing garbage" "$T/garbage.gz" "not a gzip header"
# a fixed block whose first symbol is a match (length 3, distance 1) with nothing before it
printf "$hdr"'\003\002\000\000\000\000\000\000\000\000\000' >"$T/far.gz"
expect_bad "distance before the start" "$T/far.gz" "before the start"
size=$(wc -c <"$T/text.gz")
cut_ok=1
for n in 1 5 10 11 20 100 1000 $((size / 2)) $((size - 9)) $((size - 4)) $((size - 1)); do
    head -c $n "$T/text.gz" >"$T/cut.gz"
    "$G" "$T/cut.gz" >/dev/null 2>"$T/err"
    [ $? = 1 ] || { cut_ok=0; bad "truncated at $n bytes: not an error"; }
done
[ $cut_ok = 1 ] && ok "truncated at 11 places: each an error"
flip_ok=1
for off in 30 100 500 1000 5000 20000 $((size / 2)) $((size - 8)) $((size - 3)); do
    cp "$T/text.gz" "$T/flip.gz"
    printf '\125' | dd of="$T/flip.gz" bs=1 seek=$off conv=notrunc 2>/dev/null
    cmp -s "$T/flip.gz" "$T/text.gz" && continue
    "$G" "$T/flip.gz" >/dev/null 2>"$T/err"
    [ $? = 1 ] || { flip_ok=0; bad "byte $off changed: not detected"; }
done
[ $flip_ok = 1 ] && ok "a changed byte in the compressed data or trailer is always an error"

# through nn: IDX and CSV, files and stdin, labels found beside
if [ -f "$F/t10k-images-idx3-ubyte.gz" ] && find_fashion; then
    "$NN" train --train "$top/data/t10k-images-idx3-ubyte" --epochs 1 --quiet --out "$T/m.bin"
    a=$("$NN" eval "$T/m.bin" "$top/data/t10k-images-idx3-ubyte")
    b=$("$NN" eval "$T/m.bin" "$F/t10k-images-idx3-ubyte.gz")
    [ -n "$a" ] && [ "$a" = "$b" ] && ok "nn eval on .gz IDX (labels .gz found beside) = unpacked: $b" || bad "eval gz: '$a' vs '$b'"
    "$NN" predict "$T/m.bin" - <"$F/t10k-images-idx3-ubyte.gz" | cmp -s - <("$NN" predict "$T/m.bin" "$top/data/t10k-images-idx3-ubyte") &&
        ok "nn predict on gzip from stdin" || bad "predict gz stdin"
else
    skip "gzip: nn eval and predict on Fashion-MNIST's .gz IDX files" "no $F/*.gz" "$FASHION_HINT"
fi
gzip -c "$top/data/digits.csv" >"$T/digits.csv.gz"
"$NN" train --train "$T/digits.csv.gz" --label-col last --holdout 297 --quiet --out "$T/d.bin" &&
    "$NN" eval "$T/d.bin" "$T/digits.csv.gz" --label-col last | grep -q accuracy && ok "gzip CSV for train and eval" || bad "gzip CSV"
"$NN" eval "$T/d.bin" "$T/cut.gz" --label-col last >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q "gzip member 1" "$T/err" && ok "nn reports a broken gzip file" || bad "nn broken gzip: $(cat "$T/err")"
gzip -c "$T/digits.csv.gz" >"$T/twice.gz"
"$NN" eval "$T/d.bin" "$T/twice.gz" --label-col last >"$T/out" 2>"$T/err"
[ $? = 1 ] && [ ! -s "$T/out" ] && grep -q "twice.gz: a gzip file inside a gzip file" "$T/err" && ok "a gzip inside a gzip: refused clearly" || bad "gzip in gzip: $(cat "$T/err")"
"$NN" predict "$T/d.bin" - <"$T/twice.gz" >"$T/out" 2>"$T/err"
[ $? = 1 ] && [ ! -s "$T/out" ] && grep -q "a gzip file inside a gzip file" "$T/err" && ok "predict: a gzip inside a gzip from a pipe: refused" || bad "predict gzip in gzip: $(cat "$T/err")"
# predict streams a gzip file's text as it inflates: little memory, the answers of the text, a
# corrupt stream's error after the rows before the damage
cut -d, -f1-64 "$top/data/digits.csv" >"$T/dx.csv"
"$NN" predict "$T/d.bin" "$T/dx.csv" >"$T/ref" 2>/dev/null
for i in 1 2 3 4 5 6 7 8; do cat "$T/dx.csv"; done | gzip -c >"$T/dx8.gz"
for i in 1 2 3 4 5 6 7 8; do cat "$T/ref"; done >"$T/ref8"
"$NN" predict "$T/d.bin" "$T/dx8.gz" >"$T/out" 2>"$T/err" && cmp -s "$T/out" "$T/ref8" && "$NN" predict "$T/d.bin" - <"$T/dx8.gz" | cmp -s - "$T/ref8" &&
    ok "predict on a gzip CSV of 14376 rows, file and pipe: the answers of the text" || bad "predict gzip CSV: $(head -c 200 "$T/err")"
yes 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 |
    head -n 1000000 | gzip -1 -c >"$T/big.gz" # 150 MB of text
want=$(head -1 "$T/dx.csv" | sed 's/.*/1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16/' | "$NN" predict "$T/d.bin" -)
if [ -z "${NN_TEST_SLOW:-}" ]; then # (the sanitizers reserve more address space than any limit)
    got=$(ulimit -v 120000; "$NN" predict "$T/d.bin" "$T/big.gz" 2>"$T/err" | sort | uniq -c)
    [ "$got" = "$(printf '%7d %s' 1000000 "$want")" ] && ok "predict on a gzip file of 150 MB of text within 120 MB of address space: a million answers" ||
        bad "predict big gzip in 120 MB: '$got' $(head -c 200 "$T/err")"
else
    got=$("$NN" predict "$T/d.bin" "$T/big.gz" 2>"$T/err" | sort | uniq -c)
    [ "$got" = "$(printf '%7d %s' 1000000 "$want")" ] && ok "predict on a gzip file of 150 MB of text: a million answers" || bad "predict big gzip: '$got' $(head -c 200 "$T/err")"
fi
size8=$(wc -c <"$T/dx8.gz")
cp "$T/dx8.gz" "$T/crc.gz" && printf '\125' | dd of="$T/crc.gz" bs=1 seek=$((size8 - 6)) conv=notrunc 2>/dev/null
"$NN" predict "$T/d.bin" "$T/crc.gz" >"$T/out" 2>"$T/err"
r=$?
n=$(wc -l <"$T/out")
[ $r = 1 ] && grep -q "crc.gz: gzip member 1: CRC-32 mismatch" "$T/err" && head -n "$n" "$T/ref8" | cmp -s - "$T/out" &&
    ok "predict on a gzip file whose CRC is wrong: the error, exit 1, no answer but the text's ($n rows before its last MiB)" || bad "predict CRC: exit $r $(cat "$T/err")"
head -c $(($(wc -c <"$T/big.gz") / 2)) "$T/big.gz" >"$T/half.gz"
"$NN" predict "$T/d.bin" "$T/half.gz" >"$T/out" 2>"$T/err"
r=$?
got=$(sort "$T/out" | uniq -c | awk '{ print $2 }') n=$(wc -l <"$T/out")
[ $r = 1 ] && grep -q "half.gz: gzip member 1: " "$T/err" && [ "$n" -gt 0 ] && [ "$n" -lt 1000000 ] && [ "$got" = "$want" ] &&
    ok "predict on a gzip file cut in half: the whole rows before the cut answered ($n), then the error, exit 1" || bad "predict half gzip: exit $r, $n rows, $(cat "$T/err")"

summary gzip
