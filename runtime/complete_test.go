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
