package runtime

import (
	"context"
	"testing"
)

// nullOutput discards everything.
type nullOutput struct{}

func (nullOutput) Stream(string, string)                                {}
func (nullOutput) Display(map[string]any, map[string]any, string, bool) {}
func (nullOutput) ClearOutput(bool)                                     {}
func (nullOutput) Input(string, bool) (string, error)                   { return "", nil }

func benchCell(b *testing.B, setup, code string) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if setup != "" {
		if _, err := s.Execute(ctx, setup, nullOutput{}); err != nil {
			b.Fatalf("setup: %v", err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Execute(ctx, code, nullOutput{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrivialCell is the runtime's overhead per execute request: parse,
// rewrite, compile, run and result bundle for "x + 1". Target ≤ 100 µs.
func BenchmarkTrivialCell(b *testing.B) { benchCell(b, "x := 1", "x + 1") }

// BenchmarkStatementCell is a cell with no value.
func BenchmarkStatementCell(b *testing.B) { benchCell(b, "x := 1", "x++") }

// BenchmarkCompiledMethodCalls makes 1e6 calls of a compiled tensor method
// from one interpreted loop; ns/op ÷ 1e6 is the cost of one call.
func BenchmarkCompiledMethodCalls(b *testing.B) {
	benchCell(b, "t := tensor.New([]float64{1, 2, 3})\nn := 0", "for i := 0; i < 1000000; i++ { n += t.Numel() }")
}

// BenchmarkInterpretedLoop is the same loop without the call, for contrast.
func BenchmarkInterpretedLoop(b *testing.B) {
	benchCell(b, "n := 0", "for i := 0; i < 1000000; i++ { n += i }")
}
