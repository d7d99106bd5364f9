#!/usr/bin/python3
"""Compare two .npy arrays element by element.

Usage: compare_npy.py exact OURS.npy REF.npy [LABEL]     every element equal (as float64); on failure
                                                         print the first mismatch and exit 1
       compare_npy.py report OURS.npy REF.npy [LABEL]     print how far REF is from OURS (never fails)
       compare_npy.py rel TOL OURS.npy REF.npy [LABEL]   max |OURS - REF| / max |REF| <= TOL
"""
import sys

import numpy as np


def load(path):
    return np.load(path).astype(np.float64)


def main():
    mode = sys.argv[1]
    tol = float(sys.argv[2]) if mode == "rel" else None
    args = sys.argv[3:] if mode == "rel" else sys.argv[2:]
    ours, ref = load(args[0]), load(args[1])
    label = args[2] if len(args) > 2 else args[0]
    if ours.shape != ref.shape:
        print(f"{label}: shape {ours.shape} != reference {ref.shape}")
        return 1
    diff = np.abs(ours - ref)
    if mode == "exact":
        bad = np.argwhere(ours != ref)
        if len(bad):
            i = tuple(bad[0])
            print(f"{label}: {len(bad)} of {ours.size} elements differ; first at sample {i[0]} index {i[1:]}: "
                  f"ours {ours[i]!r} reference {ref[i]!r}")
            return 1
        print(f"{label}: {ours.shape[0]} samples x {ours[0].size} outputs bit-exact")
        return 0
    if mode == "report":
        n = int((diff > 0).sum())
        # OURS holds fixed-point values: its step is the largest power of two dividing all of them.
        k = next((k for k in range(0, 64) if np.all(ours * 2.0 ** k == np.round(ours * 2.0 ** k))), None)
        lsb = f", {diff.max() * 2.0 ** k:.6g} steps of 2^-{k}" if k is not None else ""
        print(f"{label}: reference differs in {n} of {ours.size} elements "
              f"({int((diff.reshape(len(diff), -1) > 0).any(1).sum())} of {ours.shape[0]} samples), "
              f"max |diff| {diff.max():.6g}{lsb}")
        return 0
    scale = max(np.abs(ref).max(), 1e-30)
    rel = diff.max() / scale
    ok = rel <= tol
    print(f"{label}: max |diff| / max |ref| = {rel:.3g} ({'<=' if ok else '>'} {tol}) over {ours.shape[0]} samples")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
