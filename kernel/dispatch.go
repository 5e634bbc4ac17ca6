package kernel

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/go-zeromq/zmq4"
)

// handler serves one request that arrived on sock.
type handler func(k *Kernel, sock zmq4.Socket, req *Message)

// shellHandlers serve the shell socket. execute_request is not here: it is
// queued for the executor goroutine (see routerLoop) and served by
// (*Kernel).execute through the same handle wrapper.
var shellHandlers = map[string]handler{
	"kernel_info_request": (*Kernel).kernelInfo,
	"complete_request":    (*Kernel).complete,
	"inspect_request":     (*Kernel).inspect,
	"is_complete_request": (*Kernel).isComplete,
	"history_request":     (*Kernel).historyRequest,
	"comm_info_request":   (*Kernel).commInfo,
	"comm_open":           (*Kernel).commOpen,
	"comm_msg":            (*Kernel).commMsg,
	"comm_close":          (*Kernel).commMsg,
	"shutdown_request":    (*Kernel).shutdown, // deprecated on shell, still honoured
}

// controlHandlers serve the control socket, on its own goroutine, so they are
// answered while a cell runs.
var controlHandlers = map[string]handler{
	"kernel_info_request": (*Kernel).kernelInfo,
	"shutdown_request":    (*Kernel).shutdown,
	"interrupt_request":   (*Kernel).interrupt,
}

// routerLoop reads requests from a ROUTER socket and dispatches them by type.
func (k *Kernel) routerLoop(sock zmq4.Socket, table map[string]handler, name string) {
	for {
		req, ok := k.recv(sock, name)
		if !ok {
			return
		}
		t := req.Header.MsgType
		if t == "execute_request" && sock == k.shell {
			k.queue.push(req)
			continue
		}
		h, ok := table[t]
		if !ok {
			k.log.Printf("%s: unknown message type %q ignored", name, t)
			continue
		}
		k.handle(sock, req, h)
	}
}

// handle is the one place that publishes busy and idle around a request, and
// the one place that turns a handler's panic into a logged error and an error
// reply instead of a dead kernel.
func (k *Kernel) handle(sock zmq4.Socket, req *Message, h handler) {
	k.publish(req, "status", statusContent{ExecutionState: "busy"})
	defer k.publish(req, "status", statusContent{ExecutionState: "idle"})
	defer func() {
		if r := recover(); r != nil {
			k.log.Printf("handler for %s panicked: %v\n%s", req.Header.MsgType, r, debug.Stack())
			k.replyError(sock, req, "InternalError", fmt.Sprint(r))
		}
	}()
	h(k, sock, req)
}

// replyType names the reply to a request type: x_request → x_reply.
func replyType(reqType string) string {
	return strings.TrimSuffix(reqType, "_request") + "_reply"
}

// replyError answers a request the kernel could not serve.
func (k *Kernel) replyError(sock zmq4.Socket, req *Message, ename, evalue string) {
	if !strings.HasSuffix(req.Header.MsgType, "_request") {
		return // comm messages and the like have no reply
	}
	k.reply(sock, req, replyType(req.Header.MsgType), errorReply{
		Status:       "error",
		errorMessage: errorMessage{EName: ename, EValue: evalue, Traceback: []string{ename + ": " + evalue}},
	})
}

// decode unmarshals req's content into v, answering with an error reply and
// returning false when the content does not fit the message type.
func (k *Kernel) decode(sock zmq4.Socket, req *Message, v any) bool {
	if err := json.Unmarshal(req.Content, v); err != nil {
		k.log.Printf("bad %s content: %v", req.Header.MsgType, err)
		k.replyError(sock, req, "BadRequest", fmt.Sprintf("cannot decode %s: %v", req.Header.MsgType, err))
		return false
	}
	return true
}

func (k *Kernel) kernelInfo(sock zmq4.Socket, req *Message) {
	links := k.opts.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	k.reply(sock, req, "kernel_info_reply", KernelInfoReply{
		Status:                "ok",
		ProtocolVersion:       ProtocolVersion,
		Implementation:        implementation,
		ImplementationVersion: k.opts.ImplementationVersion,
		LanguageInfo:          k.opts.LanguageInfo,
		Banner:                k.opts.Banner,
		HelpLinks:             links,
	})
}

