import os
import tempfile

from hamilton.function_modifiers import save_to, source

CASES = [{"inputs": {"path": os.path.join(tempfile.gettempdir(), "sideflow_h28.json")},
          "unstable": ["saved_report"]}]


@save_to.json(path=source("path"), output_name_="saved_report")
def report(path: str) -> dict:
    return {"file": os.path.basename(path), "rows": 3}
