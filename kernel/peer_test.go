package kernel_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"

	"gotensor/kernel"
)

// fakeEval is a tiny evaluator whose "language" is one command per cell:
//
//	print TEXT      writes TEXT to stdout     eprint TEXT  writes to stderr
//	lines N         prints N numbered lines   value TEXT   returns TEXT as the result
//	mib N           prints N MiB
//	fail TEXT       fails with TEXT           panic        panics
//	failslow TEXT   fails after 100 ms
//	loop            runs until interrupted    input PROMPT reads a line and prints it
//	display ID      shows a display           update ID    updates it
//	clear           clear_output(wait=true)   set/get      store and return a variable
//	badvalue KIND   returns a bundle with an entry JSON cannot encode (see unencodable)
//	baddisplay KIND shows such a bundle
type fakeEval struct {
	mu   sync.Mutex
	vars map[string]string
}

var _ kernel.Evaluator = (*fakeEval)(nil)
var _ kernel.Completer = (*fakeEval)(nil)
var _ kernel.Inspector = (*fakeEval)(nil)
var _ kernel.CompletenessChecker = (*fakeEval)(nil)

func (f *fakeEval) Execute(ctx context.Context, code string, out kernel.Output) (*kernel.Result, error) {
	cmd, arg, _ := strings.Cut(code, " ")
	switch cmd {
	case "print":
		out.Stream("stdout", arg+"\n")
	case "eprint":
		out.Stream("stderr", arg+"\n")
	case "lines":
		var n int
		fmt.Sscan(arg, &n)
		for i := range n {
			out.Stream("stdout", fmt.Sprintf("line %d\n", i))
		}
	case "mib":
		var n int
		fmt.Sscan(arg, &n)
		chunk := strings.Repeat("x", 1<<20-1) + "\n"
		for range n {
			out.Stream("stdout", chunk)
		}
	case "value":
		return &kernel.Result{Data: map[string]any{"text/plain": arg}}, nil
	case "failslow":
		time.Sleep(100 * time.Millisecond)
		fallthrough
	case "fail":
		return nil, &kernel.ExecError{Name: "TestError", Value: arg, Traceback: []string{"TestError: " + arg, "  at cell 1:1"}}
	case "panic":
		panic("evaluator exploded")
	case "loop":
		<-ctx.Done()
		return nil, &kernel.ExecError{Name: "Interrupted", Value: "interrupted"}
	case "input":
		s, err := out.Input(arg, false)
		if err != nil {
			return nil, err
		}
		out.Stream("stdout", "got "+s+"\n")
	case "display":
		out.Display(map[string]any{"text/plain": "shown"}, nil, arg, false)
	case "update":
		out.Display(map[string]any{"text/plain": "updated"}, nil, arg, true)
	case "badvalue":
		data, md := unencodable(arg)
		return &kernel.Result{Data: data, Metadata: md}, nil
	case "baddisplay":
		data, md := unencodable(arg)
		out.Display(data, md, "", false)
	case "clear":
		out.ClearOutput(true)
	case "set":
		k, v, _ := strings.Cut(arg, "=")
		f.mu.Lock()
		f.vars[k] = v
		f.mu.Unlock()
	case "get":
		f.mu.Lock()
		v, ok := f.vars[arg]
		f.mu.Unlock()
		if !ok {
			return nil, &kernel.ExecError{Name: "NameError", Value: arg + " undefined"}
		}
		return &kernel.Result{Data: map[string]any{"text/plain": v}}, nil
	case "":
	default:
		return nil, errors.New("unknown command " + cmd)
	}
	return nil, nil
}

func (f *fakeEval) Complete(code string, cursor int) ([]string, int, int) {
	return []string{"print", "println"}, 0, cursor
}

func (f *fakeEval) Inspect(code string, cursor, level int) (map[string]any, bool) {
	if code == "" {
		return nil, false
	}
	return map[string]any{"text/plain": "doc of " + code}, true
}

