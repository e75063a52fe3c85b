#!/bin/sh
# Put the four IDX files of MNIST or Fashion-MNIST, unpacked, in data/.
#   scripts/get-data.sh fashion   # from Debian's dataset-fashion-mnist if installed
#   scripts/get-data.sh mnist     # downloaded with curl or wget from public mirrors
# Every .gz file is checked against the SHA-256 sums below before it is used.
# Existing files in data/ are replaced only after all four verified files are in hand.
set -eu
which=${1:-}
here=$(cd "$(dirname "$0")/.." && pwd)
dest=${NN_DATA_DIR:-$here/data}
files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"

case $which in
mnist)
    mirrors="https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist"
    sums="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609
3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c
8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6
f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    local_dir= ;;
fashion)
    mirrors="https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion"
    sums="b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"
    local_dir=/usr/share/datasets/fashion-mnist ;;
*)
    echo "usage: $0 mnist|fashion" >&2
    exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch() { # fetch NAME.gz into $tmp
    if [ -n "$local_dir" ] && [ -f "$local_dir/$1" ]; then
        cp "$local_dir/$1" "$tmp/$1"
        return 0
    fi
    for m in $mirrors; do
        if command -v curl >/dev/null 2>&1; then
            curl -fsSL --retry 2 --connect-timeout 20 -o "$tmp/$1" "$m/$1" && return 0
        elif command -v wget >/dev/null 2>&1; then
            wget -q -T 20 -O "$tmp/$1" "$m/$1" && return 0
        else
            echo "$0: need curl or wget to download $1" >&2
            return 1
        fi
    done
    echo "$0: could not download $1${local_dir:+ (or install Debian's dataset-fashion-mnist)}" >&2
    return 1
}

i=1
for f in $files; do
    sum=$(echo "$sums" | sed -n "${i}p")
    i=$((i + 1))
    fetch "$f.gz"
    got=$(sha256sum "$tmp/$f.gz" | cut -d' ' -f1)
    if [ "$got" != "$sum" ]; then
        echo "$0: $f.gz: SHA-256 mismatch (got $got, expected $sum)" >&2
        exit 1
    fi
    gzip -dc "$tmp/$f.gz" >"$tmp/$f"
done
mkdir -p "$dest"
for f in $files; do mv "$tmp/$f" "$dest/$f"; done
echo "$which: $(echo $files | wc -w) files in $dest" >&2
