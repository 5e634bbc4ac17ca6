package runtime

import (
	"errors"
	"strings"
	"testing"
)

// A tensor error in a cell reads like PyTorch's: the message and the cell line, without the
// library's compiled frames.
func TestTensorErrorTraceback(t *testing.T) {
	s := newSession(t)
	_, err, _ := exec(t, s, "a := tensor.Ones(3)\nb := a.Add(tensor.Ones(4))")
	var ce *CellError
	if !errors.As(err, &ce) {
		t.Fatalf("Execute(shape mismatch) = %v, want a *CellError", err)
	}
	tb := strings.Join(ce.Traceback, "\n")
	for _, want := range []string{"The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0", "cell line 2"} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback lacks %q:\n%s", want, tb)
		}
	}
	if strings.Contains(tb, "compiled frames") || strings.Contains(tb, "gotensor/tensor.") {
		t.Errorf("traceback shows the library's frames:\n%s", tb)
	}
}
