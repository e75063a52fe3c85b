#!/bin/bash
# What nn predict prints: one label per row, --probs, --top, --format csv,
# tsv and json, a header line when the input has one, --keep (read back by python3's csv and json modules, class names
# with separators, quotes, tabs and non-UTF-8 bytes exact); rows streamed
# through a pipe one by one; binary (one-output) models; and at a bad row,
# every line printed before it right, then exit 1 naming the file and line
# (a property checked on random rows with one malformed row anywhere).
# Usage: tests/predict.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1 # outputs that an nn might wrongly create (a file named '-') land here
# ---- fixtures ---------------------------------------------------------------
D="$top/data/digits.csv"
{
    echo sepal_length,sepal_width,petal_length,petal_width,species
    tail -n +2 "$top/data/iris.csv" | awk -F, 'BEGIN { split("setosa,versicolor,virginica", n, ",") } { print $1","$2","$3","$4","n[$5 + 1] }'
} >iris_named.csv
tail -n +2 "$top/data/iris.csv" >iris.csv # numbered classes, no header
tail -n +2 iris_named.csv | cut -d, -f1-4 >ifeat.csv
head -2 ifeat.csv >p2.csv
cut -d, -f1-64 "$D" >dfeat.csv
"$NN" train --train "$D" --label-col last --layers 64-30-10 --epochs 10 --threads 1 --quiet --out d.bin
"$NN" train --train iris_named.csv --label-col last --holdout 30 --epochs 10 --threads 1 --quiet --out iris.bin 2>/dev/null
"$NN" predict d.bin dfeat.csv >dref.txt
"$NN" predict d.bin dfeat.csv --probs >dprobs.txt
"$NN" predict iris.bin ifeat.csv >iref.txt
[ -s d.bin ] && [ -s iris.bin ] && [ "$(wc -l <dref.txt)" = 1797 ] || { bad "fixtures: cannot train the digits and iris models"; }

# ---- the header line and --keep: answers beside their rows ------------------------------------
# a headed input gets a header line (the label's name, class names for --probs), a headerless one none
awk -F, 'NR == 1 { print "id," $0; next } { printf "r%d,%s\n", NR - 1, $0 }' iris_named.csv >iris_id.csv
"$NN" train --train iris_id.csv --label-col species --ignore id --epochs 5 --threads 1 --quiet --out tid.bin 2>/dev/null
"$NN" predict tid.bin iris_id.csv >h1.out 2>/dev/null
"$NN" predict tid.bin iris_id.csv --no-header >h2.out 2>/dev/null
[ "$(head -1 h1.out)" = species ] && [ "$(wc -l <h1.out)" = 151 ] && tail -n +2 h1.out | cmp -s - h2.out && [ "$(wc -l <h2.out)" = 150 ] &&
    ok "a headed table: a header line naming the label, then 150 answers; --no-header: the answers alone" || bad "header: $(head -2 h1.out | tr '\n' ' ') $(wc -l <h1.out)"
"$NN" predict tid.bin iris_id.csv --probs >h3.out 2>/dev/null
[ "$(head -1 h3.out)" = "setosa,versicolor,virginica" ] && ok "predict --probs: the header names the classes" || bad "probs header: $(head -1 h3.out)"
"$NN" predict tid.bin iris_id.csv --top 2 --format tsv >h4.out 2>/dev/null
[ "$(head -1 h4.out)" = "$(printf 'label1\tp1\tlabel2\tp2')" ] && ok "predict --top 2 --format tsv: label1, p1, label2, p2" || bad "top header: $(head -1 h4.out)"
# --keep: the id beside each answer, as written; the same answers
"$NN" predict tid.bin iris_id.csv --keep id >k1.out 2>/dev/null
paste -d, <(cut -d, -f1 iris_id.csv) h1.out | cmp -s - k1.out && ok "predict --keep id: each row's id, then its answer, under 'id,species'" || bad "keep: $(head -3 k1.out | tr '\n' ' ')"
"$NN" predict tid.bin iris_id.csv --keep 1,sepal_width --format json >k2.out 2>/dev/null
[ "$(head -1 k2.out)" = "{\"schema\":\"nn-predict/1\",\"id\":\"r1\",\"sepal_width\":\"3.5\",\"label\":\"$(sed -n 2p h1.out)\"}" ] && [ "$(wc -l <k2.out)" = 150 ] &&
    ok "predict --keep 1,sepal_width --format json: fields by the header's names, no header line" || bad "keep json: $(head -1 k2.out)"
# the true label kept beside the prediction: the two columns told apart
"$NN" predict tid.bin iris_id.csv --keep species >k5.out 2>/dev/null
[ "$(head -1 k5.out)" = "species,predicted_species" ] && paste -d, <(cut -d, -f6 iris_id.csv | tail -n +2) h2.out | cmp -s - <(tail -n +2 k5.out) &&
    ok "predict --keep of the label column: 'species,predicted_species', the truth beside the answer" || bad "keep label: $(head -2 k5.out | tr '\n' ' ')"
