package runtime

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCompiledAndRawWritesAreCaptured(t *testing.T) {
	s := newSession(t)
	tests := []struct {
		name, code, stream, want string
	}{
		{"os.Stdout.Write", `import "os"
os.Stdout.Write([]byte("raw write\n"))`, "stdout", "raw write\n"},
		{"os.Stdout.WriteString", `os.Stdout.WriteString("ws\n")`, "stdout", "ws\n"},
		{"os.Stderr.WriteString", `os.Stderr.WriteString("to stderr\n")`, "stderr", "to stderr\n"},
		{"log", `import "log"
log.SetFlags(0)
log.Println("logged")`, "stderr", "logged\n"},
		{"compiled fmt.Fprintln to fd", `import "io"
var w io.Writer = os.Stdout
fmt.Fprintln(w, "via interface")`, "stdout", "via interface\n"},
		{"goroutine", `done := make(chan bool)
go func() { fmt.Println("from goroutine"); done <- true }()
<-done`, "stdout", "from goroutine\n"},
		// yaegi prints the println builtin to standard output, not standard error.
		{"print builtin", `println("builtin println")`, "stdout", "builtin println\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err, rec := exec(t, s, tc.code)
			if err != nil {
				t.Fatalf("Execute(%q) error: %v", tc.code, err)
			}
			if got := rec.stream(tc.stream); got != tc.want {
				t.Errorf("Execute(%q) %s = %q, want %q (all: %q)", tc.code, tc.stream, got, tc.want, rec.transcript())
			}
		})
	}
}

func TestOutputOrderAcrossStreamsAndDisplays(t *testing.T) {
	s := newSession(t)
	code := `import "os"
for i := range 3 {
	fmt.Println("out", i)
	fmt.Fprintln(os.Stderr, "err", i)
	os.Stdout.WriteString("raw\n")
	display.Text(fmt.Sprint("disp ", i))
}`
	_, err, rec := exec(t, s, code)
	if err != nil {
		t.Fatalf("Execute error: %v", err)
	}
	var want strings.Builder
	for i := range 3 {
		fmt.Fprintf(&want, "[stdout]out %d\n[stderr]err %d\n[stdout]raw\n[display disp %d]", i, i, i)
	}
	if got := rec.transcript(); got != want.String() {
		t.Errorf("transcript = %q, want %q", got, want.String())
	}
}

func TestFirstBytesStreamLive(t *testing.T) {
	s := newSession(t)
	for _, code := range []string{
		`fmt.Println("x"); time.Sleep(400 * time.Millisecond)`,
		`import "os"
os.Stdout.WriteString("x\n"); time.Sleep(400 * time.Millisecond)`,
	} {
		rec := &recorder{}
		start := time.Now()
		if _, err := s.Execute(context.Background(), code, rec); err != nil {
			t.Fatalf("Execute(%q) error: %v", code, err)
		}
		if len(rec.events) == 0 {
			t.Fatalf("Execute(%q) streamed nothing", code)
		}
		lat := rec.events[0].at.Sub(start)
		t.Logf("Execute(%q): first bytes after %v", code, lat)
		if lat > 50*time.Millisecond && !raceEnabled {
			t.Errorf("Execute(%q) first stream message after %v, want ≤ 50ms", code, lat)
		}
	}
}

