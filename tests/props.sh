#!/bin/bash
# Property tests asked for by issue 9 ("semantic tests, not only crash tests"):
#   (a) random valid CSV rows with one malformed row at a random place: every
#       line printed before the error is the answer for its row, exit 1, and
#       stderr names the file and the line;
#   (b) every output (each flag that names a file, and stdout) on /dev/full:
#       exit 1 with a message;
#   (c) every reader (train, train --test, eval, predict; file and stdin) on a
#       BOM, CRLF, quoted numbers and NA: the plain file's answers, or exit 1
#       naming the file and line;
#   (d) class names read back exactly by python3's csv and json modules from
#       predict's CSV, TSV and JSON output.
# Usage: tests/props.sh [path/to/nn]   (prints PASS/FAIL lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
D="$top/data/digits.csv"

# ---- (a) one malformed row among random valid ones ---------------------------------
cut -d, -f1-64 "$D" >dfeat.csv
"$NN" train --train "$D" --label-col last --layers 64-30-10 --epochs 10 --threads 1 --quiet --out d.bin
# the property's reference is the row predicted alone; check on 12 rows that
# the whole file gives the same answers, then use the whole file's answers
"$NN" predict d.bin dfeat.csv >all.lab
"$NN" predict d.bin dfeat.csv --probs >all.p
alone=1
for i in 1 2 64 65 66 128 129 500 1000 1500 1796 1797; do
    [ "$(sed -n "${i}p" dfeat.csv | "$NN" predict d.bin - --probs)" = "$(sed -n "${i}p" all.p)" ] || alone=0
done
[ $alone = 1 ] && [ "$(wc -l <all.lab)" = 1797 ] && ok "(a) 12 rows predicted alone: the same answers as in the whole file" || bad "(a) rows predicted alone differ from the whole file"

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
            bad "(a) $what: exit $rc, wanted 1: $(head -c 200 err)"
        elif ! grep -qF "$where:" err; then
            bad "(a) $what: stderr does not name $where: $(head -c 200 err)"
        elif ! head -n "$n" "$ref" | cmp -s - out; then
            bad "(a) $what: line $(cmp out <(head -n "$n" "$ref") 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p') of $n printed is not its row's answer"
        elif [ "$n" -ge "$pos" ]; then
            bad "(a) $what: $n lines printed, but the bad row is line $pos"
        else
            ok "(a) $what: $n lines, all right, then the error at $where"
        fi
    done
done

