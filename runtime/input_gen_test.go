package runtime

import (
	"context"
	"strings"
	"testing"
)

// TestStdinRefusedIsReported checks that a cell whose reads of stdin fail
// (a client with allow_stdin false) is told so once on its stderr, and
// that a prompt printed before the read is not lost.
func TestStdinRefusedIsReported(t *testing.T) {
	const note = "input requested, but this front end accepts none (stdin not allowed): stdin reads in this cell return an error\n"
	tests := []struct {
		name, code     string
		inputs         []string
		stdout, stderr string
	}{
		{"one read", "var s string\nfmt.Scanln(&s)", nil, "", note},
		{"told once per cell", "var a, b string\nfmt.Scanln(&a)\nfmt.Scanln(&b)\nfmt.Println(a == \"\" && b == \"\")", nil, "true\n", note},
		{"prompt kept", "fmt.Print(\"Name: \")\nvar s string\n_, err := fmt.Scanln(&s)\nfmt.Println(err != nil)", nil, "Name: true\n", note},
		{"told again in the next cell", "var s string\nfmt.Scan(&s)", nil, "", note},
		{"input given: nothing said", "var s string\nfmt.Scanln(&s)\nfmt.Println(s)", []string{"hi"}, "hi\n", ""},
	}
	s := newSession(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{inputs: tc.inputs, noStdin: tc.inputs == nil}
			if _, err := s.Execute(context.Background(), tc.code, rec); err != nil {
				t.Fatalf("Execute(%q) error = %v, want none", tc.code, err)
			}
			if got := rec.stream("stdout"); got != tc.stdout {
				t.Errorf("Execute(%q) stdout = %q, want %q", tc.code, got, tc.stdout)
			}
			if got := rec.stream("stderr"); got != tc.stderr {
				t.Errorf("Execute(%q) stderr = %q, want %q", tc.code, got, tc.stderr)
			}
			if tc.stderr != "" && strings.Count(rec.transcript(), "[stderr]") != 1 {
				t.Errorf("Execute(%q) transcript = %q, want one stderr note", tc.code, rec.transcript())
			}
		})
	}
}
