#!/bin/bash
# Universal approximation, shown: a network with one hidden layer of 32 tanh
# units and a linear output learns y = sin(x) on [-pi, pi] from 2000 random
# points (generated here; no shipped file), then is asked for 1000 evenly
# spaced points.  Draws the fit in the terminal and prints the largest
# absolute error on that grid as the last line.
set -eu
cd "$(dirname "$0")/../.."
[ -x ./nn ] || make -s nn
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
awk 'BEGIN { pi = atan2(0, -1); srand(1); print "x,y"
             for (i = 0; i < 2000; i++) { x = -pi + 2 * pi * rand(); printf "%.9g,%.9g\n", x, sin(x) } }' >"$T/train.csv"
awk 'BEGIN { pi = atan2(0, -1); print "x"
             for (i = 0; i < 1000; i++) printf "%.9g\n", -pi + 2 * pi * i / 999 }' >"$T/grid.csv"
./nn train --train "$T/train.csv" --target y --layers 1-32tanh-1linear --val 0 --lambda 0 \
    --eta 0.01 --schedule cosine --epochs 500 --quiet --out "$T/sine.bin"
./nn predict "$T/sine.bin" "$T/grid.csv" | paste -d, <(tail -n +2 "$T/grid.csv") - >"$T/fit.csv"
# the fit, 72 x 17 characters: '*' the network, '.' sin(x) where they part
awk -F, -v W=72 -v H=17 '
    { x[NR] = $1; y[NR] = $2 }
    END {
        pi = atan2(0, -1)
        for (i = 1; i <= NR; i++) {
            c = int((x[i] + pi) / (2 * pi) * (W - 1) + 0.5)
            r = int((1 - (y[i] + 1.1) / 2.2) * (H - 1) + 0.5)
            s = int((1 - (sin(x[i]) + 1.1) / 2.2) * (H - 1) + 0.5)
            if (!((s, c) in g)) g[s, c] = "."
            g[r, c] = "*"
            e = y[i] - sin(x[i]); if (e < 0) e = -e; if (e > m) m = e
        }
        for (r = 0; r < H; r++) {
            line = (r == 0 ? "  1 |" : r == H - 1 ? " -1 |" : "    |")
            for (c = 0; c < W; c++) line = line (((r, c) in g) ? g[r, c] : " ")
            print line
        }
        printf "    +"; for (c = 0; c < W; c++) printf "-"; printf "\n"
        printf "   -pi%*s\n", W - 1, "pi"
        printf "largest absolute error on %d grid points: %.6f\n", NR, m
    }' "$T/fit.csv"
