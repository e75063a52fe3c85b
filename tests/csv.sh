#!/bin/bash
# Reading CSV and other delimited text, for train, train --test, eval and
# predict, from files and stdin: data errors (exit 1) that name the file,
# line and column (ragged rows, non-numbers, inf, hex, overflow, empty and
# binary files, endless input, unterminated quotes, a trailing separator);
# one data set in many dialects (, ; tab whitespace, quotes, CRLF, CR, BOM,
# header or not, blank and comment lines) giving the same answers; header
# detection; NA and other missing values; class names and numbers as
# labels; the label column chosen automatically.
# Usage: tests/csv.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
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

: >"$T/empty.csv"
printf '1,2,3\n4,5\n' >"$T/ragged.csv"
printf '1,2,3\n4,x5,6\n' >"$T/nonnum.csv"
printf '1,2,3\n4,nan,6\n' >"$T/nan.csv"
printf '\001\002\003\000\377' >"$T/binary"
mkdir "$T/dir"

# ---- bad data: data errors (exit 1) ---------------------------------------------
expect "missing file" 1 "nope.csv: cannot open" "$NN" train --train "$T/nope.csv"
expect "train --train DIRECTORY: is a directory" 1 "is a directory" "$NN" train --train "$T/dir"
expect "empty file" 1 "empty.csv: empty data file" "$NN" train --train "$T/empty.csv"
expect "ragged csv" 1 "ragged.csv:2: 2 columns, but the first line has 3" "$NN" train --train "$T/ragged.csv"
expect "non-numeric csv" 1 "nonnum.csv:2: column 2: 'x5' is not a number" "$NN" train --train "$T/nonnum.csv"
expect "nan in csv: a missing value, filled in with the column mean" 0 "nan.csv: a table of 3 columns: 2 numbers, 1 label \(column 1\); 1 missing value filled in with the column mean" "$NN" train --train "$T/nan.csv" --out "$T/nan.bin" --epochs 3
expect "binary file" 1 "binary data" "$NN" train --train "$T/binary"
expect "a gzip stream cut short, from a pipe: an error naming gzip" 1 "gzip" "$NN" train --train <(printf '\037\213\010\000')

# ---- more hostile data: every case a clean error with its place named ---------------
printf 'x' >"$T/onebyte"
expect "one-byte file" 1 "onebyte: one column only" "$NN" train --train "$T/onebyte"
{ printf '1,2,3\n1,'; head -c 600 /dev/zero | tr '\0' '9'; printf ',2\n'; } >"$T/long.csv"
expect "overlong number" 1 "long.csv:2: column 2: '9999" "$NN" train --train "$T/long.csv"
printf '1,2,3\n4,inf,6\n' >"$T/inf.csv"
expect "inf in csv" 1 "inf.csv:2: column 2: 'inf' is infinite, and nn reads finite numbers only" "$NN" train --train "$T/inf.csv"
printf '1,2,3\n4,0x1p3,6\n' >"$T/hex.csv"
expect "hex float in csv" 1 "hex.csv:2: column 2: '0x1p3' is not a number" "$NN" train --train "$T/hex.csv"
printf '1,2,3\n4,1e39,6\n' >"$T/big.csv"
expect "float overflow in csv" 1 "big.csv:2: column 2: '1e39' does not fit in a float" "$NN" train --train "$T/big.csv"
printf '1,2,3\n-1,5,6\n' >"$T/neg.csv"
expect "negative label" 1 "neg.csv:2: column 1: label -1 is not a whole number" "$NN" train --train "$T/neg.csv" --label-col first
printf '1,2,3\n65536,5,6\n' >"$T/bigl.csv"
expect "label too large" 1 "bigl.csv:2: column 1: label 65536 is not" "$NN" train --train "$T/bigl.csv" --label-col first
printf 'a,b,c\n' >"$T/headeronly.csv"
expect "header only" 1 "headeronly.csv: no data rows" "$NN" train --train "$T/headeronly.csv"
printf '\n\n  \n' >"$T/blank.csv"
expect "blank lines only" 1 "blank.csv: empty data file" "$NN" train --train "$T/blank.csv"

