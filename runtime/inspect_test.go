package runtime

import (
	"strings"
	"testing"
)

// TestInspectCellLocal inspects names the cell being edited declares before
// the cursor, before the cell has run: their declared or inferable type and
// the line declaring them.
func TestInspectCellLocal(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `type Point struct{ X, Y float64 }
// Norm is the length of p.
func (p Point) Norm() float64 { return math.Hypot(p.X, p.Y) }
func mkPoints() []Point { return nil }
ps := []Point{{3, 4}}
count := 7`); err != nil {
		t.Fatalf("setup: %v", err)
	}
	tests := []struct {
		name string
		code string // the cursor is at @@, else at the end
		want []string
	}{
		{"define", "rate := 0.5\nra@@te", []string{"rate float64", "line 1: rate := 0.5"}},
		{"parameter", "func f(alpha int) {\n\tfmt.Println(alpha", []string{"alpha int", "line 1: func f(alpha int) {"}},
		{"range variable", "for i, p := range ps {\n\tp", []string{"p Point", "line 1: for i, p := range ps {"}},
		{"range index", "for i, p := range ps {\n\t_ = p\n\ti", []string{"i int"}},
		{"from a cell function", "q := mkPoints()\nq", []string{"q []Point", "line 1"}},
		{"compiled call", "x := 1.0\nw := tensor.Ones(2)\nw", []string{"w *tensor.Tensor", "line 2: w := tensor.Ones(2)"}},
		{"var with a type", "func f() {\n\tvar acc []float64\n\tacc", []string{"acc []float64", "line 2: var acc []float64"}},
		{"comma ok", "v, ok := map[string]int{}[\"a\"]\nok", []string{"ok bool"}},
		{"shadows a global", "count := \"many\"\ncount", []string{"count string"}},
		{"unknown type", "z := notYetDefined()\nz", []string{"z (type not known until the cell runs)", "line 1"}},
		{"cell function", "// Twice doubles v.\nfunc Twice(v float64) float64 { return 2 * v }\nTwice(", []string{"func Twice(v float64) float64", "Twice doubles v.", "line 2"}},
		{"method of a local", "q := Point{}\nq.Norm", []string{"func (p Point) Norm() float64", "Norm is the length of p."}},
		{"field of a parameter", "func f(p Point) { p.X", []string{"p.X float64"}},
		{"compiled method of a local", "w := tensor.Ones(2)\nw.Backward", []string{"func (t *Tensor) Backward("}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := cursorAt(tc.code)
			data, found := s.Inspect(code, cursor, 0)
			if !found {
				t.Fatalf("Inspect(%q, %d) found nothing", code, cursor)
			}
			text, _ := data["text/plain"].(string)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("Inspect(%q, %d) = %q, want it to contain %q", code, cursor, text, w)
				}
			}
		})
	}
	// A name declared after the cursor, or in a block the cursor is not
	// in, is not the cell's yet: the session's global count is shown.
	code := "count\ncount := \"later\""
	data, _ := s.Inspect(code, 5, 0)
	if text, _ := data["text/plain"].(string); !strings.Contains(text, "count int") {
		t.Errorf("Inspect(%q, 5) = %q, want the global's type, count int", code, text)
	}
}