sed '1s/species/label/' iris_id.csv >iris_lab.csv
"$NN" predict tid.bin iris_lab.csv --keep label --format json 2>/dev/null | head -1 >k6.out
[ "$(cat k6.out)" = "{\"schema\":\"nn-predict/1\",\"input_label\":\"setosa\",\"label\":\"$(sed -n 2p h1.out)\"}" ] &&
    ok "predict --keep label --format json: the kept column is input_label, the answer's key stays label" || bad "keep label json: $(cat k6.out)"
sed '1s/^id,/input_label,/' iris_lab.csv >iris_lab2.csv
expect "--keep label,input_label --format json: a key twice refused" 1 "--keep: two kept columns would both be the JSON field 'input_label'" "$NN" predict tid.bin iris_lab2.csv --keep input_label,label --format json
tail -n +2 iris_id.csv | "$NN" predict tid.bin - --keep 1 >k3.out 2>/dev/null
tail -n +2 k1.out | cmp -s - k3.out && ok "predict --keep 1 on rows without a header, through a pipe: no header line, the same lines" || bad "keep pipe: $(head -2 k3.out)"
printf 'id,sepal_length,sepal_width,petal_length,petal_width\n"a, ""quoted"" id",5.1,3.5,1.4,0.2\n' | "$NN" predict tid.bin - --keep id >k4.out 2>/dev/null
[ "$(sed -n 2p k4.out | cut -c1-19)" = '"a, ""quoted"" id",' ] && ok "predict --keep: a quoted id with a comma and quotes, quoted again" || bad "keep quoted: $(cat k4.out)"
expect "predict --keep a column that is not there: the header's names" 1 "--keep 'nope': no such column" "$NN" predict tid.bin iris_id.csv --keep nope
expect "predict --keep with --format npy: a usage error" 2 "--keep is for csv, tsv and json" sh -c "'$NN' predict tid.bin iris_id.csv --keep id --format npy >/dev/null"
gzip -c iris_id.csv >iris_id.csv.gz
"$NN" predict tid.bin iris_id.csv.gz --keep id >kgz.out 2>kgz.err && "$NN" predict tid.bin iris_id.csv --keep id | cmp -s - kgz.out &&
    ok "predict --keep on a gzip file: the same answers and ids as the CSV's (its text streamed)" || bad "--keep on gzip: $(head -c 200 kgz.err)"
# a bad first row: nothing on stdout, not even the header
printf 'id,sepal_length,sepal_width,petal_length,petal_width\nx,1,2,oops,4\n' >bad1.csv
expect "a bad first row of a headed input: no header line printed" 1 "bad1.csv:2" "$NN" predict tid.bin bad1.csv

have_py=0
find_python && have_py=1
# prefix NAME OUT REF: every line of OUT is the line of REF at its place.
prefix() {
    local n
    n=$(wc -l <"$2")
    if head -n "$n" "$3" | cmp -s - "$2"; then
        ok "$1 ($n lines, all right)"
    else
        bad "$1: line $(cmp "$2" <(head -n "$n" "$3") 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p') differs from the row predicted alone"
    fi
}

# ---- predict on the digits -------------------------------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/dh.bin" 2>"$T/log"
cut -d, -f1-64 "$D" >"$T/feat.csv"
"$NN" predict "$T/dh.bin" "$T/feat.csv" >"$T/p1" && [ "$(wc -l <"$T/p1")" = 1797 ] && ok "predict prints one label per row" || bad "predict line count"
"$NN" predict "$T/dh.bin" - <"$T/feat.csv" >"$T/p2" && cmp -s "$T/p1" "$T/p2" && ok "predict from stdin" || bad "predict from stdin"
"$NN" predict "$T/dh.bin" "$T/feat.csv" --probs >"$T/q1" && "$NN" predict "$T/dh.bin" "$T/feat.csv" --probs --threads 1 >"$T/q2" &&
    cmp -s "$T/q1" "$T/q2" && [ "$(head -1 "$T/q1" | tr ',' '\n' | wc -l)" = 10 ] && ok "predict --probs: 10 columns, same with 1 thread" || bad "predict --probs"
