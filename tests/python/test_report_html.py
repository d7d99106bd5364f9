"""report.html written by `aie4ml compile`: self-contained, with the map, the per-layer table, the latency
breakdown and the numerical profiling, checked by parsing it, against report.json and against numpy on
the ONNX initialisers; then rendered by headless Chromium (skipped when Chromium is not installed): the
rendered DOM must hold the same table rows and SVG elements, and the screenshot is kept in
<build>/python_report_screenshot.png for a human to look at."""
import html.parser
import json
import os
import shutil
import subprocess

import numpy as np
import onnx
from onnx import numpy_helper
import pytest


class Page(html.parser.HTMLParser):
    """Counts what the tests look for: tags, table rows by table id and class, SVG elements by class."""

    def __init__(self):
        super().__init__()
        self.tags, self.rows, self.classes, self.text = {}, {}, {}, []
        self.table = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "table":
            self.table = a.get("id")
        if tag == "tr" and a.get("class"):
            key = (self.table, a["class"])
            self.rows[key] = self.rows.get(key, 0) + 1
        for c in (a.get("class") or "").split():
            self.classes[c] = self.classes.get(c, 0) + 1
        for k in ("src", "href"):
            if k in a:
                self.tags.setdefault("external", []).append(a[k])

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None

    def handle_data(self, data):
        self.text.append(data)


def parse(text):
    p = Page()
    p.feed(text)
    return p


@pytest.fixture(scope="module")
def project(tutorial_model, cli, tmp_path_factory):
    model = str(tutorial_model / "jet_tagger_float.onnx")
    work = tmp_path_factory.mktemp("report_html")
    cfg = {"Model": {"Precision": "ap_fixed<8,3>"},
           "LayerName": {"fc1": {"Precision": {"weight": "ap_fixed<8,0>"}}}}  # clips some weights on purpose
    (work / "cfg.json").write_text(json.dumps(cfg))
    cli("compile", model, "-c", work / "cfg.json", "--calibrate", tutorial_model / "x_calib.npy",
        "-o", work / "prj")
    return model, work / "prj"


def test_report_html_is_self_contained_and_complete(project):
    model, prj = project
    text = (prj / "report.html").read_text()
    page = parse(text)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert "external" not in page.tags, page.tags.get("external")
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    report = json.loads((prj / "report.json").read_text())
    quantised = json.loads((prj / "model.json").read_text())
    assert page.rows[("layers", "layer")] == len(report["layers"]) == 4
    assert page.rows[("latency", "stage")] == len(report["performance"]["latency_breakdown_cycles"])
    assert page.rows[("errors", "error")] == len(quantised["ops"])
    # The array map is placement.svg inline, with one rect per compute tile of the device and more.
    svg = (prj / "placement.svg").read_text()
    assert svg.strip() in text
    assert page.tags["svg"] >= 1 + 1 + 2 + len(quantised["ops"])  # map, latency bar, 2 box plots, histograms
    assert page.classes["box"] == 4 + len(quantised["ops"])        # weights of 4 layers, activations of all
    assert "calibration samples" in text


def test_weight_profile_counts_match_numpy(project):
    model, prj = project
    text = (prj / "report.html").read_text()
    init = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in onnx.load(model).graph.initializer}
    # fc1 weights in ap_fixed<8,0>: [-0.5, 127/256]; the others in ap_fixed<8,3>: [-4, 3.96875].
    for name, lo, hi in (("fc1", -0.5, 127 / 256), ("fc2", -4, 3.96875), ("fc4", -4, 3.96875)):
        w = init[f"{name}.weight"]
        beyond = int(((w > hi) | (w < lo)).sum())
        marker = f"{name} weights</text>"
        section = text[text.index(marker):]
        expected = f"{beyond} of {w.size} beyond range"
        assert expected in section[:section.index("</svg>")], (name, expected)
    assert int(((init["fc1.weight"] > 127 / 256) | (init["fc1.weight"] < -0.5)).sum()) > 0, "the test needs clipping"


def test_chromium_renders_it(project):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (Debian package chromium)")
    _, prj = project
    url = "file://" + str(prj / "report.html")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
             f"--user-data-dir={prj.parent / 'chromium-profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = parse(dom.stdout)
    assert page.rows[("layers", "layer")] == 4
    assert page.rows[("errors", "error")] >= 4
    assert page.tags["svg"] >= 8 and page.tags["rect"] > 300  # the VE2802 map alone has 304 compute tiles
    shot = prj.parent / "report.png"
    r = subprocess.run([chromium, *flags, "--window-size=1280,3000", "--hide-scrollbars", f"--screenshot={shot}", url],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000, "blank or tiny screenshot"
    keep = os.environ.get("AIE4ML_BINARY_DIR")
    if keep:
        shutil.copy(shot, os.path.join(keep, "python_report_screenshot.png"))


def test_output_error_matches_cli_predict_and_onnxruntime(project, tutorial_model, cli, ort, tmp_path):
    """The error table's last row (softmax, profiled on the calibration samples) against numpy on the
    CLI's bit-exact outputs and ONNX Runtime's float outputs for the same samples."""
    import re
    model, prj = project
    calib = tutorial_model / "x_calib.npy"
    cli("predict", prj, "--input", calib, "--output", tmp_path / "yq.npy")
    yq = np.load(tmp_path / "yq.npy").astype(np.float64)
    yf = ort(model, np.load(calib), tmp_path).astype(np.float64)
    err = np.abs(yq - yf)
    text = (prj / "report.html").read_text()
    row = re.search(r'<tr class="error"><td class="name">softmax</td>(.*?)</tr>', text).group(1)
    cells = re.findall(r"<td>(?:<span.*?</span>)?([^<]*)</td>", row)
    # op, type, LSB, max, mean, rms error, rms float, SNR, beyond range
    assert np.isclose(float(cells[3]), err.max(), rtol=1e-3), (cells, err.max())
    assert np.isclose(float(cells[4]), err.mean(), rtol=1e-3), (cells, err.mean())
    assert np.isclose(float(cells[6]), np.sqrt((yf ** 2).mean()), rtol=1e-3)