# ---- CSV as people have it: one data set in many dialects ------------------------------
awk -F, 'NR>1 {split("setosa versicolor virginica", n, " "); print $1","$2","$3","$4","n[$5+1]}' "$top/data/iris.csv" >"$T/irisn.csv"
"$NN" train --train "$T/irisn.csv" --label-col last --holdout 30 --epochs 60 --out "$T/irisn.bin" --quiet
"$NN" predict "$T/irisn.bin" "$T/irisn.csv" --label-col last >"$T/ip"
head -1 "$T/ip" | grep -qx setosa && [ "$(sort -u "$T/ip" | tr '\n' ' ')" = "setosa versicolor virginica " ] && ok "names as labels: predict prints setosa, versicolor, virginica" || bad "names: $(sort -u "$T/ip")"
"$NN" info "$T/irisn.bin" | grep -q "classes 0=setosa, 1=versicolor, 2=virginica" && ok "the class names are stored in the model" || bad "names in info"
tr ',' ';' <"$T/irisn.csv" >"$T/v-semicolon"
tr ',' '\t' <"$T/irisn.csv" >"$T/v-tab"
awk -F, '{print "  "$1"   "$2" "$3"  "$4" "$5" "}' "$T/irisn.csv" >"$T/v-space"
awk -F, '{print $1"\t "$2" "$3"\t"$4" "$5}' "$T/irisn.csv" >"$T/v-mixed"
awk -F, '{print "\""$1"\",\""$2"\","$3","$4",\""$5"\""}' "$T/irisn.csv" >"$T/v-quoted"
sed 's/$/\r/' "$T/irisn.csv" >"$T/v-crlf"
{ echo "sepal length,sepal width,petal length,petal width,species"; cat "$T/irisn.csv"; } >"$T/v-header"
awk '{print; if (NR % 10 == 0) print ""}' "$T/irisn.csv" >"$T/v-blank"
head -c -1 "$T/irisn.csv" >"$T/v-nofinal"
same=1
for v in semicolon tab space quoted crlf header blank nofinal; do
    "$NN" predict "$T/irisn.bin" "$T/v-$v" --label-col last --no-header | cmp -s - "$T/ip" || { same=0; bad "CSV dialect $v predicts differently"; }
    a=$("$NN" eval "$T/irisn.bin" "$T/v-$v" --label-col last | head -1) b=$("$NN" eval "$T/irisn.bin" "$T/irisn.csv" --label-col last | head -1)
    [ "$a" = "$b" ] || { same=0; bad "CSV dialect $v evaluates differently: $a vs $b"; }
done
[ $same = 1 ] && ok "the same rows as , ; tab whitespace quoted CRLF header blank-lines no-final-newline: same answers"
"$NN" predict "$T/irisn.bin" "$T/v-mixed" --label-col last --sep space | cmp -s - "$T/ip" && ok "--sep space: runs of spaces and tabs" || bad "--sep space"
"$NN" predict "$T/irisn.bin" "$T/v-semicolon" --label-col last --sep , >/dev/null 2>"$T/err"; [ $? = 1 ] && ok "--sep , on a ; file is an error" || bad "--sep forced"
printf '5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,0.2,"setosa\n' >"$T/unterminated.csv"
expect "unterminated quote" 1 "unterminated.csv:2: column 5: a quote that does not close" "$NN" eval "$T/irisn.bin" "$T/unterminated.csv" --label-col last
printf '5.1,3.5,1.4,0.2,setosa\n5.0,3.0,1.0,0.1,tulip\n' >"$T/tulip.csv"
expect "unknown class name" 1 "tulip.csv:2: label 'tulip' is not one of the 3 classes" "$NN" eval "$T/irisn.bin" "$T/tulip.csv" --label-col last
expect "--sep pipe: a usage error" 2 "--sep 'pipe'" "$NN" train --train "$D" --sep pipe

