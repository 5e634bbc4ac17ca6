"""nbclient (what `jupyter execute` and CI use) runs a Go notebook through the installed kernelspec."""

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
import pytest


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "gotensor", "display_name": "Go (gotensor)", "language": "go"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


def test_notebook_runs(jupyter_path):
    nb = notebook(
        'import "strings"\nwords := strings.Fields("tensors and gradients")',
        "len(words)",
        'for i, w := range words {\n\tfmt.Println(i, w)\n}',
        'display.HTML("<b>bold</b>")',
    )
    NotebookClient(nb, timeout=60, kernel_name="gotensor").execute()
    outs = [c.outputs for c in nb.cells]
    assert outs[0] == []
    assert outs[1][0]["output_type"] == "execute_result"
    assert outs[1][0]["data"]["text/plain"] == "3"
    assert outs[1][0]["execution_count"] == 2
    assert outs[2][0]["output_type"] == "stream"
    assert outs[2][0]["text"] == "0 tensors\n1 and\n2 gradients\n"
    assert outs[3][0]["output_type"] == "display_data"
    assert outs[3][0]["data"]["text/html"] == "<b>bold</b>"


def test_notebook_error_stops_the_run(jupyter_path):
    nb = notebook('fmt.Println("first")', 'panic("broken cell")', 'fmt.Println("never")')
    with pytest.raises(CellExecutionError) as e:
        NotebookClient(nb, timeout=60, kernel_name="gotensor").execute()
    assert "broken cell" in str(e.value)
    assert nb.cells[2].outputs == []
