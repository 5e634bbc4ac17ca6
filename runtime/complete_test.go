package runtime

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func TestComplete(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `x := tensor.New([]float64{1, 2}, tensor.RequiresGrad())
type Model struct{ Weight, Bias float64 }
func (m *Model) Forward(v float64) float64 { return m.Weight*v + m.Bias }
model := &Model{Weight: 2}
myCounter := 3
m := mat.NewDense(2, 2, nil)`); err != nil {
		t.Fatalf("setup: %v", err)
	}
	tests := []struct {
		code       string
		cursor     int // -1: end of code
		want       []string
		wantAbsent []string
		start, end int // -1: cursor
	}{
		{"tensor.Ze", -1, []string{"Zeros"}, nil, 7, -1},
		{"x.Ba", -1, []string{"Backward"}, nil, 2, -1},
		{"x.Grad().Ite", -1, []string{"Item"}, nil, 9, -1},
		{"myC", -1, []string{"myCounter"}, nil, 0, -1},
		{"fm", -1, []string{"fmt"}, nil, 0, -1},
		{"model.We", -1, []string{"Weight"}, nil, 6, -1},
		{"model.Fo", -1, []string{"Forward"}, nil, 6, -1},
		{"mat.NewD", -1, []string{"NewDense"}, nil, 4, -1},
		{"m.At", -1, []string{"At"}, nil, 2, -1},
		{"math.Sq", -1, []string{"Sqrt"}, nil, 5, -1},
		{"y := fmt.Prin", -1, []string{"Print", "Printf", "Println"}, nil, 9, -1},
		{"_g", -1, nil, []string{"_gt_emit"}, 0, -1},
		// Code points, not bytes: "é" is two bytes, one code point.
		{`s := "é"; tensor.On`, -1, []string{"Ones"}, nil, 17, -1},
		// The cursor inside a word replaces the whole word.
		{"tensor.Zeros(2)", 9, []string{"Zeros"}, nil, 7, 12},
		{"import \"sort\"\nsort.Int", -1, []string{"Ints"}, nil, 19, -1},
		// A variable defined earlier in the cell being edited.
		{"y := tensor.Ones(2)\ny.Res", -1, []string{"Reshape"}, nil, 22, -1},
		// The word being typed is no match of itself; a name the cell
		// declares or uses elsewhere still is.
		{"fm", -1, []string{"fmt"}, []string{"fm"}, 0, -1},
		{"Ar", -1, nil, []string{"Ar"}, 0, -1},
		{"Ar", 1, nil, []string{"Ar"}, 0, 2},
		{"Arrow := 1\nAr", -1, []string{"Arrow"}, []string{"Ar"}, 11, -1},
		{"Ar := 1\nAr", -1, []string{"Ar"}, nil, 8, -1},
		{"fmt.Println(Area)\nAr", -1, []string{"Area"}, []string{"Ar"}, 18, -1},
	}
	for _, tc := range tests {
		cursor := tc.cursor
		if cursor < 0 {
			cursor = utf8.RuneCountInString(tc.code)
		}
		end := tc.end
		if end < 0 {
			end = cursor
		}
		matches, start, gotEnd := s.Complete(tc.code, cursor)
		for _, w := range tc.want {
			if !containsString(matches, w) {
				t.Errorf("Complete(%q, %d) = %v, want it to include %q", tc.code, cursor, matches, w)
			}
		}
		for _, w := range tc.wantAbsent {
			if containsString(matches, w) {
				t.Errorf("Complete(%q, %d) = %v, want no %q", tc.code, cursor, matches, w)
			}
		}
		if start != tc.start || gotEnd != end {
			t.Errorf("Complete(%q, %d) range = [%d, %d), want [%d, %d)", tc.code, cursor, start, gotEnd, tc.start, end)
		}
	}
}

func TestInspect(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `x := tensor.New(1.0)
// Scale multiplies v by k.
func Scale(v, k float64) float64 { return v * k }
count := 7`); err != nil {
		t.Fatalf("setup: %v", err)
	}
	tests := []struct {
		code string
		want []string // substrings of text/plain
	}{
		{"tensor.Zeros", []string{"func Zeros(", "Zeros makes"}},
		{"x.Backward", []string{"func (t *Tensor) Backward("}},
		{"Scale", []string{"func Scale(v, k float64) float64", "Scale multiplies v by k."}},
		{"count", []string{"count int"}},
		{"fmt.Println", []string{"func Println(a ...any)"}},
		{"x", []string{"x *tensor.Tensor"}},
		{"Scale(", []string{"func Scale"}},
		{"tensor", []string{"package tensor // import \"gotensor/tensor\"", "Package tensor"}},
	}
	for _, tc := range tests {
		data, found := s.Inspect(tc.code, utf8.RuneCountInString(tc.code), 0)
		if !found {
			t.Errorf("Inspect(%q) found nothing", tc.code)
			continue
		}
		text, _ := data["text/plain"].(string)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("Inspect(%q) = %q, want it to contain %q", tc.code, text, w)
			}
		}
	}
	if _, found := s.Inspect("nosuchname", 10, 0); found {
		t.Errorf("Inspect(nosuchname) found something")
	}
}

