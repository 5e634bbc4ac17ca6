package kernel_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"

	"gotensor/kernel"
)

func TestExecuteFlow(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			p, _, _ := startKernel(t, transport, kernel.Options{})
			tests := []struct {
				code      string
				status    string
				wantTypes string
				check     func(t *testing.T, reply *kernel.Message, iopub []*kernel.Message)
			}{
				{"print hello", "ok", "status:busy execute_input stream status:idle", func(t *testing.T, _ *kernel.Message, io []*kernel.Message) {
					if c := content(io[2]); c["name"] != "stdout" || c["text"] != "hello\n" {
						t.Errorf("stream = %v, want stdout hello", c)
					}
				}},
				{"eprint oops", "ok", "status:busy execute_input stream status:idle", func(t *testing.T, _ *kernel.Message, io []*kernel.Message) {
					if c := content(io[2]); c["name"] != "stderr" {
						t.Errorf("stream name = %v, want stderr", c["name"])
					}
				}},
				{"value 42", "ok", "status:busy execute_input execute_result status:idle", func(t *testing.T, r *kernel.Message, io []*kernel.Message) {
					c := content(io[2])
					if c["data"].(map[string]any)["text/plain"] != "42" || c["execution_count"] != content(r)["execution_count"] {
						t.Errorf("execute_result = %v, reply %v", c, content(r))
					}
				}},
				{"fail bad", "error", "status:busy execute_input error status:idle", func(t *testing.T, r *kernel.Message, io []*kernel.Message) {
					c := content(io[2])
					if c["ename"] != "TestError" || c["evalue"] != "bad" || len(c["traceback"].([]any)) != 2 {
						t.Errorf("error = %v", c)
					}
					if rc := content(r); rc["ename"] != "TestError" {
						t.Errorf("reply = %v, want ename TestError", rc)
					}
				}},
				{"panic", "error", "status:busy execute_input error status:idle", nil},
				{"display d1", "ok", "status:busy execute_input display_data status:idle", func(t *testing.T, _ *kernel.Message, io []*kernel.Message) {
					if tr := content(io[2])["transient"].(map[string]any); tr["display_id"] != "d1" {
						t.Errorf("transient = %v, want display_id d1", tr)
					}
				}},
				{"update d1", "ok", "status:busy execute_input update_display_data status:idle", nil},
				{"clear", "ok", "status:busy execute_input clear_output status:idle", nil},
				{"input x", "error", "status:busy execute_input error status:idle", func(t *testing.T, _ *kernel.Message, io []*kernel.Message) {
					if v := content(io[2])["evalue"].(string); !strings.Contains(v, "stdin") {
						t.Errorf("input without allow_stdin: evalue %q, want a stdin error", v)
					}
				}},
			}
			for _, tc := range tests {
				reply, io := p.execute(tc.code, nil)
				if got := content(reply)["status"]; got != tc.status {
					t.Errorf("execute(%q) status = %v, want %v", tc.code, got, tc.status)
				}
				if got := types(io); got != tc.wantTypes {
					t.Errorf("execute(%q) iopub = %s, want %s", tc.code, got, tc.wantTypes)
					continue
				}
				if tc.check != nil {
					tc.check(t, reply, io)
				}
			}
		})
	}
}

func TestExecutionCount(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	counts := []struct {
		extra map[string]any
		want  float64
		input bool
	}{
		{nil, 1, true},
		{nil, 2, true},
		{map[string]any{"store_history": false}, 2, true},
		{map[string]any{"silent": true}, 2, false},
		{nil, 3, true},
	}
	for i, c := range counts {
		reply, io := p.execute("print x", c.extra)
		if got := content(reply)["execution_count"]; got != c.want {
			t.Errorf("cell %d %v: execution_count = %v, want %v", i, c.extra, got, c.want)
		}
		hasInput := strings.Contains(types(io), "execute_input")
		if hasInput != c.input {
			t.Errorf("cell %d %v: iopub = %s, execute_input wanted %v", i, c.extra, types(io), c.input)
		}
		if c.extra["silent"] == true && strings.Contains(types(io), "stream") {
			t.Errorf("silent cell published %s", types(io))
		}
	}
}

