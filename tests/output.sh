#!/bin/bash
# Every output nn writes (models, checkpoints, logs, PGM pictures, C headers,
# and stdout): devices and FIFOs written in place, symbolic links followed,
# '-' for stdout, each on a full disk (/dev/full) an error with a message,
# outputs that would overwrite an input refused before training, an
# unwritable directory reported before training, the old model kept when a
# save fails, no temporary file left; the weights picture's content; a
# reader of train's progress that goes away does not cost the model.
# Usage: tests/output.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
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

# a character device that behaves as /dev/full, made afresh each time (an nn
# that renames over its output replaces this one, not the machine's)
mkfull() {
    rm -f "$T/full"
    if mknod "$T/full" c 1 7 2>/dev/null; then FULL=$T/full; else FULL=/dev/full; fi
}

# ---- outputs: devices and FIFOs written in place, links followed, '-', checked first
TR="--train iris_named.csv --label-col last --epochs 2 --threads 1 --quiet"
mkfull
"$NN" train $TR --out "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && [ -s err ] && ok "train --out /dev/full: exit 1 with a message, the device stays" ||
    bad "train --out /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
mkfull
"$NN" train $TR --out c.bin --checkpoint "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && [ -s err ] && ok "train --checkpoint /dev/full: exit 1 with a message, the device stays" ||
    bad "--checkpoint /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
mkfull
"$NN" train $TR --out l.bin --log "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && grep -qi 'log' err && ok "train --log /dev/full: exit 1, the message names the log" ||
    bad "--log /dev/full: exit $rc, $(head -c 200 err)"
mkfull
"$NN" weights d.bin --pgm "$FULL" >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && grep -q 'full' err && ok "weights --pgm /dev/full: exit 1 with a message, the device stays" ||
    bad "--pgm /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
mkfull
"$NN" export d.bin --c "$FULL" --prefix nn >/dev/null 2>err
rc=$?
[ $rc = 1 ] && [ -c "$FULL" ] && grep -q 'full' err && ok "export --c /dev/full: exit 1 with a message, the device stays" ||
    bad "--c /dev/full: exit $rc, $(ls -l "$FULL" | cut -c1-10), $(head -c 200 err)"
rm -f fifo fifo.got && mkfifo fifo
timeout 20 cat fifo >fifo.got &
catpid=$!
timeout 20 "$NN" train $TR --out fifo >/dev/null 2>err
rc=$?
if [ -p fifo ]; then wait $catpid; else kill $catpid 2>/dev/null; wait $catpid 2>/dev/null; fi
[ $rc = 0 ] && [ -p fifo ] && "$NN" info fifo.got >/dev/null 2>&1 && ok "train --out FIFO: the model goes through the FIFO, which stays" ||
    bad "--out FIFO: exit $rc, fifo $( [ -p fifo ] && echo kept || echo replaced), $(wc -c <fifo.got) bytes read"
: >real.bin && ln -s real.bin lnk
"$NN" train $TR --out lnk >/dev/null 2>err
rc=$?
[ $rc = 0 ] && [ -L lnk ] && "$NN" info real.bin >/dev/null 2>&1 && ok "train --out SYMLINK: the target gets the model, the link stays" ||
    bad "--out symlink: exit $rc, link $( [ -L lnk ] && echo kept || echo replaced), real.bin $(wc -c <real.bin) bytes"
"$NN" train $TR --out - >stdout.bin 2>err
rc=$?
[ $rc = 0 ] && [ ! -e ./- ] && "$NN" info stdout.bin >/dev/null 2>&1 && ok "train --out - writes the model to stdout" ||
    bad "--out -: exit $rc, file '-' $( [ -e ./- ] && echo created || echo absent)"
rm -f ./-
"$NN" export d.bin --c - >stdout.h 2>err
rc=$?
[ $rc = 0 ] && [ ! -e ./- ] && grep -q 'nn_predict' stdout.h && ok "export --c - writes the header to stdout" ||
    bad "--c -: exit $rc, file '-' $( [ -e ./- ] && echo created || echo absent)"
rm -f ./-
"$NN" weights d.bin --pgm - >stdout.pgm 2>err
rc=$?
[ $rc = 0 ] && [ ! -e ./- ] && [ "$(head -c 3 stdout.pgm)" = "$(printf 'P5\n')" ] && ok "weights --pgm - writes the PGM to stdout" ||
    bad "--pgm -: exit $rc, file '-' $( [ -e ./- ] && echo created || echo absent)"
