"""Hand a run record to an experiment tracker (MLflow), imported only when called."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import DataflowError


def log_to_mlflow(run_dir: str | os.PathLike[str]) -> None:
    """Log a run record to the active MLflow run (started if none is): `run.json` as a
    dict, `dag.svg` as an artifact, config as params, per-node durations as metrics."""
    try:
        import mlflow
    except ImportError:
        msg = "log_to_mlflow needs MLflow: pip install mlflow (or mlflow-skinny)"
        raise DataflowError(msg) from None
    folder = Path(run_dir)
    content = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    started = mlflow.active_run() is None
    if started:
        mlflow.start_run(run_name=folder.name)
    try:
        mlflow.log_dict(content, "sideflow/run.json")
        if (folder / "dag.svg").is_file():
            mlflow.log_artifact(str(folder / "dag.svg"), "sideflow")
        mlflow.log_params({f"config.{k}": v if isinstance(v, str) else json.dumps(v)
                           for k, v in content["config"].items()})
        mlflow.set_tags({"sideflow.status": content["status"], "sideflow.version": content["sideflow"],
                         **{f"git.{Path(g['root']).name}.commit": g.get("commit") or "none"
                            for g in content["git"]}})
        mlflow.log_metrics({f"seconds.{n}": e["seconds"] for n, e in content["nodes"].items()
                            if "seconds" in e})
    finally:
        if started:
            mlflow.end_run()