func TestStopOnErrorAbortsQueue(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	base := map[string]any{"silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false}
	with := func(code string, stop bool) map[string]any {
		c := map[string]any{"code": code, "stop_on_error": stop}
		for k, v := range base {
			c[k] = v
		}
		return c
	}
	// The failing cell takes 100 ms so that the next two are surely queued.
	a := p.send("shell", "execute_request", with("failslow first", true))
	b := p.send("shell", "execute_request", with("print second", true))
	c := p.send("shell", "execute_request", with("print third", true))
	for _, x := range []struct{ id, want string }{{a, "error"}, {b, "aborted"}, {c, "aborted"}} {
		if got := content(p.reply("shell", x.id))["status"]; got != x.want {
			t.Errorf("reply status = %v, want %v", got, x.want)
		}
	}
	d := p.send("shell", "execute_request", with("fail again", false))
	e := p.send("shell", "execute_request", with("print runs", true))
	for _, x := range []struct{ id, want string }{{d, "error"}, {e, "ok"}} {
		if got := content(p.reply("shell", x.id))["status"]; got != x.want {
			t.Errorf("stop_on_error=false: reply status = %v, want %v", got, x.want)
		}
	}
}

func TestShellAndControlAnsweredWhileCellRuns(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	p.execute("set a=7", nil)
	loop := p.send("shell", "execute_request", map[string]any{"code": "loop", "allow_stdin": false})
	time.Sleep(50 * time.Millisecond)
	requests := []struct {
		sock, msgType string
		content       map[string]any
		check         func(c map[string]any) bool
	}{
		{"shell", "kernel_info_request", map[string]any{}, func(c map[string]any) bool {
			return c["protocol_version"] == "5.4" && c["implementation"] == "gotensor"
		}},
		{"control", "kernel_info_request", map[string]any{}, func(c map[string]any) bool { return c["status"] == "ok" }},
		{"shell", "complete_request", map[string]any{"code": "pri", "cursor_pos": 3}, func(c map[string]any) bool {
			return len(c["matches"].([]any)) == 2 && c["cursor_end"] == 3.0
		}},
		{"shell", "inspect_request", map[string]any{"code": "fmt", "cursor_pos": 3, "detail_level": 0}, func(c map[string]any) bool {
			return c["found"] == true && c["data"].(map[string]any)["text/plain"] == "doc of fmt"
		}},
		{"shell", "is_complete_request", map[string]any{"code": "func f() {"}, func(c map[string]any) bool { return c["status"] == "incomplete" && c["indent"] == "\t" }},
		{"shell", "is_complete_request", map[string]any{"code": "}"}, func(c map[string]any) bool { return c["status"] == "invalid" }},
		{"shell", "is_complete_request", map[string]any{"code": "x"}, func(c map[string]any) bool { return c["status"] == "complete" }},
		{"shell", "comm_info_request", map[string]any{}, func(c map[string]any) bool { return c["status"] == "ok" }},
	}
	for _, r := range requests {
		id := p.send(r.sock, r.msgType, r.content)
		m := p.reply(r.sock, id)
		if want := strings.TrimSuffix(r.msgType, "_request") + "_reply"; m.Header.MsgType != want {
			t.Errorf("%s on %s answered %s, want %s", r.msgType, r.sock, m.Header.MsgType, want)
		}
		if c := content(m); !r.check(c) {
			t.Errorf("%s on %s while a cell runs = %v", r.msgType, r.sock, c)
		}
	}
	start := time.Now()
	ir := p.send("control", "interrupt_request", map[string]any{})
	if c := content(p.reply("control", ir)); c["status"] != "ok" {
		t.Errorf("interrupt_reply = %v", c)
	}
	rep := p.reply("shell", loop)
	t.Logf("interrupt → execute_reply in %v", time.Since(start))
	if c := content(rep); c["status"] != "error" || c["ename"] != "Interrupted" {
		t.Errorf("interrupted cell reply = %v, want error Interrupted", c)
	}
	reply, _ := p.execute("get a", nil)
	if c := content(reply); c["status"] != "ok" {
		t.Errorf("after interrupt: get a = %v, want ok", c)
	}
}

func TestStdin(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	id := p.send("shell", "execute_request", map[string]any{"code": "input name?", "allow_stdin": true})
	req := p.next("stdin", 5*time.Second)
	if req.Header.MsgType != "input_request" || content(req)["prompt"] != "name?" || parentID(req) != id {
		t.Fatalf("stdin got %s %v, want input_request name? with parent %s", req.Header.MsgType, content(req), id)
	}
	p.send("stdin", "input_reply", map[string]any{"value": "gopher"})
	if c := content(p.reply("shell", id)); c["status"] != "ok" {
		t.Errorf("input cell reply = %v", c)
	}
	var text string
	for _, m := range p.iopubUntilIdle(id) {
		if m.Header.MsgType == "stream" {
			text += content(m)["text"].(string)
		}
	}
	if text != "got gopher\n" {
		t.Errorf("input cell printed %q, want %q", text, "got gopher\n")
	}
	// An interrupt ends a cell that waits for input.
	id = p.send("shell", "execute_request", map[string]any{"code": "input again?", "allow_stdin": true})
	p.next("stdin", 5*time.Second)
	p.send("control", "interrupt_request", map[string]any{})
	if c := content(p.reply("shell", id)); c["status"] != "error" {
		t.Errorf("interrupted input cell reply = %v, want error", c)
	}
}

func TestHistory(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	for _, code := range []string{"value one", "print two", "value three", "value one"} {
		p.execute(code, nil)
	}
	tests := []struct {
		name    string
		req     map[string]any
		want    string
		wantLen int
	}{
		{"tail", map[string]any{"hist_access_type": "tail", "n": 2, "output": false, "raw": true}, `[[1,3,"value three"],[1,4,"value one"]]`, 2},
		{"tail output", map[string]any{"hist_access_type": "tail", "n": 2, "output": true, "raw": true}, `[[1,3,["value three","three"]],[1,4,["value one","one"]]]`, 2},
		{"range", map[string]any{"hist_access_type": "range", "session": 0, "start": 2, "stop": 3, "output": true}, `[[1,2,["print two",null]]]`, 1},
		{"search", map[string]any{"hist_access_type": "search", "pattern": "value*", "n": 0}, `[[1,1,"value one"],[1,3,"value three"],[1,4,"value one"]]`, 3},
		{"search unique", map[string]any{"hist_access_type": "search", "pattern": "value o?e", "unique": true}, `[[1,4,"value one"]]`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := p.send("shell", "history_request", tc.req)
			var c struct {
				Status  string          `json:"status"`
				History json.RawMessage `json:"history"`
			}
			json.Unmarshal(p.reply("shell", id).Content, &c)
			if c.Status != "ok" || string(c.History) != tc.want {
				t.Errorf("history(%v) = %s %s, want ok %s", tc.req, c.Status, c.History, tc.want)
			}
		})
	}
}