func (f *fakeEval) IsComplete(code string) (string, string) {
	switch {
	case strings.HasSuffix(code, "{"):
		return "incomplete", "\t"
	case strings.HasPrefix(code, "}"):
		return "invalid", ""
	}
	return "complete", ""
}

// peer is a Jupyter client made of real zmq4 sockets.
type peer struct {
	t       testing.TB
	signer  *kernel.Signer
	session string
	sockets map[string]zmq4.Socket
	msgs    map[string]chan *kernel.Message
	raw     chan [][]byte // every iopub frame set, before decoding
}

const testKey = "a0436f6c-1916-498b-8eb9-e81ab9368e84"

func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	var ls []net.Listener
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// startKernel runs a kernel with a fake evaluator and connects a peer to it.
func startKernel(t testing.TB, transport string, opts kernel.Options) (*peer, *kernel.Kernel, *kernel.ConnectionInfo) {
	t.Helper()
	ci := &kernel.ConnectionInfo{Transport: transport, IP: "127.0.0.1", Key: testKey, SignatureScheme: "hmac-sha256"}
	if transport == "ipc" {
		ci.IP = filepath.Join(t.TempDir(), "k")
		ci.ShellPort, ci.ControlPort, ci.StdinPort, ci.IOPubPort, ci.HBPort = 1, 2, 3, 4, 5
	} else {
		p := freePorts(t, 5)
		ci.ShellPort, ci.ControlPort, ci.StdinPort, ci.IOPubPort, ci.HBPort = p[0], p[1], p[2], p[3], p[4]
	}
	if opts.Log == nil {
		opts.Log = &testLog{t: t}
	}
	opts.LanguageInfo = kernel.LanguageInfo{Name: "fake", Version: "1", MIMEType: "text/x-fake", FileExtension: ".fake"}
	k, err := kernel.New(ci, &fakeEval{vars: map[string]string{}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := k.Run(context.Background()); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		k.Shutdown(false)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("kernel did not stop")
		}
	})
	return connect(t, ci), k, ci
}

type testLog struct {
	t  testing.TB
	mu sync.Mutex
	b  strings.Builder
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	return len(p), nil
}

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func endpoint(ci *kernel.ConnectionInfo, port int) string {
	if ci.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", ci.IP, port)
	}
	return fmt.Sprintf("tcp://%s:%d", ci.IP, port)
}

// connect dials every socket and waits until iopub is subscribed, the way
// jupyter_client does: kernel_info requests until a status message arrives.
func connect(t testing.TB, ci *kernel.ConnectionInfo) *peer {
	t.Helper()
	signer, err := kernel.NewSigner(ci.SignatureScheme, ci.Key)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	id := zmq4.SocketIdentity(uuid.NewString())
	p := &peer{t: t, signer: signer, session: uuid.NewString(), sockets: map[string]zmq4.Socket{},
		msgs: map[string]chan *kernel.Message{}, raw: make(chan [][]byte, 100000)}
	mk := map[string]func() zmq4.Socket{
		"shell":   func() zmq4.Socket { return zmq4.NewDealer(ctx, zmq4.WithID(id)) },
		"control": func() zmq4.Socket { return zmq4.NewDealer(ctx, zmq4.WithID(id)) },
		"stdin":   func() zmq4.Socket { return zmq4.NewDealer(ctx, zmq4.WithID(id)) },
		"iopub":   func() zmq4.Socket { return zmq4.NewSub(ctx) },
		"hb":      func() zmq4.Socket { return zmq4.NewReq(ctx) },
	}
	ports := map[string]int{"shell": ci.ShellPort, "control": ci.ControlPort, "stdin": ci.StdinPort, "iopub": ci.IOPubPort, "hb": ci.HBPort}
	for name, f := range mk {
		s := f()
		if err := s.Dial(endpoint(ci, ports[name])); err != nil {
			t.Fatalf("dial %s: %v", name, err)
		}
		p.sockets[name] = s
		if name == "hb" {
			continue
		}
		ch := make(chan *kernel.Message, 100000)
		p.msgs[name] = ch
		go func(name string, s zmq4.Socket) {
			for {
				zm, err := s.Recv()
				if err != nil {
					return
				}
				if name == "iopub" {
					p.raw <- zm.Frames
				}
				m, err := kernel.DecodeFrames(zm.Frames, signer)
				if err != nil {
					t.Errorf("%s: kernel sent an undecodable message: %v", name, err)
					continue
				}
				ch <- m
			}
		}(name, s)
	}
	if err := p.sockets["iopub"].SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		for _, s := range p.sockets {
			s.Close()
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		p.send("shell", "kernel_info_request", map[string]any{})
		select {
		case <-p.msgs["iopub"]:
			p.drain(200 * time.Millisecond)
			return p
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("iopub never delivered a status message")
	return nil
}

// drain discards whatever arrives within d.
func (p *peer) drain(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case <-p.msgs["iopub"]:
		case <-p.msgs["shell"]:
		case <-p.msgs["control"]:
		case <-p.raw:
		case <-end:
			return
		}
	}
}

