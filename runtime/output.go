package runtime

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Coalescing: the first bytes of a burst go out after firstFlush, later
// flushes back off to maxFlush, and a buffer reaching maxChunk goes out at
// once. 10,000 quick lines become a handful of messages; a slow trickle still
// shows within firstFlush.
const (
	firstFlush = 5 * time.Millisecond
	maxFlush   = 200 * time.Millisecond
	maxChunk   = 1 << 20
)

// streamer coalesces one cell's stream output and keeps stdout, stderr and
// displays in the order they were produced. All calls into Output happen
// under mu, so they never overlap.
type streamer struct {
	out Output

	mu      sync.Mutex
	name    string
	buf     []byte
	timer   *time.Timer
	armed   bool
	flushes int
	closed  bool
}

func newStreamer(out Output) *streamer {
	st := &streamer{out: out}
	st.timer = time.AfterFunc(time.Hour, st.onTimer)
	st.timer.Stop()
	return st
}

func (st *streamer) onTimer() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.armed = false
	st.emitLocked(false)
}

// write queues p on stream name. It reports false once the cell is over.
func (st *streamer) write(name string, p []byte) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return false
	}
	if len(st.buf) > 0 && name != st.name {
		st.emitLocked(true)
	}
	st.name = name
	st.buf = append(st.buf, p...)
	if len(st.buf) >= maxChunk {
		st.emitLocked(false)
		return true
	}
	if !st.armed && len(st.buf) > 0 {
		st.armed = true
		d := firstFlush << min(st.flushes, 6)
		st.timer.Reset(min(d, maxFlush))
	}
	return true
}

// emitLocked sends the buffer; unless all, an incomplete UTF-8 sequence at
// its end waits for the rest of its bytes.
func (st *streamer) emitLocked(all bool) {
	if len(st.buf) == 0 {
		return
	}
	n := len(st.buf)
	if !all {
		n = completeUTF8(st.buf)
		if n == 0 {
			return
		}
	}
	text := string(st.buf[:n])
	st.buf = append(st.buf[:0], st.buf[n:]...)
	st.flushes++
	st.out.Stream(st.name, text)
}

// completeUTF8 returns the length of b without a trailing incomplete rune.
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// do flushes pending text and runs f in order with the stream.
func (st *streamer) do(f func()) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.emitLocked(true)
	f()
}

// input calls ask with the unfinished last line of stdout as the prompt
// (fmt.Print("name? ") before fmt.Scanln), after sending everything before
// it, so the front end shows the prompt beside the input box.
func (st *streamer) input(ask func(prompt string)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	prompt := ""
	if st.name == "stdout" && len(st.buf) > 0 && st.buf[len(st.buf)-1] != '\n' {
		i := bytes.LastIndexByte(st.buf, '\n') + 1
		prompt = string(st.buf[i:])
		st.buf = st.buf[:i]
	}
	st.emitLocked(true)
	ask(prompt)
}

// close flushes and detaches the streamer; later writes go elsewhere.
func (st *streamer) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.timer.Stop()
	st.emitLocked(true)
	st.closed = true
}

// orderedWriter is what interpreted code's fmt.Print*, log and writes to
// os.Stdout/os.Stderr through fmt.Fprint* reach: it hands bytes straight to
// the running cell's streamer after the file-descriptor pipes are drained,
// so they keep their order with compiled code's output and with displays.
type orderedWriter struct {
	s    *Session
	name string

	mu      sync.Mutex
	partial string // an incomplete line on stderr, checked for panic reports
}

func (w *orderedWriter) Write(p []byte) (int, error) {
	run := w.s.cur.Load()
	if w.name == "stderr" && w.interceptPanic(run, p) {
		return len(p), nil
	}
	if w.s.capture != nil {
		w.s.capture.flushPending()
	}
	if run == nil || !run.st.write(w.name, p) {
		// No cell is running (a goroutine of an earlier cell): the text goes
		// to the kernel's log and is shown at the start of the next cell.
		w.s.holdBackground(w.name, p)
		return w.s.logOut.Write(p)
	}
	return len(p), nil
}

// maxBackground bounds the output held between cells.
const maxBackground = 64 << 10