# ---- labels: a quoted number is a number; names against numbers are an error --
"$NN" train --train iris.csv --label-col last --epochs 3 --threads 1 --quiet --out tc.bin
tac iris.csv >rev.csv
sed 's/,\([0-9]\)$/,"\1"/' rev.csv >rev_q.csv
sed 's/,0$/,setosa/; s/,1$/,versicolor/; s/,2$/,virginica/' rev.csv >rev_n.csv
a=$("$NN" eval tc.bin rev.csv --label-col last 2>/dev/null | head -1)
b=$("$NN" eval tc.bin rev_q.csv --label-col last 2>/dev/null | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "eval: quoted numeric labels \"2\" give the same report ($a)" || bad "eval, quoted labels: '$b', unquoted '$a'"
a=$("$NN" train --train iris.csv --test rev.csv --label-col last --epochs 3 --threads 1 --out tq.bin 2>&1 | grep -o 'test accuracy [0-9.]*%')
b=$("$NN" train --train iris.csv --test rev_q.csv --label-col last --epochs 3 --threads 1 --out tq.bin 2>&1 | grep -o 'test accuracy [0-9.]*%')
[ -n "$a" ] && [ "$a" = "$b" ] && ok "train --test with quoted labels: the same $a" || bad "train --test quoted: '$b' vs '$a'"
expect "eval: a numbered model on data labelled with names is an error" 1 "rev_n.csv:1" "$NN" eval tc.bin rev_n.csv --label-col last
expect "train --test: names against numbered training labels are an error" 1 "rev_n.csv:1" "$NN" train --train iris.csv --test rev_n.csv --label-col last --epochs 1 --quiet --out tq.bin

# ---- the first row is data unless it looks like a header; BOM stripped ----------
printf '5.1,3.5,1.4,0.2\n4.9,3.0,1.4,0.2\n6.7,3.0,5.2,2.3\n' >plain3.csv
"$NN" predict iris.bin plain3.csv >p3.txt
for v in NA '?' ''; do # (a table's model fills a missing value with the training mean: three answers)
    printf '5.1,3.5,%s,0.2\n4.9,3.0,1.4,0.2\n6.7,3.0,5.2,2.3\n' "$v" >na.csv
    "$NN" predict iris.bin na.csv >na.out 2>na.err
    [ "$(wc -l <na.out)" = 3 ] && tail -n 2 na.out | cmp -s - <(tail -n 2 p3.txt) && grep -qF "na.csv: 1 missing value filled in with the training means" na.err &&
        ok "predict: '$v' in line 1 is a missing value in a row, not a header: filled, said, three answers" || bad "'$v' in line 1: $(cat na.err na.out)"
done
for v in 1e39; do
    printf '5.1,3.5,%s,0.2\n4.9,3.0,1.4,0.2\n6.7,3.0,5.2,2.3\n' "$v" >na.csv
    expect "predict: '$v' in line 1 is an error on line 1, not a header" 1 "na.csv:1: column 3" "$NN" predict iris.bin na.csv
done
printf '\357\273\277' | cat - plain3.csv >bom.csv
"$NN" predict iris.bin bom.csv >out 2>err
rc=$?
[ $rc = 0 ] && cmp -s out p3.txt && ok "predict: a BOM on a headerless file, 3 rows in, the same 3 answers out" || bad "BOM: exit $rc, $(wc -l <out) lines: $(head -c 200 err)"
"$NN" predict iris.bin bom.csv --header no >out 2>err
rc=$?
[ $rc = 0 ] && cmp -s out p3.txt && ok "predict --header no: the BOM is stripped" || bad "BOM --header no: exit $rc: $(head -c 200 err)"
"$NN" predict iris.bin <(echo sepal_length,sepal_width,petal_length,petal_width; cat plain3.csv) >out 2>err
rc=$?
{ echo species; cat p3.txt; } >p3h.txt
[ $rc = 0 ] && cmp -s out p3h.txt && ok "predict: a header of the model's column names, answered by a header line" || bad "header of names: exit $rc, stderr '$(head -c 200 err)'"
"$NN" predict iris.bin <(echo petal_width,sepal_width,petal_length,sepal_length; awk -F, '{ print $4","$2","$3","$1 }' plain3.csv) >out 2>err
rc=$?
[ $rc = 0 ] && cmp -s out p3h.txt && grep -q "columns found by name" err &&
    ok "predict: the model's columns in another order under their names: found by name (said), the same answers" || bad "columns reordered: exit $rc, $(head -3 out) $(head -c 300 err)"
{ echo 0,1,2,3; cat plain3.csv; } >int4.csv
"$NN" predict iris.bin int4.csv >out 2>err
[ "$(wc -l <out)" = 4 ] && grep -qF "int4.csv: line 1, numbers counting 0, 1, 2 ..., read as data: they are not the model's column names ('sepal_length', ...)" err &&
    ok "a line 0,1,2,3 over rows for a model with names: read as data, and said (an answer for every line)" || bad "0,1,2,3 line: $(wc -l <out) $(cat err)"
{ echo ,0,1,2,3; awk '{ print NR - 1 "," $0 }' plain3.csv; } >int4i.csv
expect "pandas' index and its names 0, 1, 2, 3 for a model with names: what the header is, and what to do" 1 \
    "int4i.csv: the header names the columns 0, 1, 2 ... \(pandas' names for unnamed columns\), not the model's \('sepal_length', ...\)" "$NN" predict iris.bin int4i.csv
{ echo label,0,1,2,3; awk -F, '{ print $5","$1","$2","$3","$4 }' iris.csv; } >h.csv
"$NN" train --train h.csv --epochs 3 --threads 1 --out nh.bin >/dev/null 2>err
rc=$?
[ $rc = 0 ] && grep -q ' 150 training rows' err && ! "$NN" info nh.bin | grep -q '^classes' && ok "train: the pandas header label,0,1,2,3 is a header: 150 rows, numbered classes" ||
    bad "pandas header: exit $rc, $(grep -o '[0-9]* training rows' err), $("$NN" info nh.bin 2>&1 | grep classes)"
{ echo 150,4; cat iris.csv; } >sk.csv
"$NN" train --train sk.csv --label-col last --header yes --epochs 2 --threads 1 --out sk.bin >/dev/null 2>err
rc=$?
[ $rc = 0 ] && grep -q ' 150 training rows' err && ok "train --header yes skips a first line of another field count (sklearn)" || bad "--header yes: exit $rc: $(head -c 200 err)"

# ---- the label column: auto, and warnings ----------------------------------------
"$NN" train --train "$D" --epochs 3 --threads 1 --out auto.bin >/dev/null 2>err
"$NN" train --train "$D" --label-col last --epochs 3 --threads 1 --quiet --out last.bin
cmp -s auto.bin last.bin && grep -qi 'last column' err && ok "train --train data/digits.csv takes the last column, and says so" || bad "label column of digits.csv: $(head -c 200 err)"
"$NN" train --train "$D" --label-col first --epochs 1 --threads 1 --out first.bin >/dev/null 2>err
grep -qiE 'warning.*(single class|one class|one value|nothing to learn)' err && ok "train --label-col first on digits.csv: a single-class warning" || bad "one class: no warning: $(head -c 200 err)"
printf '1,2,cat\n3,4,cat\n5,6,cat\n' >oneclass.csv
"$NN" train --train oneclass.csv --label-col last --epochs 1 --threads 1 --out oc.bin >/dev/null 2>err
rc=$?
grep -qiE '(single class|one class|only one class|nothing to learn)' err && ok "train on one named class: said so (exit $rc)" || bad "one named class: exit $rc: $(head -c 200 err)"
a=$("$NN" eval d.bin "$D" 2>/dev/null | head -1) b=$("$NN" eval d.bin "$D" --label-col last | head -1)
[ "$a" = "$b" ] && ok "eval data/digits.csv without --label-col: $a" || bad "eval default label column: '$a' vs '$b'"
a=$("$NN" show "$D" --ascii --index 5 2>/dev/null) b=$("$NN" show "$D" --ascii --index 5 --label-col last)
[ "$a" = "$b" ] && ok "show data/digits.csv without --label-col draws row 5 as --label-col last" || bad "show default label column: $(echo "$a" | head -1)"

# ---- endless and binary input ----------------------------------------------------------
expect "predict on /dev/zero: a quick error" 1 "/dev/zero" timeout 5 "$NN" predict d.bin /dev/zero
expect "predict on /dev/zero from stdin: a quick error" 1 "stdin" timeout 5 "$NN" predict d.bin - </dev/zero
expect "info /dev/zero: a quick error" 1 "/dev/zero: .*(magic|not an nn model)" timeout 5 "$NN" info /dev/zero
expect "train --train /dev/zero: binary data, not 'too large'" 1 "/dev/zero: .*(binary|NUL|not)" timeout 10 "$NN" train --train /dev/zero --out z.bin
expect "eval on /dev/zero: binary data" 1 "/dev/zero: .*(binary|NUL|not)" timeout 10 "$NN" eval d.bin /dev/zero
expect "train: an endless line from a pipe is an error at the limit" 1 "longer than" timeout 10 "$NN" train --train - --out z.bin < <(tr '\0' 1 </dev/zero)
expect "predict: an endless line from a pipe is an error at the limit" 1 "longer than" timeout 10 "$NN" predict d.bin - < <(tr '\0' 1 </dev/zero)

# ---- messages: a trailing comma, an unterminated quote; CR-only line ends, # comments ------
sed 's/$/,/' iris_named.csv | tail -n +2 >trail.csv
expect "trailing comma, label last: the message is about the empty column 6" 1 "trail.csv:1: .*(column 6|trailing|empty)" "$NN" train --train trail.csv --label-col last --out t.bin
printf '0,"1,2\n1,2,3\n' >uq.csv
expect "unterminated quote: said so" 1 "uq.csv:1: .*quote" "$NN" train --train uq.csv --out t.bin
tr '\n' '\r' <plain3.csv >cr.csv
"$NN" predict iris.bin cr.csv >out 2>err && cmp -s out p3.txt && ok "CR-only line endings: the same answers" || bad "CR-only: $(head -c 200 err)"
{ echo "# measured 2026"; head -2 plain3.csv; echo "# more"; tail -1 plain3.csv; } >cm.csv
"$NN" predict iris.bin cm.csv >out 2>err && cmp -s out p3.txt && ok "'# comment' lines are skipped" || bad "comments: $(head -c 200 err)"

# ---- missing labels, numeric headers, stray words in line 1, numbers at the edges of float --
# a missing value in the label column is an error, not a class
sed '10s/,0$/,NA/' iris.csv >irisna.csv
for m in NA '?' nan null N/A; do
    sed "10s#,0\$#,$m#" iris.csv >irisna.csv
    early "label '$m' on line 10: an error naming the line" "irisna.csv:10: column 5, the label, is missing" "$NN" train --train irisna.csv --label-col last --epochs 1 --out x.bin
done
printf '5.1,3.5,1.4,0.2,"NA"\n4.9,3.0,1.4,0.2,b\n' >qna.csv
expect "a quoted \"NA\" label is a name" 0 "" "$NN" train --train qna.csv --label-col last --layers 4-2 --epochs 1 --out x.bin
# a header of column numbers (pandas, to_csv(index=False) of an array) is a header
{ seq -s, 0 64; cat "$D"; } >pnum.csv
"$NN" train --train pnum.csv --label-col last --epochs 1 --threads 1 --out x.bin >/dev/null 2>err
grep -q 'line 1 taken as a header' err && "$NN" info x.bin | grep -q '^2 .* 10 ' && ok "header 0,1,...,64 skipped with a notice; 10 outputs" || bad "header 0..64: $(head -c 200 err)"
# predict with a model that knows no column names: such a line may be a row, so it is one (said), one answer
# per line; --header yes takes it as a header
{ seq -s, 0 63; cat dfeat.csv; } >pnumf.csv
"$NN" predict d.bin pnumf.csv >out 2>err
[ "$(wc -l <out)" = 1798 ] && tail -n +2 out | cmp -s - dref.txt && grep -q 'line 1, numbers counting 0, 1, 2 ..., read as data: the model has no column names' err &&
    ok "predict, a model without column names: a line 0..63 is a row (said), 1798 answers for 1798 lines" || bad "predict line 0..63: $(wc -l <out) lines: $(head -c 200 err)"
"$NN" predict d.bin pnumf.csv --header yes >out 2>err
{ echo label; cat dref.txt; } | cmp -s - out && ok "predict --header yes: the line 0..63 a header, then 1797 right answers" || bad "predict --header yes 0..63: $(wc -l <out) lines: $(head -c 200 err)"
printf '0,1,2,3\n5.1,3.5,1.4,0.2\n0,1,2,3\n' | "$NN" predict iris.bin - --no-header >out 2>err
[ "$(wc -l <out)" = 3 ] && [ "$(sed -n 1p out)" = "$(sed -n 3p out)" ] && ok "predict from a pipe: a first row 0,1,2,3 answered like the same row later" || bad "row 0,1,2,3: $(cat out err)"
# a line of numbers with one stray word is data (an error), whatever the pipe's timing
for f in '-inf' 'Infinity' '0x10' '1e5x' 'x1'; do
    printf -- '%s,3.5,1.4,0.2\n4.9,3.0,1.4,0.2\n' "$f" >v.csv
    expect "'$f' in line 1: an error, not a header" 1 "v.csv:1: column 1 \(sepal_length\): '$f' is (not a number|infinite, and nn reads finite numbers only)" "$NN" predict iris.bin v.csv
    (printf -- '%s,3.5,1.4,0.2\n' "$f"; sleep 0.3; printf '4.9,3.0,1.4,0.2\n') | "$NN" predict iris.bin - >out 2>err
    rc=$?
    [ $rc = 1 ] && [ ! -s out ] && ok "'$f' in line 1 of a slow pipe: the same error" || bad "'$f' slow pipe: exit $rc, $(wc -l <out) lines"
done
# names against a numbered model: the range of its classes
"$NN" train --train iris.csv --label-col last --epochs 1 --threads 1 --quiet --out tc.bin
expect "names against numbered classes: 0 to 2" 1 "classes of the model are numbers 0 to 2$" "$NN" eval tc.bin iris_named.csv --label-col last
# tiny numbers underflow to 0, long ones are read, huge ones do not fit
printf '1e-310,3.5,1.4,0.2\n0.%s1,3.5,1.4,0.2\n' "$(printf '0%.0s' $(seq 400))" >tiny.csv
printf '0,3.5,1.4,0.2\n0,3.5,1.4,0.2\n' >zero.csv
"$NN" predict iris.bin tiny.csv --probs >out 2>err && "$NN" predict iris.bin zero.csv --probs >ref && cmp -s out ref && ok "1e-310 and a 400-digit 0.000..1 read as 0" || bad "tiny numbers: $(head -c 200 err)"
printf '1e400,3.5,1.4,0.2\n' >huge.csv
expect "1e400 does not fit" 1 "huge.csv:1: column 1 \(sepal_length\): '1e400' does not fit in a float" "$NN" predict iris.bin huge.csv
sed 's/$/,/' p2.csv >trail.csv
sed 's/$/,/' dfeat.csv | head -3 >dtrail.csv
expect "predict: a trailing separator named, with the line" 1 "dtrail.csv:1: 65 features per row, but the model takes 64 \(the line ends with a separator" "$NN" predict d.bin dtrail.csv
"$NN" predict iris.bin trail.csv >out 2>err && "$NN" predict iris.bin p2.csv | cmp -s - out &&
    ok "predict: a trailing separator on rows of a model with column names: the empty column is the label's place, the same answers" || bad "trailing separator, named model: $(cat out err)"

# ---- every reader: BOM, CRLF, quoted numbers, NA -----------------------------------
tail -n +2 "$top/data/iris.csv" >plain.csv # 4 features, numbered label last, no header
cut -d, -f1-4 plain.csv >plainf.csv
bom() { printf '\357\273\277'; cat "$1"; }
# variant NAME FILE: the same rows as FILE, written another way
variant() {
    case $1 in
    bom) bom "$2" ;;
    crlf) sed 's/$/\r/' "$2" ;;
    qall) sed 's/\([^,]*\)/"\1"/g' "$2" ;;
    qlabel) sed 's/,\([^,]*\)$/,"\1"/' "$2" ;;
    qfeat) sed 's/^\([^,]*\),\([^,]*\)/"\1","\2"/' "$2" ;;
    all) sed 's/\([^,]*\)/"\1"/g; s/$/\r/' "$2" | bom /dev/stdin ;;
    esac
}
# navariant LINE FILE: FILE with the 2nd field of line LINE made NA
navariant() { awk -F, -v OFS=, -v l=$1 'NR == l { $2 = "NA" } 1' "$2"; }
TRI="--label-col last --epochs 3 --threads 1 --quiet"
"$NN" train --train plain.csv $TRI --out plain.bin
"$NN" eval plain.bin plain.csv --label-col last >plain.eval
"$NN" predict plain.bin plainf.csv --probs >plain.p
"$NN" train --train plain.csv --test plain.csv $TRI --out t.bin --log plain.log && cut -d, -f1,2,5 plain.log >plain.tlog # epoch, cost, test accuracy
for v in bom crlf qall qlabel qfeat all; do
    variant $v plain.csv >v.csv
    variant $v plainf.csv >vf.csv
    r=""
    same_model() { # the same model; with the label quoted in every row (R's factor), its classes are named "0", "1" ...: the same answers
        cmp -s v.bin plain.bin && return 0
        case $v in qall | qlabel | all) ;; *) return 1 ;; esac
        [ "$("$NN" info v.bin | grep '^classes')" = "classes 0=0, 1=1, 2=2" ] && "$NN" predict v.bin plainf.csv --probs 2>/dev/null | cmp -s - plain.p
    }
    "$NN" train --train v.csv $TRI --out v.bin 2>err && same_model || r="$r train(file)"
    "$NN" train --train - $TRI --out v.bin <v.csv 2>err && same_model || r="$r train(stdin)"
    "$NN" train --train plain.csv --test v.csv $TRI --out t.bin --log v.log 2>err && cut -d, -f1,2,5 v.log | cmp -s - plain.tlog || r="$r train--test"
    "$NN" eval plain.bin v.csv --label-col last 2>err | cmp -s - plain.eval || r="$r eval(file)"
    "$NN" eval plain.bin - --label-col last <v.csv 2>err | cmp -s - plain.eval || r="$r eval(stdin)"
    "$NN" predict plain.bin vf.csv --probs 2>err | cmp -s - plain.p || r="$r predict(file)"
    "$NN" predict plain.bin - --probs <vf.csv 2>err | cmp -s - plain.p || r="$r predict(stdin)"
    "$NN" predict plain.bin v.csv --label-col last --probs 2>err | cmp -s - plain.p || r="$r predict--label-col"
    [ -z "$r" ] && ok "$v: every reader gives the plain file's answers" || bad "$v: differs in$r"