"$NN" predict "$T/dh.bin" "$D" --label-col last >"$T/p3" && cmp -s "$T/p1" "$T/p3" && ok "predict skips a label column" || bad "predict --label-col"
# streaming: each answer must come back before the next row is written
mkfifo "$T/fin" "$T/fout"
"$NN" predict "$T/dh.bin" - <"$T/fin" >"$T/fout" 2>/dev/null &
exec 3>"$T/fin" 4<"$T/fout"
streamed=0
for r in 1 2 3; do
    sed -n "${r}p" "$T/feat.csv" >&3
    if IFS= read -r -t ${STREAM_WAIT:-10} ans <&4 && [ "$ans" = "$(sed -n "${r}p" "$T/p1")" ]; then streamed=$((streamed + 1)); fi
done
exec 3>&- 4<&-
wait
[ $streamed = 3 ] && ok "predict streams row by row through a pipe" || bad "streaming: $streamed of 3 answers came back in time"
"$NN" predict "$T/dh.bin" "$top/data/../data/digits.csv" --label-col last --probs >/dev/null && ok "predict --probs with --label-col" || bad "predict --probs --label-col"
{ head -5 "$T/feat.csv"; echo "1,2,x"; } | "$NN" predict "$T/dh.bin" - >"$T/partial" 2>"$T/err"
[ $? = 1 ] && grep -q '(stdin):6: ' "$T/err" && [ "$(wc -l <"$T/partial")" = 5 ] && ok "predict reports the bad line" || bad "predict bad line: $(cat "$T/err")"
expect "predict wrong width hints label" 1 "see --label-col" "$NN" predict "$T/dh.bin" "$D"
"$NN" predict "$T/dh.bin" "$T/feat.csv" --top 3 >"$T/top" && [ "$(head -1 "$T/top" | tr ',' '\n' | wc -l)" = 6 ] &&
    [ "$(cut -d, -f1 "$T/top")" = "$(cat "$T/p1")" ] && ok "predict --top 3: three label,activation pairs, the first the predicted label" || bad "--top"
"$NN" predict "$T/dh.bin" "$T/feat.csv" --top 2 --format tsv | head -1 | awk -F'\t' '{exit !(NF==4)}' && ok "predict --format tsv" || bad "tsv"
"$NN" predict "$T/dh.bin" "$T/feat.csv" --format json | head -2 >"$T/js" && grep -qE '^\{"schema":"nn-predict/1","label":[0-9]\}$' "$T/js" && ok "predict --format json: one object per line" || bad "json: $(cat "$T/js")"
"$NN" predict "$T/dh.bin" "$T/feat.csv" --format json --top 2 | head -1 | grep -qE '^\{"schema":"nn-predict/1","label":[0-9],"top":\[\{"label":[0-9],"p":[0-9.e-]+\},\{"label":[0-9],"p":[0-9.e-]+\}\]\}$' && ok "predict --format json --top 2" || bad "json top"
if [ $have_py = 1 ]; then
    "$NN" predict "$T/dh.bin" "$T/feat.csv" --format json --probs | $PY -c 'import json,sys; [json.loads(l) for l in sys.stdin]' && ok "predict --format json --probs: the lines parse as JSON" || bad "JSON does not parse"
else
    skip "predict: --format json parsed by python3" "python3 is not installed" "python3"
fi
expect "predict --top with --probs: a usage error" 2 "--probs or --top" "$NN" predict "$T/dh.bin" "$T/feat.csv" --top 2 --probs
expect "predict --format xml: a usage error" 2 "--format 'xml'" "$NN" predict "$T/dh.bin" "$T/feat.csv" --format xml

# ---- predict: the lines before a bad row are right ----------------------------
(head -100 dfeat.csv; echo 1,2,3) >b100.csv
"$NN" predict d.bin b100.csv >out 2>err
rc=$?
[ $rc = 1 ] && grep -q 'b100.csv:101' err && prefix "predict: wrong column count on line 101; lines before it" out dref.txt ||
    bad "predict, bad line 101: exit $rc, stderr $(head -c 200 err)"
awk -F, 'NR == 70 { $3 = "x" } { print }' OFS=, <(head -100 dfeat.csv) >b70.csv
"$NN" predict d.bin b70.csv --probs >out 2>err
rc=$?
[ $rc = 1 ] && grep -q 'b70.csv:70: column 3' err && prefix "predict --probs: a non-number on line 70 column 3; lines before it" out dprobs.txt ||
    bad "predict --probs, bad field on line 70: exit $rc, stderr $(head -c 200 err)"
for _ in 1 2 3 4 5 6; do cat dfeat.csv; done >big.csv
cp big.csv bigbad.csv && echo 1,2,3 >>bigbad.csv
for _ in 1 2 3 4 5 6; do cat dref.txt; done >bigref.txt
"$NN" predict d.bin bigbad.csv --threads 2 >out 2>err
rc=$?
[ $rc = 1 ] && grep -q 'bigbad.csv:10783' err && prefix "predict, 2 threads, 10782 rows then a bad one; lines before it" out bigref.txt ||
    bad "predict, big file: exit $rc, stderr $(head -c 200 err)"
