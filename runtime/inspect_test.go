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

// TestInspectLocalOverGlobal inspects names of the cell being typed that
// shadow a global, or members of a type the cell redefines: the cell's own
// declaration decides, never the session's.
func TestInspectLocalOverGlobal(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `x := tensor.Ones(2)
type P struct{ Name string }
// Hello greets.
func (p P) Hello() string { return "hello " + p.Name }`); err != nil {
		t.Fatalf("setup: %v", err)
	}
	tests := []struct {
		name       string
		code       string // the cursor is at @@, else at the end
		want       []string
		wantAbsent []string
	}{
		{"go literal parameter", "go func(x P) { x", []string{"x P"}, []string{"Tensor"}},
		{"defer literal parameter", "defer func(x P) { x@@ }(P{})", []string{"x P"}, []string{"Tensor"}},
		{"defer literal method", "defer func(x P) { x.Hello", []string{"func (p P) Hello() string"}, []string{"Tensor"}},
		{"member of a slice parameter", "func f(x []int) { x.Backward", nil, []string{"Backward"}},
		{"member of an int range variable", "for x := range 3 { x.Item", nil, []string{"Item"}},
		{"method of a redefined type", "type P struct{ Z int }\nvar k P\nk.Hello", nil, []string{"Hello"}},
		{"field of a redefined type", "type P struct{ Z int }\nvar k P\nk.Z", []string{"k.Z int"}, nil},
		{"session type's method", "var k P\nk.Hello", []string{"Hello greets."}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := cursorAt(tc.code)
			data, found := s.Inspect(code, cursor, 0)
			text, _ := data["text/plain"].(string)
			if len(tc.want) > 0 && !found {
				t.Fatalf("Inspect(%q, %d) found nothing", code, cursor)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("Inspect(%q, %d) = %q, want it to contain %q", code, cursor, text, w)
				}
			}
			for _, w := range tc.wantAbsent {
				if strings.Contains(text, w) {
					t.Errorf("Inspect(%q, %d) = %q, want no %q", code, cursor, text, w)
				}
			}
		})
	}
}

// TestInspectRedefinedType inspects a method of a type an earlier cell
// declared and a later one redefined without it: the interpreter drops the
// method, and so does Inspect; a method the redefining cell declares, even
// above the type, is kept.
func TestInspectRedefinedType(t *testing.T) {
	s := newSession(t)
	for _, cell := range []string{
		"type P struct{ Name string }\n// Hello greets.\nfunc (p P) Hello() string { return p.Name }",
		"// Bye leaves.\nfunc (p P) Bye() {}\ntype P struct{ Z int }",
	} {
		if _, err, _ := exec(t, s, cell); err != nil {
			t.Fatalf("setup %q: %v", cell, err)
		}
	}
	tests := []struct {
		code      string
		want      string
		wantFound bool
	}{
		{"var k P\nk.Hello", "", false},
		{"var k P\nk.Bye", "Bye leaves.", true},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			data, found := s.Inspect(tc.code, len(tc.code), 0)
			text, _ := data["text/plain"].(string)
			if found != tc.wantFound || !strings.Contains(text, tc.want) {
				t.Errorf("Inspect(%q) = %q, %v, want %q, %v", tc.code, text, found, tc.want, tc.wantFound)
			}
		})
	}
	if m, _, _ := s.Complete("var k P\nk.", 10); containsString(m, "Hello") || !containsString(m, "Bye") {
		t.Errorf("Complete(%q, 10) = %v, want Bye and no Hello", "var k P\nk.", m)
	}
}