// send signs and sends a request, returning its msg_id.
func (p *peer) send(sock, msgType string, content any) string {
	p.t.Helper()
	h := kernel.Header{MsgID: uuid.NewString(), Session: p.session, Username: "test", Date: time.Now().Format(time.RFC3339Nano), MsgType: msgType, Version: kernel.ProtocolVersion}
	hb, _ := json.Marshal(h)
	cb, err := json.Marshal(content)
	if err != nil {
		p.t.Fatal(err)
	}
	p.sendFrames(sock, [][]byte{[]byte("<IDS|MSG>"), []byte(p.signer.Sign(hb, []byte("{}"), []byte("{}"), cb)), hb, []byte("{}"), []byte("{}"), cb})
	return h.MsgID
}

func (p *peer) sendFrames(sock string, frames [][]byte) {
	p.t.Helper()
	if err := p.sockets[sock].SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		p.t.Fatalf("send on %s: %v", sock, err)
	}
}

// next returns the next message on a socket, failing after a timeout.
func (p *peer) next(sock string, timeout time.Duration) *kernel.Message {
	p.t.Helper()
	select {
	case m := <-p.msgs[sock]:
		return m
	case <-time.After(timeout):
		p.t.Fatalf("no message on %s within %v", sock, timeout)
		return nil
	}
}

// reply waits for the reply to msgID on sock.
func (p *peer) reply(sock, msgID string) *kernel.Message {
	p.t.Helper()
	for {
		m := p.next(sock, 5*time.Second)
		if parentID(m) == msgID {
			return m
		}
	}
}

// iopubUntilIdle collects iopub messages whose parent is msgID up to and
// including its idle status.
func (p *peer) iopubUntilIdle(msgID string) []*kernel.Message {
	p.t.Helper()
	var got []*kernel.Message
	for {
		m := p.next("iopub", 5*time.Second)
		if parentID(m) != msgID {
			continue
		}
		got = append(got, m)
		if m.Header.MsgType == "status" && content(m)["execution_state"] == "idle" {
			return got
		}
	}
}

func parentID(m *kernel.Message) string {
	var h kernel.Header
	_ = json.Unmarshal(m.Parent, &h)
	return h.MsgID
}

func content(m *kernel.Message) map[string]any {
	var c map[string]any
	_ = json.Unmarshal(m.Content, &c)
	return c
}

func types(ms []*kernel.Message) string {
	var s []string
	for _, m := range ms {
		t := m.Header.MsgType
		if t == "status" {
			t += ":" + content(m)["execution_state"].(string)
		}
		s = append(s, t)
	}
	return strings.Join(s, " ")
}

// execute runs code and returns the reply and the iopub messages.
func (p *peer) execute(code string, extra map[string]any) (*kernel.Message, []*kernel.Message) {
	p.t.Helper()
	c := map[string]any{"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true}
	for k, v := range extra {
		c[k] = v
	}
	id := p.send("shell", "execute_request", c)
	return p.reply("shell", id), p.iopubUntilIdle(id)
}