func TestManyLinesAreCoalesced(t *testing.T) {
	s := newSession(t)
	for _, tc := range []struct{ name, code string }{
		{"fmt.Println", `for i := range 10000 { fmt.Println("line", i) }`},
		{"os.Stdout.WriteString", `import "os"
for i := range 10000 { os.Stdout.WriteString(fmt.Sprintln("line", i)) }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err, rec := exec(t, s, tc.code)
			if err != nil {
				t.Fatalf("Execute error: %v", err)
			}
			out := rec.stream("stdout")
			if n := strings.Count(out, "\n"); n != 10000 {
				t.Fatalf("stdout has %d lines, want 10000", n)
			}
			if !strings.HasPrefix(out, "line 0\nline 1\n") || !strings.HasSuffix(out, "line 9999\n") {
				t.Errorf("stdout out of order: starts %q ends %q", out[:20], out[len(out)-20:])
			}
			msgs := 0
			for _, e := range rec.events {
				if e.kind == "stdout" {
					msgs++
				}
			}
			t.Logf("10000 lines in %d stream messages", msgs)
			if msgs > 20 && !raceEnabled {
				t.Errorf("10000 lines took %d stream messages, want ≤ 20", msgs)
			}
		})
	}
}

func TestStdinReachesInput(t *testing.T) {
	s := newSession(t)
	rec := &recorder{inputs: []string{"hello", "3 4"}}
	res, err := s.Execute(context.Background(), `var name string
fmt.Scanln(&name)
var a, b int
fmt.Scan(&a, &b)
fmt.Sprint(name, a+b)`, rec)
	if err != nil {
		t.Fatalf("Execute error: %v", err)
	}
	if got := res.Data["text/plain"]; got != "hello7" {
		t.Errorf("result = %q, want %q", got, "hello7")
	}

	// A client that disallows stdin makes the read fail, not hang.
	rec = &recorder{noStdin: true}
	res, err = s.Execute(context.Background(), `var v string
_, err := fmt.Scanln(&v)
err != nil`, rec)
	if err != nil {
		t.Fatalf("Execute error: %v", err)
	}
	if got := res.Data["text/plain"]; got != "true" {
		t.Errorf("Scanln without stdin: err != nil = %v, want true", got)
	}
}

func TestUTF8NotSplit(t *testing.T) {
	st := newStreamer(&recorder{})
	rec := st.out.(*recorder)
	st.write("stdout", []byte("héllo"[:2])) // "h" + first byte of "é"
	st.onTimer()
	st.write("stdout", []byte("héllo"[2:]))
	st.close()
	for _, e := range rec.events {
		if !strings.HasPrefix(e.text, "h") && !strings.HasPrefix(e.text, "llo") && e.text != "éllo" {
			t.Errorf("stream chunk %q splits a rune", e.text)
		}
	}
	if got := rec.stream("stdout"); got != "héllo" {
		t.Errorf("stream = %q, want %q", got, "héllo")
	}
}

func TestDisplayOfCellDefinedTypesIsRich(t *testing.T) {
	s := newSession(t)
	_, err, rec := exec(t, s, `type Badge struct{ Label string }
func (b Badge) HTML() string { return "<span>" + b.Label + "</span>" }
display.Show(Badge{"a"})
h := display.NewHandle()
h.Show(Badge{"b"})
h.Update(Badge{"c"})
display.Show(tensor.Ones(2))`)
	if err != nil {
		t.Fatalf("Execute error: %v", err)
	}
	wantHTML := []string{"<span>a</span>", "<span>b</span>", "<span>c</span>"}
	var got []string
	for _, e := range rec.events {
		if e.kind == "display" || e.kind == "update" {
			h, _ := e.data["text/html"].(string)
			got = append(got, h)
		}
	}
	if len(got) != 4 {
		t.Fatalf("got %d displays, want 4: %q", len(got), rec.transcript())
	}
	for i, w := range wantHTML {
		if got[i] != w {
			t.Errorf("display %d text/html = %q, want %q", i, got[i], w)
		}
	}
	if !strings.Contains(got[3], "<table") {
		t.Errorf("display.Show(tensor) text/html = %.200q, want viz's table", got[3])
	}
}

func TestBackgroundOutputShowsInNextCell(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `go func() { time.Sleep(30 * time.Millisecond); fmt.Println("late line") }()`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	_, err, rec := exec(t, s, `fmt.Println("next")`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rec.stream("stdout"), "late line\nnext\n"; got != want {
		t.Errorf("next cell stdout = %q, want %q", got, want)
	}
}

func TestInputPromptIsTheUnfinishedLine(t *testing.T) {
	s := newSession(t)
	rec := &recorder{inputs: []string{"Ada"}}
	_, err := s.Execute(context.Background(), `fmt.Println("hello")
fmt.Print("name? ")
var name string
fmt.Scanln(&name)
fmt.Println("hi", name)`, rec)
	if err != nil {
		t.Fatalf("Execute error: %v", err)
	}
	if got, want := rec.transcript(), "[stdout]hello\n[input name? Ada][stdout]hi Ada\n"; got != want {
		t.Errorf("transcript = %q, want %q", got, want)
	}
}

// TestOrderOfInterpretedAndRawWrites alternates interpreted stdout with raw
// writes to file descriptor 2: the ordered writer drains the pipes first.
func TestOrderOfInterpretedAndRawWrites(t *testing.T) {
	s := newSession(t)
	_, err, rec := exec(t, s, `import "os"
for i := range 200 {
	fmt.Println("out", i)
	os.Stderr.WriteString(fmt.Sprintln("err", i))
}
fmt.Println("end")`)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for i := range 200 {
		fmt.Fprintf(&want, "[stdout]out %d\n[stderr]err %d\n", i, i)
	}
	want.WriteString("[stdout]end\n")
	if got := rec.transcript(); got != want.String() {
		t.Errorf("transcript out of order:\n%.300s...\nwant\n%.300s...", got, want.String())
	}
}

func TestBackgroundPanicReportShowsNoInterpreterLines(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `go func() { time.Sleep(30 * time.Millisecond); var m map[string]int; m["a"] = 1 }()`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	_, err, rec := exec(t, s, `fmt.Println("next")`)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.stream("stderr")
	if want := "panic in goroutine: assignment to entry in nil map\n    in a function literal, whose body starts at cell line 1\n"; got != want {
		t.Errorf("next cell stderr = %q, want %q", got, want)
	}
}
