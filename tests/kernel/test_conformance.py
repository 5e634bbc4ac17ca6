"""The Jupyter project's conformance suite (Debian's python3-jupyter-kernel-test) against gotensor.

Each sample below is a Go cell; the suite validates every message against the v5 message
spec and checks the behaviour. The kernel is started through its installed kernelspec.
"""

import jupyter_kernel_test

from kernel_helpers import ensure_installed


class GotensorKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gotensor"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'import "os"\nfmt.Fprintln(os.Stderr, "error")'
    completion_samples = [{"text": "fmt.Prin"}]
    complete_code_samples = ["x := 1", 'fmt.Println("hi")', "func f() int { return 1 }"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {\n\tfmt.Println(i)"]
    invalid_code_samples = ["x := )", "}"]
    code_generate_error = 'panic("boom")'
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"go" + "pher"'},
    ]
    code_display_data = [
        {"code": 'display.HTML("<b>hi</b>")', "mime": "text/html"},
    ]
    code_history_pattern = "1 + ?"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "fmt.Println"
    code_clear_output = "display.Clear(true)"

    @classmethod
    def setUpClass(cls):
        ensure_installed()
        super().setUpClass()
