"""pytest fixtures for the kernel tests; the helpers live in kernel_helpers.py, a name no sibling
test folder will shadow (every folder may have its own conftest.py)."""

from kernel_helpers import jupyter_path, kernel, shared_kernel  # noqa: F401  (fixtures)
