"""`log_to_mlflow` against MLflow's local file store (skipped when MLflow is not installed:
it is not in the test extra; `pip install mlflow-skinny` to run this)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sideflow
from sideflow.record import log_to_mlflow

mlflow = pytest.importorskip("mlflow")


def test_log_to_mlflow_logs_the_record_and_the_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 asks for a database otherwise
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    module = tmp_path / "tracked.py"
    module.write_text("import pandas as pd\n\n\ndef total(x: pd.Series, scale: float) -> float:\n"
                      "    return float(x.sum()) * scale\n")
    flow = sideflow.Dataflow(module, config={"scale": 2.0, "region": "US"})
    flow.run("total", inputs={"x": pd.Series([1.0, 2.0])}, record=tmp_path / "runs")
    (folder,) = (tmp_path / "runs").iterdir()

    log_to_mlflow(folder)

    (run,) = mlflow.search_runs(output_format="list")
    assert run.info.run_name == folder.name and mlflow.active_run() is None
    assert run.data.params == {"config.scale": "2.0", "config.region": "US"}
    assert run.data.tags["sideflow.status"] == "ok"
    assert set(run.data.metrics) == {"seconds.total"}
    client = mlflow.MlflowClient()
    assert sorted(a.path for a in client.list_artifacts(run.info.run_id, "sideflow")) == [
        "sideflow/dag.svg", "sideflow/run.json"]
    logged = mlflow.artifacts.load_dict(f"{run.info.artifact_uri}/sideflow/run.json")
    assert logged["nodes"]["total"]["status"] == "ran"


def test_log_to_mlflow_inside_an_active_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    module = tmp_path / "one.py"
    module.write_text("def one() -> int:\n    return 1\n")
    sideflow.Dataflow(module).run("one", record=tmp_path / "runs")
    (folder,) = (tmp_path / "runs").iterdir()
    with mlflow.start_run(run_name="nightly") as active:
        log_to_mlflow(folder)
        assert mlflow.active_run().info.run_id == active.info.run_id
    (run,) = mlflow.search_runs(output_format="list")
    assert run.info.run_name == "nightly" and run.data.tags["sideflow.status"] == "ok"