(head -5 dfeat.csv; echo 1,2,3) | "$NN" predict d.bin - --probs >out 2>err
rc=$?
[ $rc = 1 ] && grep -q '(stdin):6' err && [ -s out ] && prefix "predict - --probs from a pipe, bad line 6; lines before it" out dprobs.txt ||
    bad "predict from a pipe: exit $rc, stderr $(head -c 200 err), $(wc -l <out) lines"

# ---- one malformed row among random valid ones ---------------------------------
# the property's reference is the row predicted alone; check on 12 rows that
# the whole file gives the same answers, then use the whole file's answers
"$NN" predict d.bin dfeat.csv >all.lab
"$NN" predict d.bin dfeat.csv --probs >all.p
alone=1
for i in 1 2 64 65 66 128 129 500 1000 1500 1796 1797; do
    [ "$(sed -n "${i}p" dfeat.csv | "$NN" predict d.bin - --probs)" = "$(sed -n "${i}p" all.p)" ] || alone=0
done
[ $alone = 1 ] && [ "$(wc -l <all.lab)" = 1797 ] && ok "12 rows predicted alone: the same answers as in the whole file" || bad "rows predicted alone differ from the whole file"

# badrow KIND ROW: ROW (64 numbers) made malformed in one of 7 ways
badrow() {
    case $1 in
    0) echo "$2" | cut -d, -f1-63 ;;                     # a column short
    1) echo "$2,7" ;;                                    # a column more
    2) echo "$2" | awk -F, -v OFS=, '{ $10 = "x" } 1' ;;  # not a number
    3) echo "$2" | awk -F, -v OFS=, '{ $30 = "" } 1' ;;   # empty field
    4) echo "$2" | awk -F, -v OFS=, '{ $64 = "NA" } 1' ;; # missing value
    5) echo "$2" | awk -F, -v OFS=, '{ $1 = "\"" $1 } 1' ;; # a quote that does not close
    6) echo "$2" | awk -F, -v OFS=, '{ $20 = "1e39" } 1' ;; # does not fit in a float
    esac
}
for seed in 1 2 3 4 5 6 7 8 9 10; do
    awk -v s=$seed 'BEGIN { srand(s); for (i = 0; i < 200; i++) print int(rand() * 1797) + 1 }' >idx
    awk 'NR == FNR { want[FNR] = $0; next } { row[FNR] = $0 } END { for (i = 1; i in want; i++) print row[want[i]] }' idx dfeat.csv >good.csv
    "$NN" predict d.bin good.csv >good.lab
    "$NN" predict d.bin good.csv --probs >good.p
    # positions: inside the first 64 rows, at the 64/65 chunk edge, anywhere, at the end
    for pos in $((seed * 6 % 64 + 1)) $((63 + seed % 3)) $(awk -v s=$seed 'BEGIN { srand(s * 7); print int(rand() * 200) + 1 }') 201; do
        kind=$(((seed + pos) % 7))
        [ "$pos" = 1 ] && [ $kind -lt 2 ] && kind=2 # line 1 sets the column count
        src=$(awk -v s=$((seed * 31 + pos)) 'BEGIN { srand(s); print int(rand() * 1797) + 1 }')
        bad_line=$(badrow $kind "$(sed -n "${src}p" dfeat.csv)")
        awk -v p=$pos -v b="$bad_line" 'NR == p { print b } { print } END { if (p > NR) print b }' good.csv >in.csv
        if [ $((seed % 2)) = 0 ]; then mode=--probs ref=good.p; else mode='' ref=good.lab; fi
        if [ $((pos % 2)) = 0 ]; then
            where="(stdin):$pos"
            timeout 20 "$NN" predict d.bin - $mode <in.csv >out 2>err
        else
            where="in.csv:$pos"
            timeout 20 "$NN" predict d.bin in.csv $mode >out 2>err
        fi
        rc=$?
        n=$(wc -l <out)
        what="seed $seed, bad row (kind $kind) at line $pos of 201, ${where%%:*}${mode:+ $mode}"
        if [ $rc != 1 ]; then
            bad "$what: exit $rc, wanted 1: $(head -c 200 err)"
        elif ! grep -qF "$where:" err; then
            bad "$what: stderr does not name $where: $(head -c 200 err)"
        elif ! head -n "$n" "$ref" | cmp -s - out; then
            bad "$what: line $(cmp out <(head -n "$n" "$ref") 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p') of $n printed is not its row's answer"
        elif [ "$n" -ge "$pos" ]; then
            bad "$what: $n lines printed, but the bad row is line $pos"
        else
            ok "$what: $n lines, all right, then the error at $where"
        fi
    done
done