# ---- (b) every output on /dev/full: exit 1 and a message ------------------------------
mkfull() { # a device like /dev/full here, so that an nn renaming over it replaces only this
    rm -f "$T/full"
    if mknod "$T/full" c 1 7 2>/dev/null; then FULL=$T/full; else FULL=/dev/full; fi
}
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n' >xor.csv
TR="--train xor.csv --label-col last --layers 2-4-2 --epochs 3 --threads 1 --quiet"
"$NN" train $TR --out x.bin
# an interrupted run, so that --resume has epochs left to train and checkpoint
"$NN" train ${TR/--epochs 3/--epochs 1000000} --every 1000000 --out xi.bin --checkpoint ck0.bin 2>/dev/null &
sleep 0.1
kill -INT $! && wait $!
cp ck0.bin pristine.bin # a resumed run writes to ck0.bin, the checkpoint path it was started with
# full NAME WHERE CMD...: CMD, whose output goes to $FULL (WHERE = path) or to
# stdout on /dev/full (WHERE = stdout), exits 1 with a message that names the
# output, and the device stays a device
full() {
    local name=$1 where=$2 rc
    shift 2
    mkfull
    if [ "$where" = stdout ]; then timeout 10 "$@" >/dev/full 2>err; else timeout 10 "$@" >/dev/null 2>err; fi
    rc=$?
    if [ $rc = 1 ] && grep -qiE "$FULL|full|standard output|stdout|log" err && [ -c "$FULL" ]; then
        ok "(b) $name on /dev/full: exit 1: $(tail -1 err | head -c 120)"
    else
        bad "(b) $name on /dev/full: exit $rc, $( [ -c "$FULL" ] && echo 'device kept' || echo 'device REPLACED'), stderr '$(head -c 150 err)'"
    fi
}
mkfull
full "train --out" path "$NN" train $TR --out "$FULL"
full "train --checkpoint" path "$NN" train $TR --out o.bin --checkpoint "$FULL"
full "train --log" path "$NN" train $TR --out o.bin --log "$FULL"
cp pristine.bin ck.bin
full "train --resume --out" path "$NN" train --resume ck.bin --out "$FULL" --every 1000000 --quiet
cp pristine.bin ck.bin
full "train --resume --checkpoint" path "$NN" train --resume ck.bin --out o.bin --checkpoint "$FULL" --every 1 --quiet
full "train --out - (stdout)" stdout "$NN" train $TR --out -
full "weights --pgm" path "$NN" weights x.bin --pgm "$FULL"
full "weights --pgm - (stdout)" stdout "$NN" weights x.bin --pgm -
full "export --c" path "$NN" export x.bin --c "$FULL"
full "export --c - (stdout)" stdout "$NN" export x.bin --c -
full "predict (stdout)" stdout "$NN" predict x.bin xor.csv --label-col last
full "predict --probs --format json (stdout)" stdout "$NN" predict x.bin xor.csv --label-col last --probs --format json
full "predict --top 2 --format tsv (stdout)" stdout "$NN" predict x.bin xor.csv --label-col last --top 2 --format tsv
full "eval (stdout)" stdout "$NN" eval x.bin xor.csv --label-col last
full "eval --errors 2 (stdout)" stdout "$NN" eval x.bin xor.csv --label-col last --errors 2
full "info (stdout)" stdout "$NN" info x.bin
full "info --layers (stdout)" stdout "$NN" info --layers 784-30-10
full "show (stdout)" stdout "$NN" show "$D" --label-col last
full "show --ascii (stdout)" stdout "$NN" show "$D" --label-col last --ascii
full "help (stdout)" stdout "$NN" help
full "help train (stdout)" stdout "$NN" help train
full "train --help (stdout)" stdout "$NN" train --help
full "--version (stdout)" stdout "$NN" --version

# ---- (c) every reader: BOM, CRLF, quoted numbers, NA -----------------------------------
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
    "$NN" train --train v.csv $TRI --out v.bin 2>err && cmp -s v.bin plain.bin || r="$r train(file)"
    "$NN" train --train - $TRI --out v.bin <v.csv 2>err && cmp -s v.bin plain.bin || r="$r train(stdin)"
    "$NN" train --train plain.csv --test v.csv $TRI --out t.bin --log v.log 2>err && cut -d, -f1,2,5 v.log | cmp -s - plain.tlog || r="$r train--test"
    "$NN" eval plain.bin v.csv --label-col last 2>err | cmp -s - plain.eval || r="$r eval(file)"
    "$NN" eval plain.bin - --label-col last <v.csv 2>err | cmp -s - plain.eval || r="$r eval(stdin)"
    "$NN" predict plain.bin vf.csv --probs 2>err | cmp -s - plain.p || r="$r predict(file)"
    "$NN" predict plain.bin - --probs <vf.csv 2>err | cmp -s - plain.p || r="$r predict(stdin)"
    "$NN" predict plain.bin v.csv --label-col last --probs 2>err | cmp -s - plain.p || r="$r predict--label-col"
    [ -z "$r" ] && ok "(c) $v: every reader gives the plain file's answers" || bad "(c) $v: differs in$r"
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
        train | train-stdin) # a missing feature in training data: the column's mean, said on stderr (issue 11)
            ${cmd/--quiet/} <na.csv >/dev/null 2>err # again without --quiet, for the notice
            if [ $rc = 0 ] && [ -s na.bin ] && [ ! -s out ] && grep -qF "1 missing value filled in with the column mean" err; then
                ok "(c) NA on line $line, $name: filled in with the mean, said on stderr"
            else
                bad "(c) NA on line $line, $name: exit $rc, stderr '$(head -c 150 err)'"
            fi
            continue ;;
        esac
        if [ $rc = 1 ] && grep -qF "$file:$line: column 2" err && [ ! -e na.bin ]; then
            case $name in
            predict*) n=$(wc -l <out); head -n "$n" <("$NN" predict plain.bin plainf.csv) | cmp -s - out && [ "$n" -lt "$line" ] &&
                ok "(c) NA on line $line, $name: exit 1, '$(head -c 80 err)', the $n lines before it right" || bad "(c) NA on line $line, $name: wrong lines before the error" ;;
            *) [ -s out ] && bad "(c) NA on line $line, $name: wrote to stdout on error" || ok "(c) NA on line $line, $name: exit 1, '$(head -c 80 err)'" ;;
            esac
        else
            bad "(c) NA on line $line, $name: exit $rc, stderr '$(head -c 150 err)'$( [ -e na.bin ] && echo ', a model written')"
        fi
    done
