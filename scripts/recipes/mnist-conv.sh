#!/bin/bash
# The textbook's chapter-6 network on MNIST (Nielsen, "Neural Networks and
# Deep Learning", chapter 6, the net that reaches 99.6%): two convolutions of
# 20 and 40 5x5 maps, each followed by 2x2 max pooling, ReLU throughout, two
# dense layers of 1000 ReLUs with dropout 0.5, a softmax output with the
# log-likelihood cost; SGD at eta 0.03 with L2 lambda 0.1 (the textbook's
# scaling, lambda/n), mini-batches of 10, 40 epochs, and the training images
# shifted by up to 1 pixel each epoch (the book adds four 1-pixel shifted
# copies instead); 10000 training images held out for validation (as the
# book does), the best epoch on them kept, the test set used once, at the
# end.  MNIST is not in Debian: the first run downloads it into data/mnist/
# with `scripts/get-data.sh mnist` (Fashion-MNIST in data/ stays).  Prints
# the test accuracy as its last line.
set -eu
cd "$(dirname "$0")/../.."
[ -x ./nn ] || make -s nn
[ -f data/mnist/train-images-idx3-ubyte ] || { mkdir -p data/mnist && NN_DATA_DIR=data/mnist scripts/get-data.sh mnist; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
./nn train --train data/mnist/train-images-idx3-ubyte --out "$out" \
    --layers 1x28x28-20c5-mp2-40c5-mp2-1000-1000-10 --optimizer sgd --eta 0.03 --lambda 0.1 --batch 10 --epochs 40 \
    --dropout 0.5 --augment shift:1 --val 10000
./nn eval "$out" data/mnist/t10k-images-idx3-ubyte | head -1