rm -f ./-
TRV="--train iris_named.csv --label-col last --epochs 20 --threads 1"
early "--out in a missing directory: refused before the first epoch" "^nn: /nonexistent/m.bin" "$NN" train $TRV --out /nonexistent/m.bin
mkdir adir
early "--out a directory: refused before the first epoch" "adir" "$NN" train $TRV --out adir
early "--checkpoint in a missing directory: refused before the first epoch" "/nonexistent/c.bin" "$NN" train $TRV --out m.bin --checkpoint /nonexistent/c.bin
cp iris_named.csv victim.csv
"$NN" train --train victim.csv --label-col last --epochs 1 --quiet --out victim.csv >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s victim.csv iris_named.csv && grep -q 'victim.csv' err && ok "--out = --train: refused (exit $rc), the data intact" || bad "--out = --train: exit $rc, data $(cmp -s victim.csv iris_named.csv && echo intact || echo overwritten)"
cp iris_named.csv victim.csv && ln -s victim.csv vlink.csv
"$NN" train $TR --test vlink.csv --out victim.csv >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s victim.csv iris_named.csv && ok "--out = --test (through a link): refused (exit $rc), the data intact" || bad "--out = --test: exit $rc"
"$NN" train $TR --out same.bin --checkpoint same.bin >/dev/null 2>err
rc=$?
[ $rc != 0 ] && [ ! -e same.bin ] && grep -q 'same.bin' err && ok "--out = --checkpoint: refused (exit $rc), nothing written" || bad "--out = --checkpoint: exit $rc"
cp d.bin own.bin
"$NN" export own.bin --c own.bin --prefix nn >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s own.bin d.bin && ok "export --c onto its own MODEL: refused (exit $rc), the model intact" || bad "export --c MODEL MODEL: exit $rc, model $(cmp -s own.bin d.bin && echo intact || echo overwritten)"
cp d.bin own.bin
"$NN" weights own.bin --pgm own.bin >/dev/null 2>err
rc=$?
[ $rc != 0 ] && cmp -s own.bin d.bin && ok "weights --pgm onto its own MODEL: refused (exit $rc), the model intact" || bad "weights --pgm MODEL MODEL: exit $rc, model $(cmp -s own.bin d.bin && echo intact || echo overwritten)"

# ---- every output on /dev/full: exit 1 and a message ------------------------------
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n' >xor.csv
TR="--train xor.csv --label-col last --layers 2-4-2 --epochs 3 --threads 1 --quiet"
"$NN" train $TR --out x.bin
# an interrupted run, so that --resume has epochs left to train and checkpoint
env --default-signal=INT "$NN" train ${TR/--epochs 3/--epochs 1000000} --every 1000000 --out xi.bin --checkpoint ck0.bin 2>/dev/null &
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
        ok "$name on /dev/full: exit 1: $(tail -1 err | head -c 120)"
    else
        bad "$name on /dev/full: exit $rc, $( [ -c "$FULL" ] && echo 'device kept' || echo 'device REPLACED'), stderr '$(head -c 150 err)'"
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
full "export --c" path "$NN" export x.bin --c "$FULL" --prefix nn
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

# ---- atomic save, stdout errors ---------------------------------------------------------
"$NN" train --train "$D" --label-col last --holdout 297 --out "$T/dh.bin" 2>"$T/log"
cut -d, -f1-64 "$D" >"$T/feat.csv"
cp "$T/dh.bin" "$T/keep.bin"
mkdir "$T/ro" && cp "$T/dh.bin" "$T/ro/m.bin" && chmod 555 "$T/ro"
# an unwritable directory: a read-only one, or for root (as CI runs), sysfs,
# where even root cannot create a file
if [ "$(id -u)" != 0 ]; then ro=$T/ro; else ro=/sys; fi
expect "unwritable directory ($ro): reported before training" 1 "$ro/m.bin: cannot write there" "$NN" train --train "$D" --label-col last --epochs 1 --out "$ro/m.bin"
grep -q '^epoch' "$T/err" && bad "unwritable directory reported only after training"
cmp -s "$T/ro/m.bin" "$T/keep.bin" && ok "old model survives a failed save" || bad "old model damaged"
chmod 755 "$T/ro"
if [ -w /dev/full ]; then
    expect "predict into a full stdout: exit 1, said" 1 "error writing to standard output" sh -c "'$NN' predict '$T/d.bin' '$T/feat.csv' >/dev/full"
