package runtime_test

import (
	"context"
	"errors"
	"fmt"

	"gotensor/runtime"
)

// printOutput is a minimal runtime.Output that prints what a cell produces.
type printOutput struct{}

func (printOutput) Stream(name, text string) { fmt.Printf("[%s] %s", name, text) }
func (printOutput) Display(data, _ map[string]any, id string, update bool) {
	fmt.Printf("[display] %v\n", data["text/plain"])
}
func (printOutput) ClearOutput(bool)                   {}
func (printOutput) Input(string, bool) (string, error) { return "", errors.New("no stdin") }

// Cells share one interpreter: later cells see earlier definitions, and a
// cell ending in an expression has a value.
func ExampleSession_Execute() {
	// NoFDCapture: this example's own output must reach the test framework.
	s, err := runtime.New(runtime.Options{NoFDCapture: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()
	for _, cell := range []string{
		"x := tensor.New([]float64{1, 2, 3})\nfmt.Println(x.Sum().Item())",
		"func double(t *tensor.Tensor) *tensor.Tensor { return t.Mul(2) }\ndouble(x)",
		"y := undefinedName",
	} {
		res, err := s.Execute(ctx, cell, printOutput{})
		switch {
		case err != nil:
			fmt.Println("error:", err)
		case res != nil:
			fmt.Println("result:", res.Data["text/plain"])
		}
	}
	// Output:
	// [stdout] 6
	// result: tensor([2., 4., 6.])
	// error: CompileError: cell line 1, column 6: undefined: undefinedName
}