func TestIsComplete(t *testing.T) {
	s := newSession(t)
	tests := []struct{ code, status, indent string }{
		{"x := 1", "complete", ""},
		{"", "complete", ""},
		{"for i := 0; i < 3; i++ {", "incomplete", "\t"},
		{"func f() {\n\tif true {", "incomplete", "\t\t"},
		{"x := []int{\n1,", "incomplete", "\t"},
		{"x := 1 +", "incomplete", ""},
		{"s := `raw\nstring", "incomplete", ""},
		{"x := )", "invalid", ""},
		{"x := 1 }", "invalid", ""},
		{"func f() {}\nf()", "complete", ""},
		{"var 3 = x", "invalid", ""},
	}
	for _, tc := range tests {
		status, indent := s.IsComplete(tc.code)
		if status != tc.status || indent != tc.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tc.code, status, indent, tc.status, tc.indent)
		}
	}
}

// TestIntrospectionWhileRunning calls Complete, Inspect and IsComplete from
// other goroutines while cells define names; run with -race.
func TestIntrospectionWhileRunning(t *testing.T) {
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			s.Complete("tensor.Ze", 9)
			s.Complete("v", 1)
			s.Inspect("fmt.Println", 11, 0)
			s.Inspect("v0", 2, 0)
			s.IsComplete("for {")
		}
	}()
	for i := range 20 {
		code := "v" + itoa(i) + " := tensor.Ones(2, 2)\nfunc f" + itoa(i) + "() {}\nfor j := range 2000 { _ = j }"
		if _, err, _ := exec(t, s, code); err != nil {
			t.Fatalf("Execute(%q): %v", code, err)
		}
	}
	time.Sleep(10 * time.Millisecond)
	cancel()
	wg.Wait()
	if m, _, _ := s.Complete("v1", 2); !containsString(m, "v19") {
		t.Errorf("Complete(v1) = %v, want v19 among them", m)
	}
}

func TestInspectDocAtCellStart(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, "// Half halves v.\nfunc Half(v float64) float64 { return v / 2 }"); err != nil {
		t.Fatal(err)
	}
	data, found := s.Inspect("Half", 4, 0)
	if text, _ := data["text/plain"].(string); !found || !strings.Contains(text, "Half halves v.") {
		t.Errorf("Inspect(Half) = %q, %v; want the doc comment", text, found)
	}
}

// completeCase is a completion request and what its matches must (and must
// not) include; the cursor is at @@ in code, else at its end.
type completeCase struct {
	name       string
	code       string
	want       []string
	wantAbsent []string
}

// cursorAt removes the @@ marking the cursor from code and returns the
// cursor as a code-point index (the end of code when there is no marker).
func cursorAt(marked string) (code string, cursor int) {
	i := strings.Index(marked, "@@")
	if i < 0 {
		return marked, utf8.RuneCountInString(marked)
	}
	return marked[:i] + marked[i+2:], utf8.RuneCountInString(marked[:i])
}

func checkCompletions(t *testing.T, s *Session, tests []completeCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := cursorAt(tc.code)
			matches, _, _ := s.Complete(code, cursor)
			for _, w := range tc.want {
				if !containsString(matches, w) {
					t.Errorf("Complete(%q, %d) = %v, want it to include %q", code, cursor, matches, w)
				}
			}
			for _, w := range tc.wantAbsent {
				if containsString(matches, w) {
					t.Errorf("Complete(%q, %d) = %v, want no %q", code, cursor, matches, w)
				}
			}
		})
	}
}

