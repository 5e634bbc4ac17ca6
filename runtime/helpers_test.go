package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// event is one thing a cell sent to its Output.
type event struct {
	kind string // "stdout", "stderr", "display", "update", "clear", "input"
	text string
	data map[string]any
	id   string
	at   time.Time
}

// recorder is an Output that keeps everything in order.
type recorder struct {
	mu      sync.Mutex
	events  []event
	inputs  []string // answers for Input, in order
	noStdin bool
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{kind: name, text: text, at: time.Now()})
}

func (r *recorder) Display(data, metadata map[string]any, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := "display"
	if update {
		k = "update"
	}
	r.events = append(r.events, event{kind: k, data: data, id: id, text: fmt.Sprint(data["text/plain"]), at: time.Now()})
}

func (r *recorder) ClearOutput(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{kind: "clear", text: fmt.Sprint(wait), at: time.Now()})
}

func (r *recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.noStdin || len(r.inputs) == 0 {
		return "", errors.New("stdin not allowed")
	}
	s := r.inputs[0]
	r.inputs = r.inputs[1:]
	r.events = append(r.events, event{kind: "input", text: prompt + s, at: time.Now()})
	return s, nil
}

// stream returns the concatenated text of one stream.
func (r *recorder) stream(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.events {
		if e.kind == name {
			b.WriteString(e.text)
		}
	}
	return b.String()
}

// transcript renders every event in order, merging adjacent stream chunks.
func (r *recorder) transcript() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	last := ""
	for _, e := range r.events {
		switch e.kind {
		case "stdout", "stderr":
			if last != e.kind {
				b.WriteString("[" + e.kind + "]")
			}
			b.WriteString(e.text)
		default:
			b.WriteString("[" + e.kind + " " + e.text + "]")
		}
		last = e.kind
	}
	return b.String()
}

func newSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatalf("New(Options{}) error: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// exec runs a cell with a fresh recorder and a generous timeout.
func exec(t testing.TB, s *Session, code string) (*Result, error, *recorder) {
	t.Helper()
	rec := &recorder{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := s.Execute(ctx, code, rec)
	return res, err, rec
}
