package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// cellOutput is the Output of one running cell. Stream text is coalesced:
// consecutive writes to the same stream within StreamFlushInterval go out as
// one stream message, so a loop printing 10,000 lines costs a handful of
// messages instead of 10,000. Anything else a cell publishes (display,
// clear_output, an input request, the cell's end) first flushes pending text,
// so output order is kept exactly.
type cellOutput struct {
	k          *Kernel
	req        *Message
	ctx        context.Context
	silent     bool
	allowStdin bool

	mu     sync.Mutex
	closed bool
	name   string          // stream of the pending text
	buf    strings.Builder // pending text
	timer  *time.Timer     // flushes pending text; nil when none is pending
}

var _ Output = (*cellOutput)(nil)

func (o *cellOutput) Stream(name, text string) {
	if text == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.silent {
		return
	}
	if name != "stdout" && name != "stderr" {
		name = "stdout"
	}
	if o.buf.Len() > 0 && name != o.name {
		o.flushLocked()
	}
	o.name = name
	o.buf.WriteString(text)
	if o.buf.Len() >= maxStreamChunk {
		o.flushLocked()
		return
	}
	if o.timer == nil {
		o.timer = time.AfterFunc(o.k.opts.StreamFlushInterval, o.timedFlush)
	}
}

func (o *cellOutput) timedFlush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.timer = nil
	if !o.closed {
		o.flushLocked()
	}
}

// flushLocked publishes pending stream text. o.mu must be held.
func (o *cellOutput) flushLocked() {
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
	}
	if o.buf.Len() == 0 {
		return
	}
	o.k.publish(o.req, "stream", streamContent{Name: o.name, Text: o.buf.String()})
	o.buf.Reset()
}

func (o *cellOutput) Display(data, metadata map[string]any, displayID string, update bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.silent {
		return
	}
	o.flushLocked()
	if data == nil {
		data = map[string]any{}
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	c := displayContent{Data: data, Metadata: metadata}
	if displayID != "" {
		c.Transient = map[string]any{"display_id": displayID}
	}
	t := "display_data"
	if update {
		if displayID == "" {
			o.k.log.Printf("update_display_data without a display id ignored")
			return
		}
		t = "update_display_data"
	}
	o.k.publish(o.req, t, c)
}

func (o *cellOutput) ClearOutput(wait bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.silent {
		return
	}
	o.flushLocked()
	o.k.publish(o.req, "clear_output", clearOutput{Wait: wait})
}

func (o *cellOutput) Input(prompt string, password bool) (string, error) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return "", errors.New("input requested after the cell finished")
	}
	if !o.allowStdin {
		o.mu.Unlock()
		return "", ErrStdinNotAllowed
	}
	o.flushLocked()
	o.mu.Unlock()
	return o.k.requestInput(o.ctx, o.req, prompt, password)
}

// close flushes pending text and makes later writes no-ops.
func (o *cellOutput) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
	o.closed = true
}

// requestInput sends input_request on stdin to the client of req and waits
// for its input_reply, the cell's interruption, or the kernel's shutdown.
func (k *Kernel) requestInput(ctx context.Context, req *Message, prompt string, password bool) (string, error) {
	k.inputMu.Lock()
	defer k.inputMu.Unlock()
drain: // forget replies to earlier, abandoned requests
	for {
		select {
		case <-k.inputs:
		default:
			break drain
		}
	}
	h := newHeader("input_request", k.session, k.user, k.opts.Now())
	k.send(k.stdin, &outgoing{
		identities: req.Identities,
		header:     h,
		parent:     req.RawHeader,
		content:    InputRequest{Prompt: prompt, Password: password},
	})
	for {
		select {
		case m := <-k.inputs:
			var r InputReply
			if err := json.Unmarshal(m.Content, &r); err != nil {
				return "", fmt.Errorf("bad input_reply: %w", err)
			}
			return r.Value, nil
		case <-ctx.Done():
			return "", fmt.Errorf("input interrupted: %w", ctx.Err())
		}
	}
}
