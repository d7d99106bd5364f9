#!/usr/bin/python3
"""The aie4ml tutorial: from a float model to a verified AIE-ML project, in Python (see README.md here).

    PYTHONPATH=build/python /usr/bin/python3 examples/tutorial/tutorial.py --out out/tutorial

Steps: 1 make and train the float model (make_model.py), 2 an hls4ml-style precision config,
3 convert, 4 bit-exact predictions and accuracy against the float model, 5 write the project,
6 verify it (build it on this machine against aie4ml's AIE emulation and compare bit for bit),
7 the performance report and report.html. Writes OUT/tutorial_summary.json with what each step found.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

import aie4ml

HERE = os.path.dirname(os.path.abspath(__file__))


def step(n, title):
    print(f"\n== step {n}: {title}", flush=True)


def make_model(out):
    step(1, "make and train the float model (make_model.py)")
    subprocess.run([sys.executable, os.path.join(HERE, "make_model.py"), "--out", out], check=True)
    return os.path.join(out, "jet_tagger_float.onnx")


def make_config(model):
    step(2, "an hls4ml-style configuration")
    # Every layer named as `aie4ml inspect` names it, with the default precision everywhere ...
    cfg = aie4ml.config_from_onnx(model, default_precision="ap_fixed<8,3>")
    # ... then refined per layer, as in hls4ml: weights within +-2, and outputs with rounding, saturation
    # and as many integer bits as the layer's activations need (read off report.html's profiling of a
    # first attempt with ap_fixed<8,3> everywhere, where they saturated; `calibration=` automates this).
    integer_bits = {"fc1": 5, "fc2": 5, "fc3": 6, "fc4": 6}
    cfg["Model"]["Precision"] = "ap_fixed<8,4,AP_RND_CONV,AP_SAT>"  # the default, and the input's type
    for name, layer in cfg["LayerName"].items():
        if "Precision" in layer:
            layer["Precision"]["weight"] = "ap_fixed<8,2>"
            layer["Precision"]["result"] = f"ap_fixed<8,{integer_bits[name]},AP_RND_CONV,AP_SAT>"
    print(json.dumps(cfg, indent=1))
    return cfg


def convert(model, cfg):
    step(3, "convert for the VEK280 (ve2802)")
    m = aie4ml.convert(model, cfg, device="ve2802")
    print(m)
    print("input types:", m.input_types, " output types:", m.output_types)
    for w in m.warnings:
        print("warning:", w)
    return m


def predict(m, out):
    step(4, "bit-exact predictions, accuracy against the float model")
    x = np.load(os.path.join(out, "x_test.npy"))
    labels = np.load(os.path.join(out, "y_test.npy"))
    y = m.predict(x)                       # what the AIE-ML array computes, bit for bit
    trace = m.trace(x)                     # every layer, quantised and float
    y_float = trace["softmax"]["float"]
    np.save(os.path.join(out, "y_quantised.npy"), y)
    figures = {
        "samples": int(len(x)),
        "accuracy_quantised": float((y.argmax(axis=1) == labels).mean()),
        "accuracy_float": float((y_float.argmax(axis=1) == labels).mean()),
        "argmax_agreement": float((y.argmax(axis=1) == y_float.argmax(axis=1)).mean()),
        "max_abs_error_per_layer": {k: float(np.abs(v["quantised"] - v["float"]).max())
                                    for k, v in trace.items() if v["float"] is not None},
    }
    print(f"accuracy: quantised {figures['accuracy_quantised']:.4f}, float {figures['accuracy_float']:.4f}, "
          f"argmax agreement {figures['argmax_agreement']:.4f} on {len(x)} samples")
    for layer, err in figures["max_abs_error_per_layer"].items():
        print(f"  {layer:10s} max |quantised - float| = {err:.4g}")
    return figures


def write(m, out):
    step(5, "write the project")
    prj = os.path.join(out, "jet_tagger_prj")
    calib = np.load(os.path.join(out, "x_calib.npy"))
    m.write(prj, force=True, profile_inputs=calib)  # report.html profiles on these samples
    print("wrote", prj, ":", ", ".join(sorted(os.listdir(prj))))
    return prj


def verify(m, samples):
    step(6, f"verify: build the project on the host and compare {samples} samples bit for bit")
    r = m.verify(samples=samples)
    print(f"bit-exact: {r['exact_samples']}/{r['samples']} samples; layers {', '.join(r['layers_exact'])}")
    return r


def report(m):
    step(7, "performance report and report.html")
    r = m.report()
    print(f"{r['tiles_used']} of {r['tiles_total']} tiles; latency {r['latency_ns']:.1f} ns, interval "
          f"{r['interval_ns']:.1f} ns, {r['throughput_samples_per_s']:.4g} samples/s")
    print("open", m.report_html(), "in a browser")
    return r


def main():
    ap = argparse.ArgumentParser(description="aie4ml tutorial")
    ap.add_argument("--out", default="tutorial_out", help="working directory")
    ap.add_argument("--verify-samples", type=int, default=200)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    model = make_model(out)
    m = convert(model, make_config(model))
    figures = predict(m, out)
    prj = write(m, out)
    v = verify(m, args.verify_samples)
    r = report(m)
    summary = {"model": model, "project": prj, "report_html": m.report_html(), "predict": figures,
               "verify": {k: v[k] for k in ("passed", "samples", "exact_samples", "layers_exact")},
               "latency_ns": r["latency_ns"], "interval_ns": r["interval_ns"]}
    with open(os.path.join(out, "tutorial_summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("\ndone:", os.path.join(out, "tutorial_summary.json"))


if __name__ == "__main__":
    main()