# ---- binary (one-output) models -------------------------------------------------
awk -F, '$5 != 2' iris.csv >iris01.csv
cut -d, -f1-4 iris01.csv >i01feat.csv
"$NN" train --train iris01.csv --label-col last --layers 4-8-1 --epochs 20 --threads 1 --quiet --out b.bin
"$NN" predict b.bin i01feat.csv >b.lab
"$NN" predict b.bin i01feat.csv --probs >b.p
"$NN" predict b.bin i01feat.csv --top 1 >b.top1
"$NN" predict b.bin i01feat.csv --top 2 >b.top2
paste -d, b.lab b.p b.top1 | awk -F, '{ q = $1 == 1 ? $2 : 1 - $2; if ($3 != $1 || ($4 - q) ^ 2 > 1e-12) e = 1 } END { exit e || NR != 100 }' &&
    ok "binary model: --top 1 gives the predicted label with its probability" || bad "binary --top 1: $(paste -d, b.lab b.p b.top1 | tail -1)"
paste -d, b.lab b.p b.top2 | awk -F, '{ q = $1 == 1 ? $2 : 1 - $2; if (NF != 6 || $3 != $1 || $5 != 1 - $1 || ($4 - q) ^ 2 > 1e-12 || ($4 + $6 - 1) ^ 2 > 1e-12) e = 1 } END { exit e || NR != 100 }' &&
    ok "binary model: --top 2 lists both labels, probabilities p and 1-p" || bad "binary --top 2: $(paste -d, b.lab b.p b.top2 | tail -1)"
(head -3 iris01.csv; tail -3 iris01.csv) | sed 's/,0$/,9/; s/,1$/,0/; s/,9$/,1/' >flip.csv
"$NN" eval b.bin flip.csv --label-col last --errors 1 >ev.txt 2>/dev/null
row=$(sed -n '/most confidently wrong/{n;p;}' ev.txt)
set -- $row
p=$(sed -n "$((${1:-0} + 1))p" <(cut -d, -f1-4 flip.csv | "$NN" predict b.bin - --probs))
if grep -q 'output activation' ev.txt; then
    awk -v a="${4:-x}" -v p="$p" 'BEGIN { exit !((a - p) ^ 2 < 1e-10) }' && ok "binary eval --errors: the output activation column holds the activation ($p)" ||
        bad "binary eval --errors: 'output activation' $4, the activation is $p"
else
    ok "binary eval --errors: the column no longer claims to be the output activation"
fi

# ---- class names: escaped in every format -----------------------------------------------
printf '%s\n' '0.1,0.9,"a,b"' '0.2,0.8,"a,b"' '0.9,0.1,"say ""hi"""' '0.8,0.2,"say ""hi"""' '0.5,0.5,"tab'$'\t''here"' \
    '0.4,0.6,"tab'$'\t''here"' '0.9,0.9,back\slash' '0.8,0.8,back\slash' '0.1,0.1,naïve' '0.2,0.2,naïve' >names.csv
printf '0.5,0.1,caf\351\n0.6,0.1,caf\351\n' >>names.csv
"$NN" train --train names.csv --label-col last --epochs 20 --threads 1 --quiet --out names.bin
cut -d, -f1-2 names.csv >nfeat.csv
if [ $have_py = 1 ]; then
    "$NN" predict names.bin nfeat.csv --top 6 >n.csv 2>/dev/null
    $PY -c 'import csv,sys
want = {b"a,b", b"say \"hi\"", b"tab\there", b"back\\slash", "naïve".encode(), b"caf\xe9"}
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="surrogateescape", newline="")))
assert len(rows) == 12 and all(len(r) == 12 and {f.encode("utf-8", "surrogateescape") for f in r[0::2]} == want for r in rows)' n.csv 2>/dev/null &&
        ok "predict --top CSV: names with , \" tab \\ UTF-8 and Latin-1 read back by a CSV parser" || bad "CSV names: $(head -1 n.csv)"
    "$NN" predict names.bin nfeat.csv --top 6 --format tsv >n.tsv 2>/dev/null
    awk -F'\t' 'NF != 12 { e = 1 } END { exit e || NR != 12 }' n.tsv && grep -q 'tab\\there' n.tsv &&
        ok "predict --top TSV: a tab in a name does not split the field" || bad "TSV names: $(head -1 n.tsv)"
    "$NN" predict names.bin nfeat.csv --top 6 --format json >n.json 2>/dev/null
    $PY -c 'import json,sys
for l in open(sys.argv[1], "rb"):
    o = json.loads(l.decode("utf-8"))
    assert {"a,b", "say \"hi\"", "tab\there", "back\\slash", "naïve"} < {t["label"] for t in o["top"]}' n.json 2>/dev/null &&
        ok "predict --top JSON: valid UTF-8 JSON, the names exact" || bad "JSON names: $(head -1 n.json)"
