package kernel

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// history keeps this session's inputs (and the text/plain of their results)
// for history_request. It lives in memory: the kernel keeps no files.
type history struct {
	mu      sync.Mutex
	entries []historyEntry
}

type historyEntry struct {
	line   int
	input  string
	output *string // text/plain of the execute_result; nil when none
}

// Bounds on what history keeps in memory: the newest maxHistory entries, and
// at most maxHistoryOutput bytes of each result's text (a huge repr stays in
// the notebook, not in the kernel's memory).
const (
	maxHistory       = 10000
	maxHistoryOutput = 64 << 10
)

func (h *history) add(line int, input string, output *string) {
	if output != nil && len(*output) > maxHistoryOutput {
		cut := (*output)[:maxHistoryOutput]
		for len(cut) > 0 && !utf8.RuneStart((*output)[len(cut)]) { // do not split a character
			cut = cut[:len(cut)-1]
		}
		cut += "…"
		output = &cut
	}
	h.mu.Lock()
	h.entries = append(h.entries, historyEntry{line: line, input: input, output: output})
	if len(h.entries) > maxHistory {
		h.entries = append(h.entries[:0:0], h.entries[len(h.entries)-maxHistory:]...)
	}
	h.mu.Unlock()
}

// query answers a history_request: tail, range or search. Entries are
// [session, line, input], or [session, line, [input, output]] with output.
func (h *history) query(r HistoryRequest) ([][]any, error) {
	h.mu.Lock()
	all := append([]historyEntry(nil), h.entries...)
	h.mu.Unlock()

	var picked []historyEntry
	switch r.HistAccessType {
	case "tail", "":
		picked = lastN(all, r.N)
	case "range":
		if r.Session < 0 || (r.Session > 0 && r.Session != historySession) {
			break // earlier sessions are not kept
		}
		for _, e := range all {
			if e.line >= r.Start && (r.Stop <= 0 || e.line < r.Stop) {
				picked = append(picked, e)
			}
		}
	case "search":
		re, err := globRegexp(r.Pattern)
		if err != nil {
			return nil, err
		}
		for _, e := range all {
			if re.MatchString(e.input) {
				picked = append(picked, e)
			}
		}
		if r.Unique {
			picked = uniqueInputs(picked)
		}
		picked = lastN(picked, r.N)
	default:
		return nil, fmt.Errorf("unknown hist_access_type %q (want tail, range or search)", r.HistAccessType)
	}

	out := make([][]any, 0, len(picked))
	for _, e := range picked {
		if r.Output {
			var o any
			if e.output != nil {
				o = *e.output
			}
			out = append(out, []any{historySession, e.line, []any{e.input, o}})
		} else {
			out = append(out, []any{historySession, e.line, e.input})
		}
	}
	return out, nil
}

// lastN returns the last n entries, or all of them when n <= 0.
func lastN(es []historyEntry, n int) []historyEntry {
	if n <= 0 || n >= len(es) {
		return es
	}
	return es[len(es)-n:]
}

// uniqueInputs keeps the latest entry of each distinct input, in order.
func uniqueInputs(es []historyEntry) []historyEntry {
	last := map[string]int{}
	for i, e := range es {
		last[e.input] = i
	}
	var out []historyEntry
	for i, e := range es {
		if last[e.input] == i {
			out = append(out, e)
		}
	}
	return out
}

// globRegexp compiles a history search pattern. IPython matches with SQLite's
// GLOB over the whole input: * any run of characters (newlines included),
// ? one character, [...] a class. An empty pattern matches everything.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		pattern = "*"
	}
	var b strings.Builder
	b.WriteString(`(?s)^`)
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := strings.IndexRune(string(rs[i+1:]), ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := string(rs[i+1:])[:j]
			j = len([]rune(class))
			if strings.HasPrefix(class, "^") {
				class = `\^` + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("history search pattern %q: %w", pattern, err)
	}
	return re, nil
}
