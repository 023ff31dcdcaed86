"""Browser tests: a real JupyterLab / Notebook 7 driven in headless Chromium."""