done
# NA: an error on its line, from every reader of a model's rows (line 1 too:
# not a header); in training data, the column's mean
for line in 1 37 150; do
    navariant $line plain.csv >na.csv
    navariant $line plainf.csv >naf.csv
    for reader in "train:$NN train --train na.csv $TRI --out na.bin:na.csv" \
        "train-stdin:$NN train --train - $TRI --out na.bin:(stdin)" \
        "train--test:$NN train --train plain.csv --test na.csv $TRI --out na.bin:na.csv" \
        "eval:$NN eval plain.bin na.csv --label-col last:na.csv" \
        "eval-stdin:$NN eval plain.bin - --label-col last:(stdin)" \
        "predict:$NN predict plain.bin naf.csv:naf.csv" \
        "predict-stdin:$NN predict plain.bin -:(stdin)"; do
        name=${reader%%:*} rest=${reader#*:}
        cmd=${rest%:*} file=${rest##*:}
        rm -f na.bin
        if [ "$file" = "(stdin)" ]; then
            case $name in predict*) in=naf.csv ;; *) in=na.csv ;; esac
            $cmd <$in >out 2>err
        else
            $cmd >out 2>err
        fi
        rc=$?
        case $name in
        train | train-stdin) # a missing feature in training data: the column's mean, said on stderr
            ${cmd/--quiet/} <na.csv >/dev/null 2>err # again without --quiet, for the notice
            if [ $rc = 0 ] && [ -s na.bin ] && [ ! -s out ] && grep -qF "1 missing value filled in with the column mean" err; then
                ok "NA on line $line, $name: filled in with the mean, said on stderr"
            else
                bad "NA on line $line, $name: exit $rc, stderr '$(head -c 150 err)'"
            fi
            continue ;;
        esac
        if [ $rc = 1 ] && grep -qF "$file:$line: column 2" err && [ ! -e na.bin ]; then
            case $name in
            predict*) n=$(wc -l <out); head -n "$n" <("$NN" predict plain.bin plainf.csv) | cmp -s - out && [ "$n" -lt "$line" ] &&
                ok "NA on line $line, $name: exit 1, '$(head -c 80 err)', the $n lines before it right" || bad "NA on line $line, $name: wrong lines before the error" ;;
            *) [ -s out ] && bad "NA on line $line, $name: wrote to stdout on error" || ok "NA on line $line, $name: exit 1, '$(head -c 80 err)'" ;;
            esac
        else
            bad "NA on line $line, $name: exit $rc, stderr '$(head -c 150 err)'$( [ -e na.bin ] && echo ', a model written')"
        fi
    done
done

# a header, and no column that looks like labels: the first taken, and said so, with --target pointed to
printf 'a,b,c\n1.5,2.5,3.5\n2.5,3.5,4.5\n1.1,2.2,3.3\n' >nolab.csv
expect "a table with no column like labels: an error, --label-col and --target pointed to, no model" 1 "nolab.csv: no column looks like class labels .*: not the first 'a', nor the last, .*give --label-col NAME for the classes, or --target NAME to predict a number" "$NN" train --train nolab.csv --out nolab.bin
[ ! -e nolab.bin ] && ok "no label: no model written" || bad "a model was written for a table with no label"
tail -n +2 nolab.csv >nolab_plain.csv
"$NN" train --train nolab_plain.csv --epochs 1 --out x.bin 2>nolab.err >/dev/null
grep -qF "nolab_plain.csv: the label is taken from the first column, though neither it nor the last column looks like class labels" nolab.err &&
    ok "plain numbers with no column like labels: the first taken, with a warning (the textbook's CSV)" || bad "plain no label: $(cat nolab.err)"
summary csv