func TestCommOpenUnknownTargetIsClosed(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	id := p.send("shell", "comm_open", map[string]any{"comm_id": "c1", "target_name": "nope", "data": map[string]any{}})
	io := p.iopubUntilIdle(id)
	if got := types(io); got != "status:busy comm_close status:idle" {
		t.Fatalf("comm_open iopub = %s", got)
	}
	if c := content(io[1]); c["comm_id"] != "c1" {
		t.Errorf("comm_close = %v, want comm_id c1", c)
	}
}

func TestBadMessagesAreDroppedAndKernelSurvives(t *testing.T) {
	lg := &testLog{}
	p, _, _ := startKernel(t, "tcp", kernel.Options{Log: lg})
	header := func(msgType string) []byte {
		b, _ := json.Marshal(kernel.Header{MsgID: uuid.NewString(), Session: "s", MsgType: msgType, Version: "5.4"})
		return b
	}
	good := header("execute_request")
	code := []byte(`{"code":"set pwned=1"}`)
	cases := []struct {
		name   string
		frames [][]byte
		log    string
	}{
		{"forged signature", [][]byte{[]byte("<IDS|MSG>"), []byte(strings.Repeat("ab", 32)), good, []byte("{}"), []byte("{}"), code}, "signature"},
		{"missing signature", [][]byte{[]byte("<IDS|MSG>"), nil, good, []byte("{}"), []byte("{}"), code}, "signature"},
		{"no delimiter", [][]byte{[]byte("hello")}, "delimiter"},
		{"short", [][]byte{[]byte("<IDS|MSG>"), []byte("x")}, "fewer"},
	}
	signer, _ := kernel.NewSigner("hmac-sha256", testKey)
	signed := func(h, c []byte) [][]byte {
		return [][]byte{[]byte("<IDS|MSG>"), []byte(signer.Sign(h, []byte("{}"), []byte("{}"), c)), h, []byte("{}"), []byte("{}"), c}
	}
	cases = append(cases,
		struct {
			name   string
			frames [][]byte
			log    string
		}{"bad json header", signed([]byte("{not json"), code), "decode header"},
		struct {
			name   string
			frames [][]byte
			log    string
		}{"bad json content", signed(header("execute_request"), []byte("[1,")), "decode content"},
		struct {
			name   string
			frames [][]byte
			log    string
		}{"unknown type", signed(header("frobnicate_request"), []byte("{}")), "unknown message type"},
	)
	for _, tc := range cases {
		p.sendFrames("shell", tc.frames)
	}
	// Wrongly typed content, and content that is no JSON, get error replies.
	bad := p.send("shell", "complete_request", map[string]any{"code": 5})
	if c := content(p.reply("shell", bad)); c["status"] != "error" {
		t.Errorf("complete_request with code 5: reply %v, want status error", c)
	}
	var badHeader kernel.Header
	badFrames := signed(header("inspect_request"), []byte("{nope"))
	json.Unmarshal(badFrames[2], &badHeader)
	p.sendFrames("shell", badFrames)
	if m := p.reply("shell", badHeader.MsgID); m.Header.MsgType != "inspect_reply" || content(m)["status"] != "error" {
		t.Errorf("inspect_request with invalid JSON content: reply %s %v, want inspect_reply error", m.Header.MsgType, content(m))
	}
	reply, _ := p.execute("get pwned", nil)
	if c := content(reply); c["status"] != "error" {
		t.Errorf("a forged execute_request ran: get pwned = %v", c)
	}
	for _, tc := range cases {
		if !strings.Contains(lg.String(), tc.log) {
			t.Errorf("%s: log lacks %q:\n%s", tc.name, tc.log, lg.String())
		}
	}
	if strings.Contains(lg.String(), testKey) {
		t.Errorf("the log contains the key")
	}
}