// background is output written between cells, by goroutines of earlier
// cells, waiting for the next cell.
type background struct {
	mu     sync.Mutex
	chunks []bgChunk
	size   int
	lost   int
}

type bgChunk struct{ name, text string }

func (s *Session) holdBackground(name string, p []byte) {
	b := &s.bg
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.size+len(p) > maxBackground {
		b.lost += len(p)
		return
	}
	b.size += len(p)
	if n := len(b.chunks); n > 0 && b.chunks[n-1].name == name {
		b.chunks[n-1].text += string(p)
		return
	}
	b.chunks = append(b.chunks, bgChunk{name, string(p)})
}

// releaseBackground sends held output to the starting cell.
func (s *Session) releaseBackground(run *cellRun) {
	b := &s.bg
	b.mu.Lock()
	chunks, lost := b.chunks, b.lost
	b.chunks, b.size, b.lost = nil, 0, 0
	b.mu.Unlock()
	for _, c := range chunks {
		run.st.write(c.name, []byte(c.text))
	}
	if lost > 0 {
		run.st.write("stderr", []byte(fmt.Sprintf("[%d bytes of background output between cells were dropped]\n", lost)))
	}
}

// interceptPanic keeps yaegi's "cell:L:C: panic: f(...)" frame reports out of
// the cell's stderr and records them for the panic's traceback.
// Between cells (run nil: a goroutine of an earlier cell) they are kept for
// goPanic's report instead.
func (w *orderedWriter) interceptPanic(run *cellRun, p []byte) bool {
	line := strings.TrimSuffix(string(p), "\n")
	if strings.Contains(line, "\n") || !panicLine.MatchString(line) {
		return false
	}
	if run == nil {
		w.s.bgTrace.mu.Lock()
		w.s.bgTrace.lines = append(w.s.bgTrace.lines, line)
		w.s.bgTrace.mu.Unlock()
		return true
	}
	run.mu.Lock()
	run.panicTrace = append(run.panicTrace, line)
	run.mu.Unlock()
	return true
}

// inputReader is the interpreter's standard input (fmt.Scan, Scanln,
// Scanf): each time it runs dry it asks the running cell's front end for a
// line through Output.Input. When the front end gives none (a client with
// allow_stdin false), the read fails with its error, and the first such
// failure in a cell also says so on the cell's stderr: students rarely
// check Scanln's error, and the cell would otherwise finish silently with
// its variables empty.
type inputReader struct {
	s      *Session
	mu     sync.Mutex
	buf    string
	warned *cellRun // the cell last told that its input cannot be read
}

func (r *inputReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buf == "" {
		run := r.s.cur.Load()
		if run == nil {
			return 0, io.EOF
		}
		if r.s.capture != nil {
			r.s.capture.flushPending()
		}
		var line, prompt string
		var err error
		run.st.input(func(pr string) {
			prompt = pr
			line, err = run.out.Input(pr, false)
		})
		if err != nil {
			r.noInput(run, prompt, err)
			return 0, err
		}
		r.buf = line + "\n"
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// noInput puts back the prompt an input request took from stdout, and
// tells the cell, once, that its reads of stdin fail. The caller holds
// r.mu.
func (r *inputReader) noInput(run *cellRun, prompt string, err error) {
	if prompt != "" {
		run.st.write("stdout", []byte(prompt))
	}
	if r.warned == run {
		return
	}
	r.warned = run
	run.st.write("stderr", []byte(fmt.Sprintf("input requested, but this front end accepts none (%v): stdin reads in this cell return an error\n", err)))
}

// publisher routes the display package's calls to the running cell, in
// order with its stream output.
type publisher struct {
	s   *Session
	run *cellRun
}

func (p *publisher) Display(data, metadata map[string]any, displayID string, update bool) {
	if p.s.capture != nil {
		p.s.capture.flushPending()
	}
	p.run.st.do(func() { p.run.out.Display(data, metadata, displayID, update) })
}

func (p *publisher) Clear(wait bool) {
	if p.s.capture != nil {
		p.s.capture.flushPending()
	}
	p.run.st.do(func() { p.run.out.ClearOutput(wait) })
}
