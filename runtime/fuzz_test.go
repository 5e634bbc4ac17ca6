package runtime

import (
	"testing"
	"unicode/utf8"
)

// FuzzIntrospection feeds arbitrary text to the calls a front end makes
// while the user types, and to the pre-pass: none may panic, and ranges
// must stay inside the code.
func FuzzIntrospection(f *testing.F) {
	for _, seed := range []string{
		"x := 1", "tensor.Ze", "for i := range 10 {", "func (", "x.Grad().Ite", "import \"fmt\"\nfmt.",
		"`raw", "/* open", "a := []int{1,\n", "é.ü", "func main() {}\npackage p", "))((",
	} {
		f.Add(seed, len(seed))
	}
	s, err := New(Options{NoFDCapture: true})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, code string, cursor int) {
		if !utf8.ValidString(code) {
			return
		}
		n := utf8.RuneCountInString(code)
		matches, start, end := s.Complete(code, cursor)
		if len(matches) > 0 && (start < 0 || end > n || start > end) {
			t.Errorf("Complete(%q, %d) range [%d, %d) outside [0, %d]", code, cursor, start, end, n)
		}
		s.Inspect(code, cursor, 0)
		switch status, _ := s.IsComplete(code); status {
		case "complete", "incomplete", "invalid":
		default:
			t.Errorf("IsComplete(%q) = %q", code, status)
		}
		s.prepare(code) // the pre-pass: parse and rewrite, no compile
		if segs, err := splitCell(code); err == nil {
			for _, seg := range segs {
				if seg.start < 0 || seg.end > len(code) || seg.start > seg.end {
					t.Errorf("splitCell(%q) segment %+v outside the code", code, seg)
				}
			}
		}
	})
}