done

# ---- (d) class names through python3's csv and json modules -------------------------------
if ! command -v python3 >/dev/null; then
    bad "(d) python3 is not installed"
else
    # 9 classes: the separator, a quote, a tab, a backslash, edge spaces, a
    # semicolon, JSON-looking text, UTF-8, and a byte that is not UTF-8 (Latin-1 e-acute)
    python3 - <<'EOF'
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
    python3 - <<'EOF' >py.out 2>&1
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
    check('(d) predict CSV: one field per row, each a class name exactly', all(len(r) == 1 and r[0] in names for r in c) and len(c) == 270)
    check('(d) predict TSV: one field per row, each a class name exactly', all(len(r) == 1 and r[0] in names for r in t) and len(t) == 270)
    check('(d) predict CSV and TSV give the same names', c == t)
    acc = sum(r[0] == y for r, y in zip(c, truth)) / len(truth)
    check('(d) the names predicted are the right ones (%.0f%% of rows)' % (100 * acc), acc > 0.9)
    j = jsonrows('o.json')
    check('(d) predict JSON: valid UTF-8 JSON objects; UTF-8 names exact, the same as CSV',
          all((r[0] == o['label'].encode() if r[0] in utf8 else isinstance(o['label'], str)) for r, o in zip(c, j)) and len(j) == 270)
    tc, tt, tj = csvrows('t.csv'), tsvrows('t.tsv'), jsonrows('t.json')
    check('(d) --top 9 CSV: 18 fields, every name exactly once, probabilities as numbers',
          all(len(r) == 18 and sorted(r[0::2]) == sorted(names) and all(float(p) >= 0 for p in r[1::2]) for r in tc))
    check('(d) --top 9 TSV: 18 fields, every name exactly once', all(len(r) == 18 and sorted(r[0::2]) == sorted(names) for r in tt))
    check('(d) --top 9: CSV and TSV agree', tc == tt)
    check('(d) --top 9 JSON: valid; the UTF-8 names exact, nine distinct labels',
          all(set(utf8) <= {x['label'].encode() for x in o['top']} and len({x['label'] for x in o['top']}) == 9 for o in tj))
    check('(d) --top 9: the first of the top is the predicted label', all(r[0] == s[0] for r, s in zip(tc, c)))
    pj = jsonrows('p.json')
    check('(d) --probs JSON: valid, 9 probabilities, the label as in CSV',
          all(len(o['probs']) == 9 and (r[0] == o['label'].encode() if r[0] in utf8 else True) for r, o in zip(c, pj)))
except Exception as e:
    print('FAIL (d) parsing the output: %s: %s' % (type(e).__name__, str(e)[:200]))
EOF
    while IFS= read -r l; do
        case $l in
        PASS*) ok "${l#PASS }" ;;
        FAIL*) bad "${l#FAIL }" ;;
        esac
    done <py.out
    grep -q '^PASS\|^FAIL' py.out || bad "(d) python: $(head -c 300 py.out)"
fi

summary props
