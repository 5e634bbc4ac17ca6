package kernel

import (
	"context"
	"errors"
	"fmt"
)

// Evaluator runs cells. It is the only thing the kernel needs from a language
// runtime; main.go adapts gotensor's runtime to it.
type Evaluator interface {
	// Execute runs one cell. It streams output through out while it runs and
	// returns the value of the cell's trailing expression as a MIME bundle, or
	// nil when the cell has none. Cancelling ctx interrupts the cell; Execute
	// must then return promptly. A failed cell returns an error, best an
	// *ExecError so that the client sees its name and traceback.
	// Execute is never called concurrently with itself.
	Execute(ctx context.Context, code string, out Output) (*Result, error)
}

// Output is what a running cell writes to. The kernel implements it; every
// method may be called from any goroutine while Execute runs, and must not be
// called after Execute returns.
type Output interface {
	// Stream writes text to the cell's "stdout" or "stderr".
	Stream(name, text string)
	// Display shows a MIME bundle; with a displayID the display can be updated
	// later, and update=true sends update_display_data for that id.
	Display(data, metadata map[string]any, displayID string, update bool)
	// ClearOutput clears the cell's output, when the next output arrives if wait.
	ClearOutput(wait bool)
	// Input asks the user for a line of text. It returns ErrStdinNotAllowed
	// when the client did not allow stdin, and an error when the cell is
	// interrupted or the kernel shuts down while waiting.
	Input(prompt string, password bool) (string, error)
}

// Result is the value of a cell's trailing expression as a MIME bundle:
// Data always has "text/plain".
type Result struct {
	Data     map[string]any
	Metadata map[string]any
}

// ExecError is a failed cell as Jupyter shows it: an error name, a value and a
// traceback of lines (which may contain ANSI colour codes).
type ExecError struct {
	Name      string
	Value     string
	Traceback []string
}

// Error returns "Name: Value".
func (e *ExecError) Error() string { return e.Name + ": " + e.Value }

// ErrStdinNotAllowed is returned by Output.Input when the execute request had
// allow_stdin false: the cell gets an error instead of hanging.
var ErrStdinNotAllowed = errors.New("stdin is not available: this client does not allow input requests")

// Completer is implemented by evaluators that can complete code. cursor,
// start and end count Unicode code points, as the protocol does.
type Completer interface {
	Complete(code string, cursor int) (matches []string, start, end int)
}

// Inspector is implemented by evaluators that can describe the object at the
// cursor. It returns a MIME bundle (text/plain at least) and whether anything
// was found.
type Inspector interface {
	Inspect(code string, cursor, detailLevel int) (data map[string]any, found bool)
}

// CompletenessChecker is implemented by evaluators that can tell whether code
// is a complete cell: "complete", "incomplete" (with an indent for the next
// line) or "invalid".
type CompletenessChecker interface {
	IsComplete(code string) (status, indent string)
}

// Closer is implemented by evaluators holding resources; the kernel calls
// Close once when it shuts down.
type Closer interface {
	Close() error
}

// asExecError turns any error from Execute into the name/value/traceback
// triple Jupyter shows.
func asExecError(err error) *ExecError {
	var ee *ExecError
	if errors.As(err, &ee) {
		out := *ee
		if out.Name == "" {
			out.Name = "Error"
		}
		if len(out.Traceback) == 0 {
			out.Traceback = []string{out.Name + ": " + out.Value}
		}
		return &out
	}
	name := "Error"
	switch {
	case errors.Is(err, context.Canceled):
		name = "Interrupted"
	}
	return &ExecError{Name: name, Value: err.Error(), Traceback: []string{fmt.Sprintf("%s: %v", name, err)}}
}
