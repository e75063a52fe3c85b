#!/bin/bash
# The textbook's chapter 3 recipe: 784-30-10, sigmoid, cross-entropy,
# N(0,1/n_in) weights, eta 0.5, L2 lambda 5.0, mini-batch 10, 30 epochs.
. "$(dirname "$0")/common.sh"
recipe --layers 784-30-10 --cost cross-entropy --init scaled --eta 0.5 --lambda 5.0 --batch 10 --epochs 30