// TestCompleteCellLocals completes names the cell being typed declares in
// functions and blocks: offered inside their scope, after their
// declaration, and not elsewhere.
func TestCompleteCellLocals(t *testing.T) {
	s := newSession(t)
	checkCompletions(t, s, []completeCase{
		{"parameter", "func f(alpha int) float64 { return al", []string{"alpha"}, nil},
		{"named result", "func f() (total float64) { to", []string{"total"}, nil},
		{"method receiver", "type P struct{}\nfunc (self P) M() { se", []string{"self"}, nil},
		{"range value", "xs := []int{1}\nfor idx, val := range xs { va", []string{"val"}, nil},
		{"range key", "for idx, val := range []int{1} { fmt.Println(val, id", []string{"idx"}, nil},
		{"for loop variable", "for step := 0; step < 3; step++ {\n\tfmt.Println(st", []string{"step"}, nil},
		{"define in body", "func g() {\n\tcount := 3\n\tco", []string{"count"}, nil},
		{"var in body", "func g() {\n\tvar acc float64\n\tac", []string{"acc"}, nil},
		{"function literal parameter", "apply := func(weight float64) float64 { return we", []string{"weight"}, nil},
		{"if init", "if got, ok := map[string]int{}[\"a\"]; ok {\n\tgo", []string{"got"}, nil},
		{"type switch", "var v any = 1\nswitch num := v.(type) {\ncase int:\n\tnu", []string{"num"}, nil},
		{"nested block sees outer", "func g(outer int) {\n\tfor i := range 3 {\n\t\tif i > 0 {\n\t\t\tou", []string{"outer"}, nil},
		{"block local after block", "if true {\n\tinner := 1\n\t_ = inner\n}\nin", nil, []string{"inner"}},
		{"parameter after function", "func f(alpha int) int { return alpha }\nal", nil, []string{"alpha"}},
		{"loop variable after loop", "for idx, val := range []int{1} { _, _ = idx, val }\nva", nil, []string{"val"}},
		{"before its declaration", "func g() {\n\tco@@\n\tcounter := 1\n\t_ = counter\n}", nil, []string{"counter"}},
		{"other function's local", "func g() { secret := 1; _ = secret }\nfunc h() { se", nil, []string{"secret"}},
		{"top-level define stays", "if true {}\nkept := 1\nfor range 2 {}\nke", []string{"kept"}, nil},
	})
}

// TestCompleteMembersOfExpressions completes x.| where x's type comes from
// the cell being typed (a parameter, a range variable, a local) or from an
// index or call expression whose type the session knows.
func TestCompleteMembersOfExpressions(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `type Point struct{ X, Y float64 }
func (p Point) Norm() float64 { return math.Hypot(p.X, p.Y) }
func (p *Point) Scale(k float64) { p.X *= k; p.Y *= k }
func mkPoints() []Point { return []Point{{3, 4}} }
ps := []Point{{3, 4}}
pm := map[string]Point{"a": {1, 2}}
made := mkPoints()
var pp []*Point
tt := tensor.Ones(2, 2)
redefined := []Point{}`); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if _, err, _ := exec(t, s, "redefined := tensor.Ones(2)"); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if _, err, _ := exec(t, s, "gone := []Point{{1, 2}}\nnoSuchFunction()"); err == nil {
		t.Fatalf("setup: a cell calling noSuchFunction ran")
	}
	checkCompletions(t, s, []completeCase{
		{"redefined global", "redefined.", []string{"Backward"}, []string{"Norm"}},
		{"global of a failed cell", "gone[0].", nil, []string{"Norm"}},
		{"parameter", "func f(p Point) float64 { return p.No", []string{"Norm"}, nil},
		{"pointer parameter", "func f(p *Point) { p.", []string{"Norm", "Scale", "X", "Y"}, nil},
		{"range variable", "for _, q := range ps { q.No", []string{"Norm"}, nil},
		{"range over a map", "for k, v := range pm { fmt.Println(k, v.", []string{"Norm", "X"}, nil},
		{"local of the cell", "q := Point{X: 1}\nq.N", []string{"Norm"}, nil},
		{"local in a function", "func f() {\n\tq := &Point{}\n\tq.Sc", []string{"Scale"}, nil},
		{"index of a global", "ps[0].No", []string{"Norm"}, nil},
		{"index of a global of pointers", "pp[0].Sc", []string{"Scale"}, nil},
		{"index of a local", "local := []Point{{1, 2}}\nlocal[0].No", []string{"Norm"}, nil},
		{"map index", `pm["k"].`, []string{"Norm", "X", "Y"}, nil},
		{"global from a cell function", "made[0].No", []string{"Norm"}, nil},
		{"call of a cell function", "mkPoints()[0].No", []string{"Norm"}, nil},
		{"compiled method of a parameter", "func f(t *tensor.Tensor) float64 { return t.T().Ite", []string{"Item"}, nil},
		{"compiled method of a global", "tt.T().Ite", []string{"Item"}, nil},
		{"local from a compiled call", "func f() {\n\tg := tensor.Ones(2).T()\n\tg.Ite", []string{"Item"}, nil},
		{"interface parameter", "func f(err error) string { return err.Er", []string{"Error"}, nil},
		{"type declared in the cell", "type Box struct{ Side float64 }\nfunc (b Box) Area() float64 { return b.Side * b.Side }\nbx := Box{2}\nbx.", []string{"Area", "Side"}, nil},
		{"embedded field", "type Named struct {\n\tPoint\n\tLabel string\n}\nfunc f(n Named) { n.", []string{"Label", "Point", "Norm", "X"}, nil},
		{"conversion", "float64(3).", nil, []string{"Norm"}},
		{"package still", "math.Sq", []string{"Sqrt"}, nil},
	})
}

