package runtime

import (
	"errors"
	"fmt"
	"go/scanner"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"gotensor/tensor"
)

// CellError is a failed cell, shaped like a Jupyter error reply: Name is the
// kind ("SyntaxError", "CompileError", "panic", "Interrupted", "RuntimeError"),
// Value the message, Traceback the lines a front end shows.
type CellError struct {
	Name, Value string
	Traceback   []string
}

// Error returns "Name: Value".
func (e *CellError) Error() string { return e.Name + ": " + e.Value }

var _ error = (*CellError)(nil)

func interruptedError() *CellError {
	return &CellError{
		Name:      "Interrupted",
		Value:     "the cell was interrupted",
		Traceback: []string{"Interrupted: the cell was interrupted; values defined before it are kept"},
	}
}

// cellPos matches a position in the cell pseudo file: "cell:3:5".
var cellPos = regexp.MustCompile(`\bcell:(\d+):(\d+)`)

// located is one message at a cell position.
type located struct {
	line, col int
	msg       string
}

// sourceLines renders the cell line with a caret under col.
func sourceLines(code string, line, col int) []string {
	lines := strings.Split(code, "\n")
	if line < 1 || line > len(lines) {
		return nil
	}
	src := strings.TrimRight(lines[line-1], "\r")
	out := []string{"    " + src}
	if col >= 1 {
		// Columns count bytes; keep tabs so the caret lines up.
		pad := []rune{}
		for i, r := range src {
			if i >= col-1 {
				break
			}
			if r == '\t' {
				pad = append(pad, '\t')
			} else {
				pad = append(pad, ' ')
			}
		}
		out = append(out, "    "+string(pad)+"^")
	}
	return out
}

func (l located) render(code string) []string {
	head := fmt.Sprintf("cell line %d, column %d: %s", l.line, l.col, l.msg)
	return append([]string{head}, sourceLines(code, l.line, l.col)...)
}

// syntaxError reports parse errors sorted by position, relative to the cell.
func syntaxError(err error, code string) *CellError {
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		return &CellError{Name: "SyntaxError", Value: err.Error(), Traceback: []string{err.Error()}}
	}
	list.Sort()
	e := &CellError{Name: "SyntaxError"}
	for i, se := range list {
		l := pastEnd(located{se.Pos.Line, se.Pos.Column, se.Msg}, code)
		if i == 0 {
			e.Value = fmt.Sprintf("cell line %d, column %d: %s", l.line, l.col, l.msg)
		}
		e.Traceback = append(e.Traceback, l.render(code)...)
		if i == 9 {
			break
		}
	}
	return e
}

// pastEnd moves an error found after the end of the cell's code (in the
// wrapper the pre-pass puts around it: a cell ending in `y := x +` fails at
// the wrapper's closing brace) to the end of the cell's last non-blank line,
// as found at the end of the cell.
func pastEnd(l located, code string) located {
	lines := strings.Split(code, "\n")
	last := len(lines)
	for last > 1 && strings.TrimSpace(lines[last-1]) == "" {
		last--
	}
	text := strings.TrimRight(lines[last-1], " \t\r")
	if l.line < last || l.line == last && l.col <= len(text) {
		return l
	}
	for _, found := range []string{"found '}'", "found 'EOF'", "found newline"} {
		if strings.HasSuffix(l.msg, found) {
			l.msg = strings.TrimSuffix(l.msg, found) + "found end of cell"
		}
	}
	return located{last, len(text) + 1, l.msg}
}

// compileError reports a yaegi compile error at the cell's own line:column.
func compileError(err error, code string) *CellError {
	msg := err.Error()
	e := &CellError{Name: "CompileError"}
	if m := cellPos.FindStringSubmatchIndex(msg); m != nil && m[0] == 0 {
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		col, _ := strconv.Atoi(msg[m[4]:m[5]])
		text := strings.TrimPrefix(msg[m[1]:], ": ")
		text = cleanMessage(text)
		l := located{line, col, text}
		e.Value = fmt.Sprintf("cell line %d, column %d: %s", line, col, text)
		e.Traceback = l.render(code)
		return e
	}
	e.Value = cleanMessage(msg)
	e.Traceback = []string{e.Value}
	return e
}