// TestBadConnectionsAreClosed sends oversized and malformed frames and
// stalled handshakes on raw TCP connections: they close those connections
// only, and later clients are served.
func TestBadConnectionsAreClosed(t *testing.T) {
	lg := &testLog{}
	p, _, ci := startKernel(t, "tcp", kernel.Options{Log: lg, MaxMessageSize: 1 << 20, HandshakeTimeout: 500 * time.Millisecond})
	raw := []struct {
		name  string
		bytes func() []byte
	}{
		{"oversized frame header", func() []byte {
			b := zmtpGreeting()
			b = append(b, readyCommand("DEALER")...)
			hdr := []byte{0x02, 0, 0, 0, 0, 0, 0, 0, 0}
			binary.BigEndian.PutUint64(hdr[1:], 1<<62)
			return append(b, hdr...)
		}},
		{"READY with a truncated property", func() []byte {
			body := append([]byte{5}, "READY"...)
			body = append(body, 11)
			body = append(body, "Socket-Type"...)
			return append(zmtpGreeting(), append([]byte{0x04, byte(len(body))}, body...)...)
		}},
		{"READY with a property name past the end", func() []byte {
			body := append([]byte{5}, "READY"...)
			body = append(body, 200, 'x')
			return append(zmtpGreeting(), append([]byte{0x04, byte(len(body))}, body...)...)
		}},
		{"command with a bad name length", func() []byte {
			return append(zmtpGreeting(), 0x04, 2, 250, 'R')
		}},
		{"garbage greeting", func() []byte { return []byte(strings.Repeat("\xff garbage ", 20)) }},
		{"half greeting then silence", func() []byte { return zmtpGreeting()[:20] }},
		{"connect and stay silent", func() []byte { return nil }},
	}
	for _, r := range raw {
		c, err := net.Dial("tcp", net.JoinHostPort(ci.IP, fmt.Sprint(ci.ShellPort)))
		if err != nil {
			t.Fatal(err)
		}
		c.Write(r.bytes())
		defer c.Close()
	}
	// The kernel still answers, also to a fresh client (the accept loop is not stuck).
	reply, _ := p.execute("print alive", nil)
	if c := content(reply); c["status"] != "ok" {
		t.Errorf("after bad input: reply %v", c)
	}
	p2 := connect(t, ci)
	reply, _ = p2.execute("print alive", nil)
	if c := content(reply); c["status"] != "ok" {
		t.Errorf("new client after bad input: reply %v", c)
	}
	// The silent connections are closed when their handshake times out
	// (500 ms after they connected); on a loaded machine, or under -race,
	// that can come after the executes above, so wait for it a while.
	deadline := time.Now().Add(10 * time.Second)
	for _, want := range []string{"exceeds the message size limit", "handshake not finished", "malformed ZMTP command"} {
		for !strings.Contains(lg.String(), want) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(lg.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, lg.String())
		}
	}
}

func zmtpGreeting() []byte {
	g := make([]byte, 64)
	g[0], g[9] = 0xff, 0x7f
	g[10], g[11] = 3, 0
	copy(g[12:], "NULL")
	return g
}