func (k *Kernel) complete(sock zmq4.Socket, req *Message) {
	var c CompleteRequest
	if !k.decode(sock, req, &c) {
		return
	}
	c.CursorPos = clampCursor(c.Code, c.CursorPos)
	r := CompleteReply{Status: "ok", Matches: []string{}, CursorStart: c.CursorPos, CursorEnd: c.CursorPos, Metadata: map[string]any{}}
	if cp, ok := k.eval.(Completer); ok {
		matches, start, end := cp.Complete(c.Code, c.CursorPos)
		if matches != nil {
			r.Matches = matches
		}
		r.CursorStart, r.CursorEnd = start, end
	}
	k.reply(sock, req, "complete_reply", r)
}

func (k *Kernel) inspect(sock zmq4.Socket, req *Message) {
	var c InspectRequest
	if !k.decode(sock, req, &c) {
		return
	}
	c.CursorPos = clampCursor(c.Code, c.CursorPos)
	r := InspectReply{Status: "ok", Data: map[string]any{}, Metadata: map[string]any{}}
	if in, ok := k.eval.(Inspector); ok {
		data, found := in.Inspect(c.Code, c.CursorPos, c.DetailLevel)
		if found && data != nil {
			r.Found, r.Data = true, data
		}
	}
	k.reply(sock, req, "inspect_reply", r)
}

func (k *Kernel) isComplete(sock zmq4.Socket, req *Message) {
	var c IsCompleteRequest
	if !k.decode(sock, req, &c) {
		return
	}
	r := IsCompleteReply{Status: "unknown"}
	if cc, ok := k.eval.(CompletenessChecker); ok {
		r.Status, r.Indent = cc.IsComplete(c.Code)
		if r.Status != "incomplete" {
			r.Indent = ""
		}
	}
	k.reply(sock, req, "is_complete_reply", r)
}

func (k *Kernel) historyRequest(sock zmq4.Socket, req *Message) {
	var c HistoryRequest
	if !k.decode(sock, req, &c) {
		return
	}
	entries, err := k.history.query(c)
	if err != nil {
		k.replyError(sock, req, "BadRequest", err.Error())
		return
	}
	k.reply(sock, req, "history_reply", HistoryReply{Status: "ok", History: entries})
}

// commInfo answers comm_info_request. The kernel registers no comm targets,
// so there are never open comms.
func (k *Kernel) commInfo(sock zmq4.Socket, req *Message) {
	var c CommInfoRequest
	if !k.decode(sock, req, &c) {
		return
	}
	k.reply(sock, req, "comm_info_reply", CommInfoReply{Status: "ok", Comms: map[string]map[string]string{}})
}

// commOpen refuses a comm for an unknown target by closing it, as the
// protocol asks, so the frontend does not wait on it.
func (k *Kernel) commOpen(sock zmq4.Socket, req *Message) {
	var c CommOpen
	if !k.decode(sock, req, &c) {
		return
	}
	k.log.Printf("comm_open for unknown target %q: closing comm %s", c.TargetName, c.CommID)
	k.publish(req, "comm_close", CommMsg{CommID: c.CommID, Data: map[string]any{}})
}

// commMsg handles comm_msg and comm_close, which can only name comms the
// kernel never opened.
func (k *Kernel) commMsg(sock zmq4.Socket, req *Message) {
	var c CommMsg
	if !k.decode(sock, req, &c) {
		return
	}
	k.log.Printf("%s for unknown comm %s ignored", req.Header.MsgType, c.CommID)
}

// shutdown replies on the socket it came from and on iopub, then stops the kernel.
func (k *Kernel) shutdown(sock zmq4.Socket, req *Message) {
	var c ShutdownRequest
	if !k.decode(sock, req, &c) {
		return
	}
	r := shutdownReply{Status: "ok", Restart: c.Restart}
	k.reply(sock, req, "shutdown_reply", r)
	k.publish(req, "shutdown_reply", r)
	k.Shutdown(c.Restart)
}

// interrupt interrupts the running cell (interrupt_mode "message").
func (k *Kernel) interrupt(sock zmq4.Socket, req *Message) {
	k.Interrupt()
	k.reply(sock, req, "interrupt_reply", statusReply{Status: "ok"})
}

// clampCursor keeps a client's cursor_pos (in Unicode code points) within
// the code, so evaluators never see a position outside it.
func clampCursor(code string, cursor int) int {
	n := utf8.RuneCountInString(code)
	return max(0, min(cursor, n))
}