// cleanMessage replaces the pseudo file's positions inside a message
// ("previous declaration at cell:2:6") with readable ones, and drops the
// one yaegi prefixes to some panic values.
func cleanMessage(s string) string {
	if m := cellPos.FindStringIndex(s); m != nil && m[0] == 0 && strings.HasPrefix(s[m[1]:], ": ") {
		s = s[m[1]+2:]
	}
	return cellPos.ReplaceAllStringFunc(s, func(p string) string {
		m := cellPos.FindStringSubmatch(p)
		return "cell line " + m[1] + ":" + m[2]
	})
}

// runError reports an error Execute returned that is not a panic.
func runError(err error, code string) *CellError {
	e := compileError(err, code)
	e.Name = "RuntimeError"
	return e
}

// panicLine matches yaegi's per-frame panic report: "cell:5:3: panic:
// main.f(...)", "-: panic: ..." for a node without a position, or
// "117:14: panic: main._gt_bundle(...)" for a frame of the prelude, which
// is dropped from tracebacks like every other _gt_ frame.
var panicLine = regexp.MustCompile(`^(?:cell:(\d+):(\d+)|-|\d+:\d+): panic: (.*)$`)

// panicError reports a panic: its value, where in the cell it happened
// (innermost first), and the compiled frames it went through, trimmed of
// interpreter, reflection and runtime internals. site (nil when unknown)
// lets each frame be narrowed to its statement (pinpoint.go).
func panicError(val string, p interp.Panic, trace []string, code string, site *panicSite) *CellError {
	e := &CellError{Name: "panic", Value: val}
	e.Traceback = append(e.Traceback, "panic: "+val)
	prev, repeats := "", 0
	flushRepeats := func() {
		if repeats > 0 {
			e.Traceback = append(e.Traceback, fmt.Sprintf("    (the frame above repeats %d more times)", repeats))
			repeats = 0
		}
	}
	callee := "" // the function of the frame inside this one
	trace = site.chainOf(trace)
	wrap := site.wrapperFrame(trace)
	for i, t := range trace {
		where, line, col, ok := panicFrame(t)
		fn, isLit := frameFunc(t)
		if wrap >= 0 && i > wrap {
			break // the wrapper's outer frames
		}
		if i == wrap {
			isLit = false
			if m := panicLine.FindStringSubmatch(t); m != nil {
				line, _ = strconv.Atoi(m[1])
				col, _ = strconv.Atoi(m[2])
				where = "cell line " + m[1]
			}
		}
		if !ok || where == "" {
			if fn != "" {
				callee = fn
			}
			continue
		}
		lines := []string{where}
		if line > 0 {
			lines = append(lines, sourceLines(code, line, col)...)
		}
		if !isLit {
			if pp, sf, ok := site.pinpoint(fn, callee, p.Value); ok {
				if sf == nil {
					lines = pp.render("", code, true)
				} else {
					lines = pp.render("in "+sf.key()+", ", code, sf.cell == site.cell)
				}
			}
		}
		if isLit {
			callee = literalCall
		} else {
			callee = fn
		}
		key := strings.Join(lines, "\n")
		if key == prev {
			repeats++
			continue
		}
		flushRepeats()
		prev = key
		e.Traceback = append(e.Traceback, lines...)
	}
	flushRepeats()
	// A *tensor.Error is the library saying the cell misused it (a shape or dtype mismatch, as
	// PyTorch raises RuntimeError): its message and the cell line are the whole story, and the
	// library's own frames would only bury them.
	if _, isTensorErr := p.Value.(*tensor.Error); isTensorErr {
		return e
	}
	if frames := compiledFrames(string(p.Stack)); len(frames) > 0 {
		e.Traceback = append(e.Traceback, "compiled frames:")
		e.Traceback = append(e.Traceback, frames...)
	}
	return e
}

