package runtime

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The cell corpora in ../tests/runtime/cells are session scripts: each file
// runs its cells in order in one fresh session, and each cell is followed by
// what it must produce. A file reads:
//
//	-- cell --
//	x := 41
//	x + 1
//	-- result --
//	42
//	-- cell --
//	fmt.Println("hi")
//	-- stdout --
//	hi
//	-- cell --
//	y := undefined
//	-- error --
//	CompileError: cell line 1, column 6: undefined: undefined
//
// Sections after a cell: result (text/plain of the value; absent means the
// cell must have no value; result~ a regular expression), stdout, stderr (exact text; stdout~ and
// stderr~ a regular expression), error ("Name: Value"
// exactly, or a regular expression when the section is "error~"),
// traceback~ (a regular expression the joined traceback must match), html~
// (a regular expression for text/html), transcript (every output in
// order, as recorder.transcript renders it), mime (the result's MIME types, one a
// line).
type cellCase struct {
	code     string
	sections map[string]string
	line     int
}

var sectionHeader = regexp.MustCompile(`^-- ([a-z~/+]+) --$`)

func parseCorpus(t *testing.T, path string) []cellCase {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	var cases []cellCase
	var cur *cellCase
	section := ""
	var body []string
	flush := func() {
		if cur == nil || section == "" {
			return
		}
		text := strings.Join(body, "\n")
		if section == "cell" {
			cur.code = text
		} else {
			cur.sections[section] = text
		}
		body = nil
	}
	for i, line := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n") {
		if m := sectionHeader.FindStringSubmatch(line); m != nil {
			flush()
			section = m[1]
			if section == "cell" {
				cases = append(cases, cellCase{sections: map[string]string{}, line: i + 1})
				cur = &cases[len(cases)-1]
			}
			continue
		}
		if cur != nil {
			body = append(body, line)
		}
	}
	flush()
	return cases
}

func TestCellCorpora(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "tests", "runtime", "cells", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cell corpora found: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			s := newSession(t)
			for _, c := range parseCorpus(t, file) {
				checkCell(t, s, file, c)
			}
		})
	}
}

func checkCell(t *testing.T, s *Session, file string, c cellCase) {
	t.Helper()
	res, err, rec := exec(t, s, c.code)
	where := filepath.Base(file) + ":" + itoa(c.line)
	got := ""
	if res != nil {
		got, _ = res.Data["text/plain"].(string)
	}
	want, wantRes := c.sections["result"]
	_, mimeOnly := c.sections["mime"]
	reRes, isReRes := c.sections["result~"]
	switch {
	case isReRes:
		if res == nil || !regexp.MustCompile(reRes).MatchString(got) {
			t.Errorf("%s: Execute(%q) result = %q, want match %q (err %v)", where, c.code, got, reRes, err)
		}
	case mimeOnly && !wantRes:
	case wantRes && res == nil:
		t.Errorf("%s: Execute(%q) result = none, want %q (err %v)", where, c.code, want, err)
	case !wantRes && res != nil:
		t.Errorf("%s: Execute(%q) result = %q, want none", where, c.code, got)
	case wantRes && got != want:
		t.Errorf("%s: Execute(%q) result = %q, want %q", where, c.code, got, want)
	}
	if w, ok := c.sections["transcript"]; ok {
		if g := strings.TrimSuffix(rec.transcript(), "\n"); g != w {
			t.Errorf("%s: Execute(%q) transcript = %q, want %q", where, c.code, g, w)
		}
	}
	for _, name := range []string{"stdout", "stderr"} {
		if w, ok := c.sections[name]; ok {
			if g := strings.TrimSuffix(rec.stream(name), "\n"); g != w {
				t.Errorf("%s: Execute(%q) %s = %q, want %q", where, c.code, name, g, w)
			}
		}
		if re, ok := c.sections[name+"~"]; ok {
			if g := rec.stream(name); !regexp.MustCompile(re).MatchString(g) {
				t.Errorf("%s: Execute(%q) %s = %q, want match %q", where, c.code, name, g, re)
			}
		}
	}
	var ce *CellError
	if err != nil {
		var ok bool
		if ce, ok = err.(*CellError); !ok {
			t.Errorf("%s: Execute(%q) error type %T, want *CellError", where, c.code, err)
			return
		}
	}
	wantErr, exact := c.sections["error"]
	reErr, isRe := c.sections["error~"]
	switch {
	case (exact || isRe) && ce == nil:
		t.Errorf("%s: Execute(%q) error = nil, want %q%q", where, c.code, wantErr, reErr)
	case !exact && !isRe && ce != nil:
		t.Errorf("%s: Execute(%q) error = %v, want none\n%s", where, c.code, ce, strings.Join(ce.Traceback, "\n"))
	case exact && ce.Error() != wantErr:
		t.Errorf("%s: Execute(%q) error = %q, want %q", where, c.code, ce.Error(), wantErr)
	case isRe && !regexp.MustCompile(reErr).MatchString(ce.Error()):
		t.Errorf("%s: Execute(%q) error = %q, want match %q", where, c.code, ce.Error(), reErr)
	}
	if re, ok := c.sections["traceback~"]; ok && ce != nil {
		tb := strings.Join(ce.Traceback, "\n")
		if !regexp.MustCompile(re).MatchString(tb) {
			t.Errorf("%s: Execute(%q) traceback =\n%s\nwant match %q", where, c.code, tb, re)
		}
	}
	if re, ok := c.sections["html~"]; ok {
		h := ""
		if res != nil {
			h, _ = res.Data["text/html"].(string)
		}
		if !regexp.MustCompile(re).MatchString(h) {
			t.Errorf("%s: Execute(%q) text/html = %q, want match %q", where, c.code, h, re)
		}
	}
	if w, ok := c.sections["mime"]; ok {
		var types []string
		if res != nil {
			for k := range res.Data {
				types = append(types, k)
			}
		}
		sort.Strings(types)
		if g := strings.Join(types, "\n"); g != w {
			t.Errorf("%s: Execute(%q) MIME types = %q, want %q", where, c.code, g, w)
		}
	}
}
