#!/usr/bin/python3
"""Corrupt one thing in a generated project (for the mutation tests of `aie4ml verify`).

  mutate_project.py DIR weight    first packed weight of the first layer's first kernel
                                  (a real weight: it multiplies input feature 0 into output feature 0) += 64
  mutate_project.py DIR tiling    the feature offset of the first shared-buffer reader port (the first
                                  layer's input) moves by one tile
  mutate_project.py DIR cascade   two chains of the first layer with cascades swap the destination
                                  of their first cascade link
  mutate_project.py DIR restore   undo: every mutated file gets its original text back (with a new
                                  modification time, so make rebuilds what includes it)

Prints what it changed; exits 1 when the project has nothing of that kind to corrupt.
"""
import glob
import os
import re
import sys


def edit(path, fn):
    with open(path) as f:
        text = f.read()
    new, what = fn(text)
    if new is None:
        print(f"nothing to mutate in {path}: {what}")
        sys.exit(1)
    if not os.path.exists(path + ".orig"):
        with open(path + ".orig", "w") as f:
            f.write(text)
    with open(path, "w") as f:
        f.write(new)
    print(f"{path}: {what}")


def restore(prj):
    for orig in glob.glob(f"{prj}/**/*.orig", recursive=True):
        with open(orig) as f:
            text = f.read()
        with open(orig[:-len(".orig")], "w") as f:
            f.write(text)
        os.remove(orig)


def mutate_weight(prj):
    def fn(text):
        m = re.search(r"#define (AIE4ML_W_\w+_c0_p0) \\\n\s+(-?\d+)", text)
        if not m:
            return None, "no weights macro"
        v = int(m.group(2))
        nv = v - 64 if v >= 0 else v + 64
        return text[:m.start(2)] + str(nv) + text[m.end(2):], f"{m.group(1)}[0]: {v} -> {nv}"
    graph = open(f"{prj}/aie/graph.h").read()
    layers = re.findall(r'#include "weights/(\w+)\.h"', graph)
    edit(f"{prj}/aie/weights/{layers[0]}.h", fn)


def mutate_tiling(prj):
    def fn(text):
        m = re.search(r"(read_access\(\w+\.out\[\d+\]\) = adf::tiling\(\{\.buffer_dimension = \{\d+, \d+\},\s*"
                      r"\.tiling_dimension = \{(\d+), \d+\},\s*\.offset = \{)(\d+)(, 0\})", text)
        if not m:
            return None, "no shared-buffer reader"
        tile, old = int(m.group(2)), int(m.group(3))
        new = old + tile
        return text[:m.start(3)] + str(new) + text[m.end(3):], f"{m.group(1).split(' =')[0]} offset {old} -> {new}"
    edit(f"{prj}/aie/graph.h", fn)


def mutate_cascade(prj):
    def fn(text):
        links = re.findall(r"adf::connect<adf::cascade>\((k_\w+)_c(\d+)_p(\d+)\.out\[0\], (k_\w+_c\d+_p\d+)\.in\[1\]\);", text)
        first = {}
        for layer, chain, pos, dst in links:
            if pos == "0":
                first.setdefault(layer, []).append((chain, dst))
        for layer, chains in first.items():
            if len(chains) >= 2:
                (c0, d0), (c1, d1) = chains[0], chains[1]
                a = f"adf::connect<adf::cascade>({layer}_c{c0}_p0.out[0], {d0}.in[1]);"
                b = f"adf::connect<adf::cascade>({layer}_c{c1}_p0.out[0], {d1}.in[1]);"
                text = text.replace(a, a.replace(d0, "@@")).replace(b, b.replace(d1, d0)).replace("@@", d1)
                return text, f"{layer}: chain {c0} now cascades into {d1}, chain {c1} into {d0}"
        return None, "no layer with two cascaded chains"
    edit(f"{prj}/aie/graph.h", fn)


if __name__ == "__main__":
    modes = {"weight": mutate_weight, "tiling": mutate_tiling, "cascade": mutate_cascade, "restore": restore}
    if len(sys.argv) != 3 or sys.argv[2] not in modes:
        print(__doc__)
        sys.exit(2)
    modes[sys.argv[2]](sys.argv[1])