func readyCommand(sockType string) []byte {
	body := []byte{5}
	body = append(body, "READY"...)
	prop := []byte{11}
	prop = append(prop, "Socket-Type"...)
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(sockType)))
	prop = append(prop, l[:]...)
	prop = append(prop, sockType...)
	body = append(body, prop...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

func TestHeartbeat(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	hb := p.sockets["hb"]
	for i := range 3 {
		ping := fmt.Sprintf("ping %d", i)
		if err := hb.Send(zmq4.NewMsgString(ping)); err != nil {
			t.Fatal(err)
		}
		m, err := hb.Recv()
		if err != nil || string(m.Bytes()) != ping {
			t.Errorf("heartbeat echo = %q, %v; want %q", m.Bytes(), err, ping)
		}
	}
}

func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		name    string
		restart bool
		running bool
	}{{"plain", false, false}, {"restart", true, false}, {"while a cell runs", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			// startKernel's cleanup fails the test if Run does not return.
			p, _, _ := startKernel(t, "tcp", kernel.Options{})
			if tc.running {
				p.send("shell", "execute_request", map[string]any{"code": "loop"})
				time.Sleep(50 * time.Millisecond)
			}
			id := p.send("control", "shutdown_request", map[string]any{"restart": tc.restart})
			if c := content(p.reply("control", id)); c["status"] != "ok" || c["restart"] != tc.restart {
				t.Errorf("shutdown_reply = %v, want ok restart=%v", c, tc.restart)
			}
		})
	}
}

func TestStreamCoalescing(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	reply, io := p.execute("lines 10000", nil)
	if c := content(reply); c["status"] != "ok" {
		t.Fatalf("reply %v", c)
	}
	var b strings.Builder
	n := 0
	for _, m := range io {
		if m.Header.MsgType == "stream" {
			n++
			b.WriteString(content(m)["text"].(string))
		}
	}
	var want strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if b.String() != want.String() {
		t.Errorf("10,000 lines arrived altered (%d bytes, want %d)", b.Len(), want.Len())
	}
	if n > 20 {
		t.Errorf("10,000 lines took %d stream messages, want ≤ 20", n)
	}
}

func TestHeaders(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	id := p.send("shell", "kernel_info_request", map[string]any{})
	m := p.reply("shell", id)
	h := m.Header
	if h.MsgID == "" || h.Session == "" || h.Username == "" || h.Version != "5.4" || h.MsgType != "kernel_info_reply" {
		t.Errorf("header = %+v, want every field set", h)
	}
	if _, err := time.Parse(time.RFC3339Nano, h.Date); err != nil || !strings.HasSuffix(h.Date, "Z") {
		t.Errorf("date %q is not ISO 8601 with a zone: %v", h.Date, err)
	}
	if _, err := uuid.Parse(h.MsgID); err != nil {
		t.Errorf("msg_id %q is not a UUID: %v", h.MsgID, err)
	}
}

func TestClientVanishingMidReply(t *testing.T) {
	p, _, ci := startKernel(t, "tcp", kernel.Options{})
	q := connect(t, ci)
	for _, s := range q.sockets {
		defer s.Close()
	}
	// A big output and a stdin request for a client that goes away at once.
	q.send("shell", "execute_request", map[string]any{"code": "lines 50000", "allow_stdin": false})
	q.send("shell", "execute_request", map[string]any{"code": "input gone?", "allow_stdin": true, "stop_on_error": false})
	for _, s := range q.sockets {
		s.Close()
	}
	// The input request waits for a reply that never comes: interrupt it
	// until our own cell has run.
	id := p.send("shell", "execute_request", map[string]any{"code": "print still here"})
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-p.msgs["shell"]:
			if parentID(m) != id {
				continue
			}
			if c := content(m); c["status"] != "ok" {
				t.Errorf("after a client vanished: reply %v", c)
			}
			return
		case <-time.After(50 * time.Millisecond):
			p.send("control", "interrupt_request", map[string]any{})
		case <-deadline:
			t.Fatal("no reply after a client vanished")
		}
	}
}

