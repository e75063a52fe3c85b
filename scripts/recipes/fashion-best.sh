#!/bin/bash
# T2, the best recipe found for Fashion-MNIST: 784-512relu-256relu-10softmax,
# log-likelihood cost, He initialisation, Nesterov momentum 0.9, eta 0.05,
# cosine schedule, dropout 0.2, mini-batch 64, 60 epochs; 5000 training rows
# held out for validation, and the best epoch on them is kept.  Settings were
# chosen on that validation split only (docs/BENCHMARKS.md).
. "$(dirname "$0")/common.sh"
recipe --layers 784-512relu-256relu-10softmax --optimizer nesterov --momentum 0.9 --eta 0.05 --batch 64 \
    --epochs 60 --dropout 0.2 --schedule cosine --val 5000
