#!/usr/bin/python3
"""QDQ MLPs for the generated-project tests (tests/scripts/verify_qdq.sh), made with the same recipe as
make_qdq_models.py (whose mlp() this imports): power-of-two scales, zero points 0, ReLU between layers,
inputs that mix normal values, exact rounding ties and values that saturate the input quantiser.

Writes DIR/codegen/<name>.onnx and DIR/codegen/<name>_x.npy (float32 inputs, 1200 samples) for:
  qdq16_l4 .. qdq16_l6  16-bit MLPs with 4 to 6 layers (make_qdq_models.py has 1 to 3), wide enough
                        (64 to 96 features) for cascade grids up to 8 x 8 with int16 slices of 8;
  wide8_l2              an 8-bit 128-160-40 MLP for long cascades (8 kernels of 16 input features).
Deterministic: fixed seeds. Usage: make_codegen_models.py --out DIR
"""
import argparse
import importlib.util
import os

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))


def load_qdq_recipe():
    spec = importlib.util.spec_from_file_location("make_qdq_models", os.path.join(HERE, "make_qdq_models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "codegen")
    os.makedirs(out, exist_ok=True)
    recipe = load_qdq_recipe()
    widths16 = [64, 96, 72, 64, 80, 64, 9]
    specs = [(f"qdq16_l{n}", widths16[:n + 1], 16, 500 + n, dict(opset=21, relu_unsigned=n == 5)) for n in (4, 5, 6)]
    specs.append(("wide8_l2", [128, 160, 40], 8, 600, dict(relu_unsigned=True)))
    for name, dims, bits, seed, kw in specs:
        m, x = recipe.mlp(name, dims, bits, seed, **kw)
        onnx.save(m, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + "_x.npy"), x)


if __name__ == "__main__":
    main()
