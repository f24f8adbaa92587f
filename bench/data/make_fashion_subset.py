#!/usr/bin/env python3
"""Builds the Fashion-MNIST subset embedded in Descent.dll (src/Descent/Data/Embedded/).

Selection (deterministic, no RNG): for each class 0..9, the first TRAIN_PER_CLASS images of that class
in the order of the original training file, and the first TEST_PER_CLASS of the original test file;
the chosen images keep their original relative order. The output is gzipped IDX (magic 0x803 images,
0x801 labels) written with a zero gzip timestamp and no file name, so reruns give identical bytes.

Usage: python3 bench/data/make_fashion_subset.py [SOURCE_DIR] [OUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist).
  OUT_DIR defaults to src/Descent/Data/Embedded next to this repository's root.
Pure standard library (gzip, struct): no numpy needed.
Fashion-MNIST: Zalando Research (Xiao, Rasul, Vollgraf 2017), MIT licence.
"""
import gzip
import os
import struct
import sys

TRAIN_PER_CLASS = 1000
TEST_PER_CLASS = 200
CLASSES = 10


def read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic != expected_magic:
        sys.exit(f"{path}: magic 0x{magic:08x}, expected 0x{expected_magic:08x}")
    ndims = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    payload = data[4 + 4 * ndims:]
    size = 1
    for d in dims:
        size *= d
    if len(payload) != size:
        sys.exit(f"{path}: header says {dims} = {size} bytes, found {len(payload)}")
    return dims, payload


def write_idx(path, magic, dims, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        # mtime=0 and an empty file name make the output byte-for-byte reproducible.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(header)
            gz.write(payload)


def subset(src_dir, out_dir, prefix, per_class):
    img_dims, pixels = read_idx(os.path.join(src_dir, f"{prefix}-images-idx3-ubyte.gz"), 0x803)
    lbl_dims, labels = read_idx(os.path.join(src_dir, f"{prefix}-labels-idx1-ubyte.gz"), 0x801)
    n, rows, cols = img_dims
    if lbl_dims[0] != n:
        sys.exit(f"{prefix}: {lbl_dims[0]} labels for {n} images")
    taken = [0] * CLASSES
    chosen = []
    for i, label in enumerate(labels):
        if taken[label] < per_class:
            taken[label] += 1
            chosen.append(i)
    if any(t != per_class for t in taken):
        sys.exit(f"{prefix}: not enough images per class: {taken}")
    size = rows * cols
    out_pixels = b"".join(pixels[i * size:(i + 1) * size] for i in chosen)
    out_labels = bytes(labels[i] for i in chosen)
    write_idx(os.path.join(out_dir, f"{prefix}-images-idx3-ubyte.gz"), 0x803, (len(chosen), rows, cols), out_pixels)
    write_idx(os.path.join(out_dir, f"{prefix}-labels-idx1-ubyte.gz"), 0x801, (len(chosen),), out_labels)
    print(f"{prefix}: {len(chosen)} images ({per_class} per class)")


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    src_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "src", "Descent", "Data", "Embedded")
    os.makedirs(out_dir, exist_ok=True)
    subset(src_dir, out_dir, "train", TRAIN_PER_CLASS)
    subset(src_dir, out_dir, "t10k", TEST_PER_CLASS)


if __name__ == "__main__":
    main()
