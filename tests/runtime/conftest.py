"""pytest fixtures for the runtime's end-to-end tests: the kernel's helpers start gotensor through its
installed kernelspec, exactly as Jupyter does."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "kernel"))

from kernel_helpers import jupyter_path, kernel, shared_kernel  # noqa: E402,F401  (fixtures)
