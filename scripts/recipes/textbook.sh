#!/bin/bash
# T1, the textbook's chapter 1 network (Nielsen, "Neural Networks and Deep
# Learning"): 784-30-10, sigmoid, quadratic cost, N(0,1) weights, eta 3.0,
# mini-batch 10, 30 epochs.
. "$(dirname "$0")/common.sh"
recipe --layers 784-30-10 --eta 3.0 --batch 10 --epochs 30
