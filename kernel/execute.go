package kernel

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/go-zeromq/zmq4"
)

// execQueue holds execute requests in arrival order. It is unbounded so that
// the shell goroutine never blocks behind a long cell.
type execQueue struct {
	mu     sync.Mutex
	items  []*Message
	ready  chan struct{} // has a value while items is non-empty or the queue is closed
	closed bool
}

func (q *execQueue) init() { q.ready = make(chan struct{}, 1) }

func (q *execQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *execQueue) push(m *Message) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
	q.signal()
}

// pop waits for the next request; it returns nil once the queue is closed.
func (q *execQueue) pop() *Message {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return nil
		}
		if len(q.items) > 0 {
			m := q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			if len(q.items) > 0 {
				q.signal()
			}
			q.mu.Unlock()
			return m
		}
		q.mu.Unlock()
		<-q.ready
	}
}

// drain removes and returns every queued request.
func (q *execQueue) drain() []*Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

func (q *execQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

// executorLoop runs queued execute requests one at a time. After a failed
// cell whose request had stop_on_error, every request queued at that moment is
// answered "aborted" without running.
func (k *Kernel) executorLoop() {
	for {
		req := k.queue.pop()
		if req == nil {
			return
		}
		var aborted []*Message
		k.handle(k.shell, req, func(k *Kernel, sock zmq4.Socket, req *Message) { aborted = k.execute(sock, req) })
		for _, r := range aborted {
			k.handle(k.shell, r, (*Kernel).abort)
		}
	}
}

// abort answers an execute request that was queued behind a failed cell.
func (k *Kernel) abort(sock zmq4.Socket, req *Message) {
	k.reply(sock, req, "execute_reply", ExecuteReply{Status: "aborted", ExecutionCount: k.count, Payload: []any{}})
}

// execute runs one execute_request: execute_input, outputs, execute_reply.
// When the cell fails and the request asked to stop on error, it takes the
// requests queued so far — before its reply leaves, so that a request sent
// after the client saw the error is not among them — and returns them to be
// answered "aborted".
func (k *Kernel) execute(sock zmq4.Socket, req *Message) (abort []*Message) {
	var c ExecuteRequest
	if !k.decode(sock, req, &c) {
		return nil
	}
	store := !c.Silent && (c.StoreHistory == nil || *c.StoreHistory)
	allowStdin := c.AllowStdin == nil || *c.AllowStdin
	stopOnError := c.StopOnError == nil || *c.StopOnError
	if store {
		k.count++
	}
	count := k.count
	if !c.Silent {
		k.publish(req, "execute_input", executeInput{Code: c.Code, ExecutionCount: count})
	}

	ctx, cancel := context.WithCancel(k.ctx)
	defer cancel()
	k.runMu.Lock()
	k.running = cancel
	k.runMu.Unlock()
	out := &cellOutput{k: k, req: req, ctx: ctx, silent: c.Silent, allowStdin: allowStdin}
	res, err := k.runCell(ctx, c.Code, out)
	var exprs map[string]any
	if err == nil && len(c.UserExpressions) > 0 {
		exprs = k.userExpressions(ctx, c.UserExpressions)
	}
	out.close()
	k.runMu.Lock()
	k.running = nil
	k.runMu.Unlock()

	if err != nil {
		ee := asExecError(err)
		if !c.Silent {
			k.publish(req, "error", errorMessage{EName: ee.Name, EValue: ee.Value, Traceback: ee.Traceback})
		}
		if store {
			k.history.add(count, c.Code, nil)
		}
		if stopOnError {
			abort = k.queue.drain()
		}
		k.reply(sock, req, "execute_reply", ExecuteReply{
			Status: "error", ExecutionCount: count, Payload: []any{}, UserExpressions: map[string]any{},
			ErrorContent: ErrorContent{EName: ee.Name, EValue: ee.Value, Traceback: ee.Traceback},
		})
		return abort
	}
	var text *string
	if res != nil && res.Data != nil {
		if !c.Silent {
			md := res.Metadata
			if md == nil {
				md = map[string]any{}
			}
			k.publish(req, "execute_result", executeResult{ExecutionCount: count, Data: res.Data, Metadata: md})
		}
		if s, ok := res.Data["text/plain"].(string); ok {
			text = &s
		}
	}
	if store {
		k.history.add(count, c.Code, text)
	}
	if exprs == nil {
		exprs = map[string]any{}
	}
	k.reply(sock, req, "execute_reply", ExecuteReply{Status: "ok", ExecutionCount: count, Payload: []any{}, UserExpressions: exprs})
	return nil
}

// runCell calls the evaluator, turning its panic into an error.
func (k *Kernel) runCell(ctx context.Context, code string, out Output) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			k.log.Printf("evaluator panicked: %v\n%s", r, debug.Stack())
			res, err = nil, &ExecError{Name: "InternalError", Value: fmt.Sprint(r)}
		}
	}()
	return k.eval.Execute(ctx, code, out)
}

// userExpressions evaluates each user expression after a successful cell, as
// execute_request's user_expressions asks, without publishing anything.
func (k *Kernel) userExpressions(ctx context.Context, exprs map[string]any) map[string]any {
	results := make(map[string]any, len(exprs))
	for name, e := range exprs {
		code, ok := e.(string)
		if !ok {
			results[name] = map[string]any{"status": "error", "ename": "TypeError", "evalue": "expression is not a string", "traceback": []string{}}
			continue
		}
		res, err := k.runCell(ctx, code, discardOutput{})
		switch {
		case err != nil:
			ee := asExecError(err)
			results[name] = map[string]any{"status": "error", "ename": ee.Name, "evalue": ee.Value, "traceback": ee.Traceback}
		case res == nil:
			results[name] = map[string]any{"status": "ok", "data": map[string]any{"text/plain": ""}, "metadata": map[string]any{}}
		default:
			md := res.Metadata
			if md == nil {
				md = map[string]any{}
			}
			// One unencodable entry would lose the whole execute_reply
			// and leave the client waiting: leave such entries out.
			data, dropped := dropUnencodable(res.Data, "")
			md, mdDropped := dropUnencodable(md, "metadata ")
			for _, d := range append(dropped, mdDropped...) {
				k.log.Printf("user expression %q: left out %s: %v", name, d.key, d.err)
			}
			results[name] = map[string]any{"status": "ok", "data": data, "metadata": md}
		}
	}
	return results
}

// discardOutput swallows the output of user expressions.
type discardOutput struct{}

func (discardOutput) Stream(string, string)                                {}
func (discardOutput) Display(map[string]any, map[string]any, string, bool) {}
func (discardOutput) ClearOutput(bool)                                     {}
func (discardOutput) Input(string, bool) (string, error)                   { return "", ErrStdinNotAllowed }
