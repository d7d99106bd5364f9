"""aie4ml from Python, in hls4ml's vocabulary.

    import aie4ml
    cfg = aie4ml.config_from_onnx("model.onnx", default_precision="ap_fixed<8,3>")
    m = aie4ml.convert("model.onnx", cfg, device="ve2802")
    y = m.predict(x)           # numpy in, numpy out: bit-exact, the same numbers as `aie4ml predict`
    t = m.trace(x)             # {layer: {"quantised": ..., "float": ...}}
    m.write("prj/")            # the project `aie4ml compile` writes (report.html included)
    m.verify()                 # `aie4ml verify`: build the project on the host, prove it bit-exact
    r = m.report()             # report.json as a dict

Bad input raises aie4ml.InputError (a ValueError) with the message the CLI prints; a failed check
(verify) raises aie4ml.CheckFailure (a RuntimeError). The work is done by the C++ library (_core).
"""
import json
import os
import tempfile

from ._core import CheckFailure, InputError
from . import _core

__all__ = ["convert", "config_from_onnx", "CompiledModel", "InputError", "CheckFailure"]
__version__ = "0.1.0"

DEFAULT_DEVICE = "ve2802"


def config_from_onnx(path, default_precision="ap_fixed<8,3>", batch_size=8, objective="latency"):
    """An hls4ml-style configuration dict for the model at `path`.

    "Model" holds the default precision, batch size and objective; "LayerName" has one entry per layer,
    named as `aie4ml inspect` names them. Layers with weights (Dense, Conv) get weight, bias and result
    precisions equal to `default_precision`; other layers get an empty entry (their result type follows
    the op's rule or the model's own quantiser, see docs/numerics.md) that you may fill in.
    """
    cfg = {"Model": {"Precision": default_precision, "BatchSize": batch_size, "Objective": objective},
           "LayerName": {}}
    for name, _op, has_weights in _core.layers_of(os.fspath(path)):
        entry = {}
        if has_weights:
            entry["Precision"] = {"weight": default_precision, "bias": default_precision,
                                  "result": default_precision}
        cfg["LayerName"][name] = entry
    _core.check_config(json.dumps(cfg))  # a bad precision string fails here, naming the key
    return cfg


def convert(path, config=None, device=DEFAULT_DEVICE, batch=None, calibration=None, calibration_width=8,
            calibration_margin=0):
    """Import, quantise and compile an ONNX model (what `aie4ml compile` does before writing).

    config: a dict in hls4ml vocabulary (as config.json), a path to a JSON file, or None.
    device: device name or alias (`aie4ml devices`), "ve2802" (the VEK280) unless given; None: the
      config's Model.Device, else "ve2802".
    batch: samples per batch (overrides Model.BatchSize).
    calibration: float samples [N, ...]: choose each tensor's type from the float model's ranges on them
      (`compile --calibrate`), with calibration_width bits (8 or 16) and calibration_margin extra
      integer bits.
    """
    config_json = config_path = None
    if isinstance(config, dict):
        config_json = json.dumps(config)
    elif isinstance(config, (str, os.PathLike)):
        if not os.path.isfile(config):
            raise InputError(f"config file '{os.fspath(config)}' does not exist")
        config_path = os.fspath(config)
    elif config is not None:
        raise InputError(f"config must be a dict, a JSON file path or None, not {type(config).__name__}")
    core = _core.convert(os.fspath(path), config_json, config_path, device, batch, calibration,
                         calibration_width, calibration_margin)
    return CompiledModel(core, os.fspath(path))


class CompiledModel:
    """A quantised, mapped model (returned by aie4ml.convert)."""

    def __init__(self, core, source):
        self._core = core
        self.source = source
        self.output_dir = None
        self._tmp = None

    # -- what was compiled ------------------------------------------------------------------------
    @property
    def device(self):
        return self._core.device

    @property
    def config(self):
        """The effective configuration (as config.json)."""
        return json.loads(self._core.config_json)

    @property
    def layers(self):
        return list(self._core.layers)

    @property
    def input_types(self):
        return dict(zip(self._core.inputs, self._core.input_types))

    @property
    def output_types(self):
        return dict(zip(self._core.outputs, self._core.output_types))

    @property
    def warnings(self):
        return list(self._core.warnings)

    @property
    def notes(self):
        return list(self._core.notes)

    # -- running it ---------------------------------------------------------------------------------
    def predict(self, x, raw=False):
        """Bit-exact outputs for float samples x [N, ...] (the input quantised into the model's input type).

        Values as float32 (float64 for types wider than 24 bits), or the integer codes with raw=True; a
        model with several outputs returns a list.
        """
        ys = self._core.predict(x, raw)
        return ys[0] if len(ys) == 1 else ys

    def trace(self, x):
        """Every layer's output on x: {layer: {"quantised": bit-exact values, "float": float model's values
        of the same tensor (None when it has none), "type": the fixed-point type, "tensor", "op"}}."""
        return self._core.trace(x)

    # -- the project --------------------------------------------------------------------------------
    def write(self, output_dir, force=False, profile_inputs=None):
        """Write the project directory (as `aie4ml compile -o output_dir`); returns its path.

        profile_inputs: samples for report.html's numerical profiling (default: the calibration samples,
        else random ones)."""
        lines = self._core.write(os.fspath(output_dir), force, profile_inputs)
        self.write_summary = lines
        self.output_dir = os.fspath(output_dir)
        return self.output_dir

    def _project(self):
        if self.output_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="aie4ml-")
            self.write(os.path.join(self._tmp.name, "project"))
        return self.output_dir

    def verify(self, samples=None, input=None, jobs=2, verbose=True, check=True):
        """`aie4ml verify` on the project (written to a temporary directory first if write() was not
        called): build it on the host against emu/, run it, compare with the reference interpreter.

        Returns a dict (passed, samples, exact_samples, layers_exact, first_mismatch, ...); with check=True
        a failed verification raises aie4ml.CheckFailure, as the CLI exits 1."""
        result = _core.verify(self._project(), samples, None if input is None else os.fspath(input), jobs, verbose)
        if check and not result["passed"]:
            raise CheckFailure(f"verification failed: {result['exact_samples']}/{result['samples']} samples "
                               f"bit-exact" + ("" if result["graph_matches"] else
                                               ", the graph differs from design.json"))
        return result

    def report(self):
        """report.json as a dict (device, tiles_used, tiles_total, layers, latency_ns, interval_ns, ...)."""
        path = os.path.join(self._project(), "report.json")
        if not os.path.exists(path):
            raise InputError(f"no report.json in {self.output_dir} (the model was not mapped: "
                             f"{'; '.join(self.write_summary)})")
        with open(path) as f:
            return json.load(f)

    def report_html(self):
        """Path of the project's report.html."""
        return os.path.join(self._project(), "report.html")

    def __repr__(self):
        return f"<aie4ml.CompiledModel {self.source} on {self.device}: {len(self.layers)} layers>"
