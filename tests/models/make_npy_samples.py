#!/usr/bin/python3
"""Small .npy files written by numpy itself, for the reader tests (tests/numerics/npy_test.cpp).

Each <dtype>.npy holds v[i] = (i * 7 % 23 - 11) * f for i < 24 in shape (2, 3, 4), f = 0.25 for the
float dtypes and 1 for the integer ones; big_f8.npy is the same float64 array stored big-endian,
v2_i4.npy the int32 array in format version 2.0, fortran_f4.npy a Fortran-ordered array, scalar_f8.npy a
0-d array (3.5) and empty_i2.npy an int16 array of shape (0, 5). Usage: make_npy_samples.py --out DIR
"""
import argparse
import os

import numpy as np


def pattern(dtype):
    i = np.arange(24)
    v = (i * 7 % 23 - 11).astype(np.float64)
    if np.dtype(dtype).kind == "f":
        v = v * 0.25
    return v.astype(dtype).reshape(2, 3, 4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "npy")
    os.makedirs(out, exist_ok=True)
    for name, dtype in [("f4", np.float32), ("f8", np.float64), ("i1", np.int8), ("i2", np.int16),
                        ("i4", np.int32), ("i8", np.int64)]:
        np.save(os.path.join(out, name + ".npy"), pattern(dtype))
    np.save(os.path.join(out, "big_f8.npy"), pattern(np.dtype(">f8")))
    with open(os.path.join(out, "v2_i4.npy"), "wb") as f:
        np.lib.format.write_array(f, pattern(np.int32), version=(2, 0))
    np.save(os.path.join(out, "fortran_f4.npy"), np.asfortranarray(pattern(np.float32)))
    np.save(os.path.join(out, "scalar_f8.npy"), np.array(3.5))
    np.save(os.path.join(out, "empty_i2.npy"), np.zeros((0, 5), np.int16))
    np.save(os.path.join(out, "u2.npy"), np.arange(4, dtype=np.uint16))


if __name__ == "__main__":
    main()
