package runtime

import (
	"strings"
	"testing"
)

// TestExplainInternal checks that a yaegi compiler panic becomes a compile
// error at the cell position, with the source line, never the panic text.
func TestExplainInternal(t *testing.T) {
	s := newSession(t)
	tests := []struct {
		name, code, msg, want string
	}{
		{
			name: "position from the panic",
			code: "x := 1\ny := x + 2",
			msg:  "cell:2:6: CFG post-order panic: runtime error: invalid memory address or nil pointer dereference",
			want: "CompileError: cell line 2, column 6: the interpreter (yaegi v0.16.1) cannot compile this statement: split it into simpler statements (one variable per step) to find the part it cannot handle",
		},
		{
			name: "position from the statement",
			code: "x := 1\ny := x + 2",
			msg:  "runtime error: index out of range [5] with length 5",
			want: "CompileError: cell line 2, column 1: the interpreter (yaegi v0.16.1) cannot compile this statement: split it into simpler statements (one variable per step) to find the part it cannot handle",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			units, cerr := s.prepare(tc.code)
			if cerr != nil {
				t.Fatalf("prepare(%q) = %v", tc.code, cerr)
			}
			ie := &internalError{msg: tc.msg, node: units[len(units)-1].node}
			got := compileError(s.explainInternal(ie), tc.code)
			if got.Error() != tc.want {
				t.Errorf("explainInternal(%q) = %q, want %q", tc.msg, got.Error(), tc.want)
			}
			tb := strings.Join(got.Traceback, "\n")
			if strings.Contains(tb, "panic") || strings.Contains(tb, "runtime error") || !strings.Contains(tb, "    y := x + 2") {
				t.Errorf("explainInternal(%q) traceback = %q, want the source line and no panic text", tc.msg, tb)
			}
		})
	}
}