else
    skip "predict: class names in --top CSV, TSV and JSON parsed by python3" "python3 is not installed" "python3"
fi

# ---- many classes; empty input -----------------------------------------------------------
printf '0,0.5,0.1\n65535,0.2,0.9\n' >wide.csv
"$NN" train --train wide.csv --layers 2-65536 --epochs 1 --threads 1 --quiet --out wide.bin
out=$(echo 0.5,0.1 | timeout 5 "$NN" predict wide.bin - --top 65536)
rc=$?
[ $rc = 0 ] && [ "$(echo "$out" | tr ',' '\n' | wc -l)" = 131072 ] && [ "${out%%,*}" = "$(echo 0.5,0.1 | "$NN" predict wide.bin -)" ] &&
    ok "--top 65536 of 65536 classes: every pair, quickly, best first" || bad "--top 65536: exit $rc"
quiet_ok=1 expect "predict on empty stdin: nothing, exit 0, said" 0 "\(stdin\): no data rows: nothing to answer" "$NN" predict d.bin - </dev/null
: >empty.csv
quiet_ok=1 expect "predict on an empty file: nothing, exit 0, said" 0 "empty.csv: no data rows: nothing to answer" "$NN" predict d.bin empty.csv
printf 'a,b\n' >hdonly.csv
"$NN" train --train <(printf 'a,b,y\n1,2,0\n2,1,1\n3,3,0\n') --label-col last --epochs 1 --quiet --out ab.bin
quiet_ok=1 expect "predict on a header alone: nothing, exit 0, said" 0 "hdonly.csv: no data rows: nothing to answer" "$NN" predict ab.bin hdonly.csv

# ---- class names through python3's csv and json modules -------------------------------
if [ $have_py = 0 ]; then
    skip "predict: class names read back by python3's csv and json modules" "python3 is not installed" "python3"
else
    # 9 classes: the separator, a quote, a tab, a backslash, edge spaces, a
    # semicolon, JSON-looking text, UTF-8, and a byte that is not UTF-8 (Latin-1 e-acute)
    $PY - <<'EOF'
import random
names = [b'a,b', b'say "hi"', b'tab\there', b'back\\slash', b' edge ', b'semi;colon', b'{"j":[1]}', 'naïve ü €'.encode(), b'caf\xe9']
random.seed(3)
with open('names.csv', 'wb') as f:
    for i in range(270):
        k = i % len(names)
        x = [k / 9 + random.uniform(-0.03, 0.03), (k % 3) / 3 + random.uniform(-0.03, 0.03)]
        f.write(b'%.4f,%.4f,"%s"\n' % (x[0], x[1], names[k].replace(b'"', b'""')))
with open('names.list', 'wb') as f:
    f.write(b'\0'.join(names))
EOF
    "$NN" train --train names.csv --label-col last --layers 2-40tanh-9softmax --eta 0.5 --epochs 40 --threads 1 --quiet --out names.bin
    cut -d, -f1-2 names.csv >nf.csv
    "$NN" predict names.bin nf.csv --format csv >o.csv
    "$NN" predict names.bin nf.csv --format tsv >o.tsv
    "$NN" predict names.bin nf.csv --format json >o.json
    "$NN" predict names.bin nf.csv --format csv --top 9 >t.csv
    "$NN" predict names.bin nf.csv --format tsv --top 9 >t.tsv
    "$NN" predict names.bin nf.csv --format json --top 9 >t.json
    "$NN" predict names.bin nf.csv --format json --probs >p.json
    $PY - <<'EOF' >py.out 2>&1
import csv, json, re
names = open('names.list', 'rb').read().split(b'\0')
utf8 = [n for n in names if n != b'caf\xe9']
def csvrows(path):
    with open(path, encoding='utf-8', errors='surrogateescape', newline='') as f:
        return [[c.encode('utf-8', 'surrogateescape') for c in r] for r in csv.reader(f)]
def tsvrows(path):  # TSV cannot quote: nn escapes tab, line ends and backslash as \t \n \r \\
    un = {b't': b'\t', b'n': b'\n', b'r': b'\r', b'\\': b'\\'}
    return [[re.sub(rb'\\(.)', lambda m: un.get(m.group(1), b'?BAD?'), c) for c in l.rstrip(b'\n').split(b'\t')]
            for l in open(path, 'rb')]
def jsonrows(path):
    return [json.loads(l.decode('utf-8')) for l in open(path, 'rb')]
def check(what, cond):
    print(('PASS ' if cond else 'FAIL ') + what)
