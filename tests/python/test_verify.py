"""m.verify() is `aie4ml verify`: on a project whose packed weights were corrupted (tests/scripts/
mutate_project.py, the mutation the CLI's own test uses) it reports the mismatching layer and, by default,
raises aie4ml.CheckFailure (the CLI's exit 1). The passing case is covered by test_tutorial.py."""
import os
import subprocess

import pytest

import aie4ml


def test_verify_catches_a_corrupted_weight(qdq_jet, tmp_path):
    model, xpath = qdq_jet
    m = aie4ml.convert(model)
    prj = m.write(tmp_path / "prj")
    mutate = os.path.join(os.environ["AIE4ML_SOURCE_ROOT"], "tests", "scripts", "mutate_project.py")
    subprocess.run([os.environ["AIE4ML_PYTHON"], mutate, prj, "weight"], check=True, capture_output=True)
    with pytest.raises(aie4ml.CheckFailure, match=r"verification failed: \d+/50 samples bit-exact"):
        m.verify(samples=50, verbose=False)
    r = m.verify(samples=50, verbose=False, check=False)
    assert not r["passed"] and r["exact_samples"] < r["samples"] == 50
    assert r["first_mismatch"].startswith("layer "), r["first_mismatch"]
    with pytest.raises(aie4ml.InputError):
        aie4ml.convert(model).verify(samples=0)
