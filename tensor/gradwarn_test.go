package tensor_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"gotensor/tensor"
)

func nonLeaf() *tensor.Tensor { return scalarT(3).Mul(2) }

// warnings runs f and returns how many non-leaf .grad warnings it printed.
func warnings(t *testing.T, f func()) int {
	t.Helper()
	var buf bytes.Buffer
	tensor.Warnings = &buf
	defer func() { tensor.Warnings = nil }()
	f()
	return strings.Count(buf.String(), "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor")
}

// Reading a non-leaf's Grad in a loop warns once per call site, like Python's default warning
// filter, instead of once per read.
func TestNonLeafGradWarnsOncePerCallSite(t *testing.T) {
	h := nonLeaf()
	tests := []struct {
		name string
		f    func()
		want int
	}{
		{"same tensor, one line, 5 reads", func() {
			for range 5 {
				h.Grad()
			}
		}, 1},
		{"fresh tensors, one line, 5 reads", func() {
			for range 5 {
				nonLeaf().Grad()
			}
		}, 1},
		{"the lines above again", func() {
			for range 5 {
				h.Grad()
			}
		}, 1}, // a new site: this case's own line
		{"two lines", func() {
			h.Grad()
			h.Grad()
		}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := warnings(t, tc.f); got != tc.want {
				t.Errorf("%s: %d warnings, want %d", tc.name, got, tc.want)
			}
		})
	}
}

// An interpreter (the notebook's yaegi) calls Grad through reflection, where Go sees no call
// site: there the warning shows once per tensor and at most once a second.
func TestNonLeafGradWarnsThroughReflection(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	defer tensor.SetWarnClock(func() time.Time { return clock })()
	grad := func(x *tensor.Tensor) { reflect.ValueOf(x).MethodByName("Grad").Call(nil) }
	h := nonLeaf()
	steps := []struct {
		name    string
		advance time.Duration
		f       func()
		want    int
	}{
		{"first read", 0, func() { grad(h) }, 1},
		{"same tensor again, later", 5 * time.Second, func() { grad(h); grad(h) }, 0},
		{"fresh tensors in a quick loop", time.Second, func() {
			for range 10 {
				grad(nonLeaf())
			}
		}, 1},
		{"a fresh tensor within the second", 500 * time.Millisecond, func() { grad(nonLeaf()) }, 0},
		{"a fresh tensor a second later", time.Second, func() { grad(nonLeaf()) }, 1},
	}
	for _, s := range steps {
		clock = clock.Add(s.advance)
		if got := warnings(t, s.f); got != s.want {
			t.Errorf("%s: %d warnings, want %d", s.name, got, s.want)
		}
	}
}