fi
(ulimit -f 1; "$NN" train --train "$D" --label-col last --epochs 1 --layers 64-200-10 --out "$T/keep.bin" 2>"$T/err"; echo $? >"$T/rc")
[ "$(cat "$T/rc")" = 1 ] && cmp -s "$T/keep.bin" "$T/dh.bin" && ok "file-size limit: save fails with status 1, old model kept" || bad "ulimit -f save: rc $(cat "$T/rc") $(cat "$T/err")"
ls "$T" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok "no temporary file left behind"

# ---- the weights picture ------------------------------------------------------------------
"$NN" weights "$T/dh.bin" --pgm "$T/w.pgm" 2>/dev/null
if ! command -v perl >/dev/null; then
    skip "weights --pgm: its pixels, read with perl" "perl is not installed" "perl"
elif perl -e 'open F, $ARGV[0]; binmode F; local $/; $_ = <F>; /^P5\n(\d+) (\d+)\n255\n/ or exit 1; ($w, $h) = ($1, $2);
        $p = substr($_, length($&)); exit 2 unless length($p) == $w * $h && $w == 55 && $h == 46;
        for $j (0..29) { ($x0, $y0) = (($j % 6) * 9 + 1, int($j / 6) * 9 + 1); ($lo, $hi) = (255, 0);
            for $i (0..63) { $v = ord(substr($p, ($y0 + int($i / 8)) * $w + $x0 + $i % 8, 1)); $lo = $v if $v < $lo; $hi = $v if $v > $hi }
            exit 3 unless $lo == 0 && $hi == 255; exit 4 unless ord(substr($p, ($y0 - 1) * $w + $x0, 1)) == 128 }' "$T/w.pgm"; then
    ok "weights --pgm: 30 tiles of 8x8 in a 55x46 PGM, each scaled 0..255, grey borders"
else
    bad "weights PGM (perl exit $?)"
fi

# a reader of train's progress that goes away early: the model is still saved
rm -f pipe.bin
"$NN" train --train iris_named.csv --label-col last --epochs 30 --out pipe.bin 2>&1 | head -1 >/dev/null
rc=${PIPESTATUS[0]}
"$NN" predict pipe.bin ifeat.csv >pipe.out 2>/dev/null
[ "$rc" = 0 ] && [ "$(wc -l <pipe.out)" = 150 ] && ok "train 2>&1 | head -1: the run goes on and saves its model (exit 0)" || bad "train into a closed pipe: exit $rc, $(wc -l <pipe.out) answers"
# a replaced model keeps its mode; a new one gets the umask's; a write-protected one is not replaced
"$NN" train --train iris.csv --label-col last --epochs 1 --out mode.bin --quiet 2>/dev/null && chmod 600 mode.bin &&
"$NN" train --train iris.csv --label-col last --epochs 2 --out mode.bin --quiet 2>/dev/null
[ "$(stat -c %a mode.bin)" = 600 ] && ok "a replaced model keeps its mode (600)" || bad "replaced model's mode: $(stat -c %a mode.bin)"
rm -f um.bin; (umask 077 && "$NN" train --train iris.csv --label-col last --epochs 1 --out um.bin --quiet 2>/dev/null)
[ "$(stat -c %a um.bin)" = 600 ] && ok "a new model under umask 077: mode 600" || bad "umask 077: $(stat -c %a um.bin)"
cp mode.bin ro_before.bin && chmod 444 mode.bin
expect "a write-protected model: refused before training, kept" 1 "mode.bin: is write-protected \(mode 444\): not replaced" "$NN" train --train iris.csv --label-col last --epochs 1 --out mode.bin
cmp -s mode.bin ro_before.bin && ok "the write-protected model is unchanged" || bad "write-protected model changed"
# SIGINT inherited as ignored (a job a script starts with &) stays ignored, in training as in loading
rm -f ign.bin ign.log
sh -c 'trap "" INT; exec "$0" train --train "$1" --label-col last --layers 64-100-10 --epochs 1500 --val 0 --threads 1 --out ign.bin --log ign.log --quiet' "$NN" "$D" &
pid=$!
for i in $(seq 100); do [ -f ign.log ] && [ "$(wc -l <ign.log)" -ge 3 ] && break; sleep 0.1; done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
[ "$rc" = 0 ] && [ "$(wc -l <ign.log)" = 1501 ] && [ -s ign.bin ] && ok "SIGINT ignored by the parent: training goes on to its last epoch (exit 0)" || bad "ignored SIGINT: exit $rc, $(wc -l <ign.log) log lines"
summary output