// TestCompleteHalfTypedNeverPanics asks for completion and inspection at
// every cursor position of half-typed cells.
func TestCompleteHalfTypedNeverPanics(t *testing.T) {
	s := newSession(t)
	cells := []string{
		"func f(alpha int) float64 { for i, v := range xs { v.X[i].(*T).M()",
		"type T struct{ T }\nvar t T\nt.T.T.",
		"type A B\ntype B A\nvar a A\na.",
		"var a = b\nvar b = a\na.",
		"x := x.y\nx.",
		"switch v := z.(type) { case int, string: v.",
		"select { case v, ok := <-ch: v.",
		"func (r *R[T]) M[K comparable]() { r.",
		"m := map[[2]int]func() (a, b int){}; m[[2]int{}]().",
		"s := \"unterminated\nfoo.",
		"/* comment\n x.",
		"for range func(yield func(int) bool) {} { ",
		"f := func(xs ...Point) { xs[0].",
		"}}}])) x.",
		"defer func() struct{ a int } { go func(\n x. }()",
	}
	for _, code := range cells {
		t.Run(code, func(t *testing.T) {
			for i := 0; i <= utf8.RuneCountInString(code); i++ {
				s.Complete(code, i)
				s.Inspect(code, i, 0)
			}
		})
	}
}

// TestCompleteLocalOverGlobal completes x.| where x is a name of the cell
// being typed that shadows a global, or a type the cell redefines: the
// cell's own declaration decides, never the session's.
func TestCompleteLocalOverGlobal(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `x := tensor.Ones(2)
type P struct{ Name string }
func (p P) Hello() string { return "hello " + p.Name }`); err != nil {
		t.Fatalf("setup: %v", err)
	}
	tensorMembers := []string{"Backward", "Reshape", "Item"}
	checkCompletions(t, s, []completeCase{
		{"slice parameter", "func f(x []int) { x.", nil, tensorMembers},
		{"int range variable", "for x := range 3 { x.", nil, tensorMembers},
		{"int local", "func g() {\n\tx := 1\n\tx.", nil, tensorMembers},
		{"local of unknown type", "func g() {\n\tx := notYetDefined()\n\tx.", nil, tensorMembers},
		{"chain from a local", "func f(x []int) { x.Grad().", nil, tensorMembers},
		{"global still", "x.", []string{"Backward"}, nil},
		{"go literal", "go func(x P) { x.", []string{"Hello", "Name"}, tensorMembers},
		{"defer literal", "defer func(x P) { x.", []string{"Hello", "Name"}, tensorMembers},
		{"defer literal, cursor inside", "defer func(x P) { x.@@ }(P{})", []string{"Hello", "Name"}, tensorMembers},
		{"go literal in a function", "func g() {\n\tgo func(x P) {\n\t\tx.", []string{"Hello", "Name"}, tensorMembers},
		{"go literal with a result", "go func(x P) int { x.", []string{"Hello", "Name"}, tensorMembers},
		{"go literal with a struct result", "go func(x P) struct{ A int } { x.", []string{"Hello", "Name"}, tensorMembers},
		{"called literal", "func(x P) { x.@@ }(P{})", []string{"Hello", "Name"}, tensorMembers},
		{"session type", "var k P\nk.", []string{"Hello", "Name"}, nil},
		{"method the cell adds", "func (p P) Extra() {}\nvar k P\nk.", []string{"Extra", "Hello", "Name"}, nil},
		{"type redefined", "type P struct{ Z int }\nvar k P\nk.", []string{"Z"}, []string{"Hello", "Name"}},
		{"type redefined with a method", "type P struct{ Z int }\nfunc (p P) Bye() {}\nvar k P\nk.", []string{"Bye", "Z"}, []string{"Hello", "Name"}},
		{"type redefined, pointer", "type P struct{ Z int }\nfunc f(k *P) { k.", []string{"Z"}, []string{"Hello", "Name"}},
	})
}