// panicValue renders a panic's value as Go would print it.
func panicValue(v any) string {
	val := cleanMessage(fmt.Sprint(v))
	if t, ok := yaegiPanics[val]; ok {
		return t
	}
	if zeroValueCall.MatchString(val) {
		return nilDeref
	}
	return val
}

const nilDeref = "runtime error: invalid memory address or nil pointer dereference"

// zeroValueCall matches the reflection panic yaegi raises when it reads
// through a nil pointer: *p of a nil *int reaches reflect.Value.Interface,
// n.V of a nil *N reflect.Value.Field, on the zero Value that Elem gave.
var zeroValueCall = regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value$`)

// yaegiPanics translates the reflection errors yaegi panics with into the
// messages compiled Go gives for the same mistakes.
var yaegiPanics = map[string]string{
	"reflect: slice index out of range":                "runtime error: index out of range",
	"reflect: array index out of range":                "runtime error: index out of range",
	"reflect: string index out of range":               "runtime error: index out of range",
	"reflect: call of reflect.Value.Set on zero Value": nilDeref,
}

// frameFunc returns the cell function a panic frame report names ("" for
// the cell's own statements) and whether it is a function literal.
func frameFunc(report string) (fn string, literal bool) {
	m := panicLine.FindStringSubmatch(report)
	if m == nil {
		return "", false
	}
	fn = strings.TrimPrefix(strings.TrimSuffix(m[3], "(...)"), "main.")
	if fn == "func" || strings.HasSuffix(fn, ".func") {
		return "", true
	}
	if fn == "main" || strings.HasPrefix(fn, "_gt_") {
		return "", false
	}
	return fn, false
}

// panicFrame reads one of yaegi's panic frame reports. yaegi positions a
// frame at the first statement of the function or block it was running, so
// the cell line is shown only for the cell's own top-level statements
// (compiled one per block) and a function frame is named, not located.
func panicFrame(report string) (where string, line, col int, ok bool) {
	m := panicLine.FindStringSubmatch(report)
	if m == nil {
		return "", 0, 0, false
	}
	fn := strings.TrimPrefix(strings.TrimSuffix(m[3], "(...)"), "main.")
	body := ""
	if m[1] != "" {
		body = ", whose body starts at cell line " + m[1]
	}
	switch {
	case fn == "func" || strings.HasSuffix(fn, ".func"):
		return "in a function literal" + body, 0, 0, true
	case fn != "" && fn != "main" && !strings.HasPrefix(fn, "_gt_"):
		return "in " + fn + body, 0, 0, true
	case m[1] == "":
		return "", 0, 0, false
	}
	line, _ = strconv.Atoi(m[1])
	col, _ = strconv.Atoi(m[2])
	return "cell line " + m[1], line, col, true
}

// compiledFrames keeps the stack frames of library code (gotensor packages,
// gonum, the standard library's non-runtime parts) from a Go stack dump.
func compiledFrames(stack string) []string {
	lines := strings.Split(stack, "\n")
	var out []string
	for i := 0; i+1 < len(lines); i++ {
		fn := lines[i]
		if strings.HasPrefix(fn, "goroutine ") || fn == "" || strings.HasPrefix(fn, "\t") {
			continue
		}
		loc := strings.TrimSpace(lines[i+1])
		i++
		if skipFrame(fn) {
			continue
		}
		if j := strings.LastIndex(loc, " +0x"); j >= 0 {
			loc = loc[:j]
		}
		if k := strings.LastIndex(fn, "("); k > 0 {
			fn = fn[:k]
		}
		out = append(out, "  "+fn+" ("+loc+")")
		if len(out) == 12 {
			break
		}
	}
	return out
}

func skipFrame(fn string) bool {
	for _, p := range []string{
		"github.com/traefik/yaegi/", "reflect.", "runtime.", "runtime/debug.",
		"gotensor/runtime.", "panic(", "created by ", "sync.", "testing.",
	} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}