// TestStuckSubscriberIsDropped connects an iopub subscriber that stops
// reading: zmq4 sends to all subscribers from one goroutine, so without the
// write timeout the other client would never see its cell finish.
func TestStuckSubscriberIsDropped(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 64 MiB; runs without -short")
	}
	lg := &testLog{}
	p, _, ci := startKernel(t, "tcp", kernel.Options{Log: lg, WriteTimeout: 300 * time.Millisecond})
	stuck := zmq4.NewSub(context.Background()) // reads 10 messages ahead, then nothing
	defer stuck.Close()
	if err := stuck.Dial(endpoint(ci, ci.IOPubPort)); err != nil {
		t.Fatal(err)
	}
	stuck.SetOption(zmq4.OptionSubscribe, "")
	time.Sleep(200 * time.Millisecond) // let the subscription arrive
	start := time.Now()
	reply, io := p.execute("mib 64", nil)
	if c := content(reply); c["status"] != "ok" {
		t.Fatalf("reply %v", c)
	}
	n := 0
	for _, m := range io {
		if m.Header.MsgType == "stream" {
			n += len(content(m)["text"].(string))
		}
	}
	if n != 64<<20 {
		t.Errorf("the reading client got %d bytes of output, want %d", n, 64<<20)
	}
	t.Logf("64 MiB with a stuck subscriber: %v", time.Since(start))
	if !strings.Contains(lg.String(), "took in nothing") {
		t.Errorf("log lacks the stuck subscriber:\n%s", lg.String())
	}
}

// TestRandomRequestsNeverStopTheKernel sends signed requests of every type
// with contents of random shapes (wrong types, nulls, huge numbers, deep
// nesting) and checks that the kernel answers a kernel_info_request after
// each batch.
func TestRandomRequestsNeverStopTheKernel(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	var value func(depth int) any
	value = func(depth int) any {
		switch rng.IntN(9) {
		case 0:
			return nil
		case 1:
			return rng.IntN(2) == 0
		case 2:
			return rng.NormFloat64() * 1e12
		case 3:
			return -1 << 62
		case 4:
			return strings.Repeat("é{", rng.IntN(50))
		case 5:
			return "print x"
		case 6:
			if depth > 3 {
				return 7
			}
			return []any{value(depth + 1), value(depth + 1)}
		default:
			if depth > 3 {
				return "deep"
			}
			m := map[string]any{}
			for range rng.IntN(4) {
				m[[]string{"code", "cursor_pos", "detail_level", "n", "hist_access_type", "pattern", "comm_id",
					"target_name", "data", "silent", "store_history", "allow_stdin", "stop_on_error", "user_expressions",
					"session", "start", "stop", "output", "unique"}[rng.IntN(19)]] = value(depth + 1)
			}
			return m
		}
	}
	types := []string{"execute_request", "complete_request", "inspect_request", "is_complete_request", "history_request",
		"comm_info_request", "comm_open", "comm_msg", "comm_close", "kernel_info_request", "nonsense_request"}
	for batch := range 10 {
		for range 30 {
			c := value(0)
			if rng.IntN(3) > 0 { // mostly objects with the right keys
				m := map[string]any{"code": value(3), "cursor_pos": value(3), "hist_access_type": []any{"tail", "range", "search", 5}[rng.IntN(4)], "n": value(3)}
				c = m
			}
			p.send("shell", types[rng.IntN(len(types))], c)
		}
		id := p.send("shell", "kernel_info_request", map[string]any{})
		if m := p.reply("shell", id); content(m)["status"] != "ok" {
			t.Fatalf("batch %d: kernel_info_reply %v", batch, content(m))
		}
	}
}

// TestIPCStaleSocketFiles starts a kernel over ipc where a killed kernel left
// its socket files: they are replaced, as libzmq would.
func TestIPCStaleSocketFiles(t *testing.T) {
	dir := t.TempDir()
	ci := &kernel.ConnectionInfo{Transport: "ipc", IP: filepath.Join(dir, "k"), Key: testKey,
		ShellPort: 1, ControlPort: 2, StdinPort: 3, IOPubPort: 4, HBPort: 5}
	for port := 1; port <= 5; port++ {
		l, err := net.Listen("unix", fmt.Sprintf("%s-%d", ci.IP, port))
		if err != nil {
			t.Fatal(err)
		}
		l.(*net.UnixListener).SetUnlinkOnClose(false)
		l.Close()
	}
	k, err := kernel.New(ci, &fakeEval{vars: map[string]string{}}, kernel.Options{Log: &testLog{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Listen(); err != nil {
		t.Fatalf("Listen over stale ipc files: %v", err)
	}
	go k.Run(context.Background())
	defer k.Shutdown(false)
	p := connect(t, ci)
	reply, _ := p.execute("print ok", nil)
	if c := content(reply); c["status"] != "ok" {
		t.Errorf("reply %v", c)
	}
}
