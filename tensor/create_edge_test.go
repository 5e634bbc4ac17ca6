package tensor_test

import (
	"strings"
	"testing"

	"gotensor/tensor"
)

// Edge cases of New that PyTorch answers too: empty slices keep their Go element type, and nil
// is a clear error rather than a reflection panic.
func TestNewEdgeCases(t *testing.T) {
	for _, c := range []struct {
		name string
		in   any
		want string
	}{
		{"empty int64", []int64{}, "tensor([], dtype=torch.int64)"},
		{"empty int32", []int32{}, "tensor([], dtype=torch.int32)"},
		{"empty float64", []float64{}, "tensor([])"},
		{"empty bool", []bool{}, "tensor([], dtype=torch.bool)"},
		{"empty nested int", [][]int{}, "tensor([], dtype=torch.int64)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := tensor.New(c.in).String(); got != c.want {
				t.Errorf("New(%#v) = %s, want %s", c.in, got, c.want)
			}
		})
	}
	err := tensor.Maybe(func() { tensor.New(nil) })
	if err == nil || !strings.Contains(err.Error(), "Could not infer dtype of nil") {
		t.Errorf("New(nil) error = %v, want \"Could not infer dtype of nil\"", err)
	}
}