truth = [r[2] for r in csvrows('names.csv')]
try:
    c, t = csvrows('o.csv'), tsvrows('o.tsv')
    check('predict CSV: one field per row, each a class name exactly', all(len(r) == 1 and r[0] in names for r in c) and len(c) == 270)
    check('predict TSV: one field per row, each a class name exactly', all(len(r) == 1 and r[0] in names for r in t) and len(t) == 270)
    check('predict CSV and TSV give the same names', c == t)
    acc = sum(r[0] == y for r, y in zip(c, truth)) / len(truth)
    check('the names predicted are the right ones (%.0f%% of rows)' % (100 * acc), acc > 0.9)
    j = jsonrows('o.json')
    check('predict JSON: valid UTF-8 JSON objects; UTF-8 names exact, the same as CSV',
          all((r[0] == o['label'].encode() if r[0] in utf8 else isinstance(o['label'], str)) for r, o in zip(c, j)) and len(j) == 270)
    tc, tt, tj = csvrows('t.csv'), tsvrows('t.tsv'), jsonrows('t.json')
    check('--top 9 CSV: 18 fields, every name exactly once, probabilities as numbers',
          all(len(r) == 18 and sorted(r[0::2]) == sorted(names) and all(float(p) >= 0 for p in r[1::2]) for r in tc))
    check('--top 9 TSV: 18 fields, every name exactly once', all(len(r) == 18 and sorted(r[0::2]) == sorted(names) for r in tt))
    check('--top 9: CSV and TSV agree', tc == tt)
    check('--top 9 JSON: valid; the UTF-8 names exact, nine distinct labels',
          all(set(utf8) <= {x['label'].encode() for x in o['top']} and len({x['label'] for x in o['top']}) == 9 for o in tj))
    check('--top 9: the first of the top is the predicted label', all(r[0] == s[0] for r, s in zip(tc, c)))
    pj = jsonrows('p.json')
    check('--probs JSON: valid, 9 probabilities by class name (the UTF-8 names exact), the label as in CSV and the likeliest',
          all(isinstance(o['probs'], dict) and len(o['probs']) == 9 and {n.decode() for n in utf8} <= set(o['probs']) and
              abs(sum(o['probs'].values()) - 1) < 1e-4 and max(o['probs'], key=o['probs'].get) == o['label'] and
              (r[0] == o['label'].encode() if r[0] in utf8 else True) for r, o in zip(c, pj)))
except Exception as e:
    print('FAIL (d) parsing the output: %s: %s' % (type(e).__name__, str(e)[:200]))
EOF
    while IFS= read -r l; do
        case $l in
        PASS*) ok "${l#PASS }" ;;
        FAIL*) bad "${l#FAIL }" ;;
        esac
    done <py.out
    grep -q '^PASS\|^FAIL' py.out || bad "python: $(head -c 300 py.out)"
fi

# data off the training data's scale: a warning, for CSV from a file and a pipe, and for standardised models
awk 'BEGIN { srand(5); for (i = 0; i < 400; i++) { a = rand() * 10; b = rand() * 1000 + 500; printf "%.4f,%.2f,%d\n", a, b, (a > 5) } }' >sc.csv
cut -d, -f1-2 sc.csv >scx.csv
awk -F, '{ printf "%.4f,%.2f\n", $1 * 100, $2 * 100 }' scx.csv >scx100.csv
awk -F, '{ printf "%.6f,%.4f\n", $1 / 100, $2 / 100 }' scx.csv >scx001.csv
"$NN" train --train sc.csv --label-col last --layers 2-8-2 --epochs 2 --out scd.bin --quiet 2>/dev/null
"$NN" train --train sc.csv --label-col last --layers 2-8-2 --standardize --epochs 2 --out scs.bin --quiet 2>/dev/null
for m in scd scs; do
    "$NN" predict $m.bin scx.csv >/dev/null 2>e0; cat scx100.csv | "$NN" predict $m.bin - >/dev/null 2>e1; "$NN" predict $m.bin scx001.csv >/dev/null 2>e2
    [ ! -s e0 ] && grep -q "warning: .*scx100.csv\|warning: (stdin)" e1 && grep -q "warning: scx001.csv" e2 &&
        ok "predict $m.bin: data 100 times larger (a pipe) or smaller (a file) warned, the training scale not" || bad "scale warning $m: $(cat e0 e1 e2)"
done
# the check looks at the first 1000 rows however a pipe splits them: 4 rows in scale, a pause, then one 100 times larger
(head -4 scx.csv; sleep 0.3; head -1 scx100.csv) | "$NN" predict scd.bin - >/dev/null 2>e4
grep -q "warning: (stdin): its values go up to" e4 && ok "predict from a pipe: a row out of scale after a pause is still looked at" || bad "scale check over reads: $(cat e4)"
grep -q "lie .* training deviations from scs.bin's training means" e1 && grep -q "spread 0.01 times as widely as scs.bin's" e2 &&
    ok "a standardised model: the distance from the training means and the spread, in training deviations" || bad "standardised scale: $(cat e1 e2)"
paste -d, scx100.csv <(cut -d, -f3 sc.csv) >sc100.csv
# a table whose one-hot inputs outnumber its numbers: the numbers' scale is still judged
awk 'BEGIN { srand(9); print "a,b,c,cls"; split("p q r s t u v", L, " "); for (i = 0; i < 300; i++) { a = 50 + 10 * (rand() - 0.5); b = 5 + rand();
     c = L[int(rand() * 7) + 1]; printf "%.3f,%.3f,%s,%s\n", a, b, c, (a / 10 + b > 10.5 ? "hi" : "lo") } }' >tab.csv
awk -F, 'NR == 1 { print; next } { printf "%.3f,%.3f,%s,%s\n", $1 * 100, $2 * 100, $3, $4 }' tab.csv >tab100.csv
"$NN" train --train tab.csv --label-col cls --epochs 20 --out tab.bin --quiet 2>/dev/null
"$NN" eval tab.bin tab.csv >/dev/null 2>t0.err; "$NN" eval tab.bin tab100.csv >/dev/null 2>t1.err
! grep -q warning t0.err && grep -q "warning: tab100.csv: its values lie" t1.err && ok "a table of 2 numbers and a 7-way category: numbers 100 times larger warned" || bad "table scale: $(cat t0.err t1.err)"
"$NN" eval scs.bin sc100.csv --label-col last >/dev/null 2>e3; grep -q "warning: sc100.csv: its values lie" e3 && ok "eval: the same scale warning" || bad "eval scale: $(cat e3)"
# --on-error: a bad row stops by default; skip leaves it out, mark answers NA; both say it, go on and exit 1
printf '5.1,3.5,1.4,0.2\n4.9,x,1.4,0.2\n6.3,3.3,6.0,2.5\n1,2,3\n5.8,2.7,5.1,1.9\n' >bad.csv
printf '5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5\n5.8,2.7,5.1,1.9\n' >good.csv
"$NN" predict iris.bin good.csv >good.out 2>/dev/null
"$NN" predict iris.bin bad.csv >b0.out 2>b0.err; r0=$?
[ $r0 = 1 ] && [ "$(cat b0.out)" = "$(head -1 good.out)" ] && grep -q "bad.csv:2: column 2 (sepal_width): 'x' is not a number" b0.err &&
    ok "a bad row: the rows before it answered, then its message, exit 1" || bad "stop: exit $r0, $(cat b0.out b0.err)"
"$NN" predict iris.bin bad.csv --on-error skip >b1.out 2>b1.err; r1=$?
[ $r1 = 1 ] && cmp -s b1.out good.out && grep -q "bad.csv:2: .*(skipped)" b1.err && grep -q "bad.csv:4: 3 columns, but the first line has 4 (skipped)" b1.err &&
    grep -q "bad.csv: 2 rows did not read: skipped" b1.err && ok "--on-error skip: the good rows' answers, each bad row said, exit 1" || bad "skip: exit $r1, $(cat b1.out b1.err)"
cat bad.csv | "$NN" predict iris.bin - --on-error mark --probs >b2.out 2>b2.err; r2=$?
"$NN" predict iris.bin good.csv --probs >goodp.out 2>/dev/null
[ $r2 = 1 ] && [ "$(wc -l <b2.out)" = 5 ] && [ "$(sed -n 2p b2.out)" = "NA,NA,NA" ] && [ "$(sed -n '1p;3p;5p' b2.out)" = "$(cat goodp.out)" ] &&
    ok "--on-error mark from a pipe: one line per row, NA,NA,NA for the bad ones" || bad "mark: exit $r2, $(cat b2.out b2.err)"
"$NN" predict iris.bin bad.csv --on-error mark --format json 2>/dev/null | sed -n 4p >b3.out
[ "$(cat b3.out)" = '{"schema":"nn-predict/1","error":"bad.csv:4: 3 columns, but the first line has 4"}' ] && ok "--on-error mark --format json: an error object in the row's place" || bad "mark json: $(cat b3.out)"
"$NN" predict iris.bin bad.csv --on-error skip --format npy >b4.npy 2>/dev/null; r4=$?
[ $r4 = 1 ] && head -c 6 b4.npy | grep -q NUMPY && grep -q "'shape': (3,)" b4.npy && ok "--on-error skip --format npy: the array of the 3 good rows, exit 1" || bad "skip npy: exit $r4"
expect "--on-error mark with --format npy" 2 "--on-error mark is for csv, tsv and json" "$NN" predict iris.bin bad.csv --on-error mark --format npy
expect "--on-error of another word" 2 "--on-error 'ignore': expected stop, skip or mark" "$NN" predict iris.bin bad.csv --on-error ignore
summary predict
