package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"
)

// Options configure a Kernel. The zero value works: it logs to os.Stderr and
// reports an empty language name.
type Options struct {
	// Log receives the kernel's diagnostics (dropped messages, unknown types,
	// recovered panics). Nil means os.Stderr. The key is never written to it.
	Log io.Writer
	// LanguageInfo, Banner, HelpLinks and ImplementationVersion fill kernel_info_reply.
	LanguageInfo          LanguageInfo
	Banner                string
	HelpLinks             []HelpLink
	ImplementationVersion string
	// MaxMessageSize bounds one incoming message (all frames together);
	// a connection that sends a longer one is closed. Zero means 256 MiB.
	MaxMessageSize int64
	// HandshakeTimeout bounds how long a new connection may take to finish its
	// ZMTP handshake. Zero means 10 s.
	HandshakeTimeout time.Duration
	// WriteTimeout is how long a send may wait for a peer that takes in
	// nothing before that peer's connection is closed. Zero means 30 s.
	WriteTimeout time.Duration
	// StreamFlushInterval is how long stream text may wait to be coalesced
	// with later text into one stream message. Zero means 5 ms.
	StreamFlushInterval time.Duration
	// Username goes into the header of every message. Empty means $USER or "kernel".
	Username string
	// Now is the clock for message dates. Nil means time.Now.
	Now func() time.Time
}

const (
	defaultMaxMessage   = 256 << 20
	defaultHandshake    = 10 * time.Second
	defaultWriteTimeout = 30 * time.Second
	defaultFlush        = 5 * time.Millisecond
	maxStreamChunk      = 1 << 20 // flush coalesced stream text at this size
	implementation      = "gotensor"
	historySession      = 1
	iopubLingerOnClose  = 100 * time.Millisecond
	socketCloseDeadline = time.Second
)

// Kernel is one running Jupyter kernel: five sockets, a signer and an evaluator.
type Kernel struct {
	ci      *ConnectionInfo
	eval    Evaluator
	opts    Options
	signer  *Signer
	log     *log.Logger
	session string
	user    string

	shell, control, stdin, iopub, hb zmq4.Socket
	bound                            bool

	ctx    context.Context // cancelled when the kernel stops
	cancel context.CancelFunc
	wg     sync.WaitGroup

	queue execQueue // execute requests waiting for the executor

	runMu   sync.Mutex
	running context.CancelFunc // interrupts the running cell; nil when idle

	count   int      // execution_count; touched by the executor only
	history *history // inputs and outputs of this session

	inputMu sync.Mutex        // one input_request at a time
	inputs  chan *Message     // input_reply messages from the stdin goroutine
	stopped chan shutdownNote // receives the first shutdown request
	stopOne sync.Once
}

type shutdownNote struct{ restart bool }

// New returns a kernel for a connection and an evaluator. It binds nothing
// until Run.
func New(ci *ConnectionInfo, eval Evaluator, opts Options) (*Kernel, error) {
	if ci == nil {
		return nil, errors.New("kernel.New: nil connection info")
	}
	if eval == nil {
		return nil, errors.New("kernel.New: nil evaluator")
	}
	if err := ci.Validate(); err != nil {
		return nil, fmt.Errorf("kernel.New: %w", err)
	}
	signer, err := NewSigner(ci.SignatureScheme, ci.Key)
	if err != nil {
		return nil, fmt.Errorf("kernel.New: %w", err)
	}
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	if opts.MaxMessageSize <= 0 {
		opts.MaxMessageSize = defaultMaxMessage
	}
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = defaultHandshake
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = defaultWriteTimeout
	}
	if opts.StreamFlushInterval <= 0 {
		opts.StreamFlushInterval = defaultFlush
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Username == "" {
		opts.Username = os.Getenv("USER")
		if opts.Username == "" {
			opts.Username = "kernel"
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	k := &Kernel{
		ci:      ci,
		eval:    eval,
		opts:    opts,
		signer:  signer,
		log:     log.New(opts.Log, "gotensor kernel: ", log.LstdFlags|log.Lmicroseconds),
		session: uuid.NewString(),
		user:    opts.Username,
		ctx:     ctx,
		cancel:  cancel,
		history: &history{},
		inputs:  make(chan *Message, 1),
		stopped: make(chan shutdownNote, 1),
	}
	k.queue.init()
	return k, nil
}

// Listen binds the five sockets the connection file names, and only those.
// Run calls it when it has not been called; calling it first lets a program
// do slow set-up (such as starting an interpreter) after clients can connect.
func (k *Kernel) Listen() error {
	if k.bound {
		return nil
	}
	if err := k.bind(); err != nil {
		k.closeSockets()
		return err
	}
	k.bound = true
	return nil
}

// Run binds the sockets if Listen has not, serves requests until a
// shutdown_request arrives or ctx is cancelled, then closes everything. It
// returns whether the client asked for a restart (the process should simply
// exit; the client starts a new one).
func (k *Kernel) Run(ctx context.Context) (restart bool, err error) {
	if err := k.Listen(); err != nil {
		return false, err
	}
	k.publish(nil, "status", statusContent{ExecutionState: "starting"})
	k.goLoop("heartbeat", k.heartbeatLoop)
	k.goLoop("control", func() { k.routerLoop(k.control, controlHandlers, "control") })
	k.goLoop("shell", func() { k.routerLoop(k.shell, shellHandlers, "shell") })
	k.goLoop("stdin", k.stdinLoop)
	k.goLoop("executor", k.executorLoop)

	var note shutdownNote
	select {
	case note = <-k.stopped:
	case <-ctx.Done():
	}
	k.Interrupt()
	k.queue.close()
	time.Sleep(iopubLingerOnClose) // zmq4's PUB sends from a queue: let the last replies leave
	k.cancel()
	k.closeSockets()
	// Let the interrupted cell unwind before the evaluator goes away; a cell
	// that ignores its interruption is left to the process's exit.
	loopsDone := make(chan struct{})
	go func() { k.wg.Wait(); close(loopsDone) }()
	select {
	case <-loopsDone:
	case <-time.After(socketCloseDeadline):
		k.log.Printf("a cell did not stop within %v of shutdown", socketCloseDeadline)
	}
	if c, ok := k.eval.(Closer); ok {
		if err := c.Close(); err != nil {
			k.log.Printf("closing evaluator: %v", err)
		}
	}
	return note.restart, nil
}

// Interrupt interrupts the running cell, if any. It is safe to call from any
// goroutine, e.g. a SIGINT handler.
func (k *Kernel) Interrupt() {
	k.runMu.Lock()
	if k.running != nil {
		k.running()
	}
	k.runMu.Unlock()
}

// Shutdown stops the kernel as a shutdown_request would.
func (k *Kernel) Shutdown(restart bool) {
	k.stopOne.Do(func() { k.stopped <- shutdownNote{restart: restart} })
}

// Endpoints returns the ZeroMQ endpoints the kernel binds, in the order
// shell, control, stdin, iopub, heartbeat.
func (k *Kernel) Endpoints() []string {
	ci := k.ci
	return []string{ci.endpoint(ci.ShellPort), ci.endpoint(ci.ControlPort), ci.endpoint(ci.StdinPort),
		ci.endpoint(ci.IOPubPort), ci.endpoint(ci.HBPort)}
}

func (k *Kernel) bind() error {
	zlog := log.New(k.opts.Log, "gotensor kernel: zmq4: ", log.LstdFlags|log.Lmicroseconds)
	opts := []zmq4.Option{zmq4.WithLogger(zlog)}
	k.shell = zmq4.NewRouter(k.ctx, opts...)
	k.control = zmq4.NewRouter(k.ctx, opts...)
	k.stdin = zmq4.NewRouter(k.ctx, opts...)
	k.iopub = zmq4.NewPub(k.ctx, opts...)
	k.hb = zmq4.NewRep(k.ctx, opts...)
	names := []string{"shell", "control", "stdin", "iopub", "heartbeat"}
	for i, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		ep, err := guardedEndpoint(k.Endpoints()[i], guardConfig{
			limit: k.opts.MaxMessageSize, handshake: k.opts.HandshakeTimeout, writeTimeout: k.opts.WriteTimeout, log: k.log,
		})
		if err != nil {
			return fmt.Errorf("bind %s: %w", names[i], err)
		}
		if err := s.Listen(ep); err != nil {
			return fmt.Errorf("bind %s on %s: %w", names[i], strings.SplitN(ep, "://", 2)[1], err)
		}
	}
	return nil
}

// closeSockets closes every socket, giving up on one that does not close in
// time (zmq4 has known lock-ups on close, go-zeromq/zmq4#132).
func (k *Kernel) closeSockets() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
			if s != nil {
				_ = s.Close()
			}
		}
		if k.ci.Transport == "ipc" {
			for _, ep := range k.Endpoints() {
				_ = os.Remove(strings.SplitN(ep, "://", 2)[1])
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(socketCloseDeadline):
		k.log.Printf("sockets did not close within %v; leaving them to process exit", socketCloseDeadline)
	}
}

// goLoop runs a socket loop on its own goroutine, restarting it if it panics:
// nothing a peer sends may stop the kernel.
func (k *Kernel) goLoop(name string, loop func()) {
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		for k.ctx.Err() == nil {
			if !k.runGuarded(name, loop) {
				return
			}
		}
	}()
}

// runGuarded runs loop and reports whether it panicked.
func (k *Kernel) runGuarded(name string, loop func()) (panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			k.log.Printf("%s loop panicked (restarting it): %v", name, r)
			panicked = true
		}
	}()
	loop()
	return false
}

// heartbeatLoop echoes every heartbeat ping.
func (k *Kernel) heartbeatLoop() {
	for {
		msg, err := k.hb.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return
			}
			k.log.Printf("heartbeat: %v", err)
			continue
		}
		if err := k.hb.Send(msg); err != nil && k.ctx.Err() == nil {
			k.log.Printf("heartbeat reply: %v", err)
		}
	}
}

// recv reads and verifies the next message from a ROUTER socket. It returns
// nil, false when the kernel is stopping; messages that fail to decode or
// verify are logged and skipped.
func (k *Kernel) recv(sock zmq4.Socket, name string) (*Message, bool) {
	for {
		zm, err := sock.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return nil, false
			}
			k.log.Printf("%s: receive: %v", name, err)
			time.Sleep(time.Millisecond) // never spin on a persistent error
			continue
		}
		m, err := DecodeFrames(zm.Frames, k.signer)
		if err != nil {
			k.log.Printf("%s: dropped a message of %d frames: %v", name, len(zm.Frames), err)
			if m != nil { // signed, with a good header: tell the client what was wrong
				k.replyError(sock, m, "BadRequest", err.Error())
			}
			continue
		}
		return m, true
	}
}

// stdinLoop hands input_reply messages to the cell waiting for one.
func (k *Kernel) stdinLoop() {
	for {
		m, ok := k.recv(k.stdin, "stdin")
		if !ok {
			return
		}
		if m.Header.MsgType != "input_reply" {
			k.log.Printf("stdin: ignored unexpected %s", m.Header.MsgType)
			continue
		}
		select {
		case k.inputs <- m:
		default:
			k.log.Printf("stdin: dropped an input_reply nobody asked for")
		}
	}
}

// send encodes, signs and sends one message.
func (k *Kernel) send(sock zmq4.Socket, o *outgoing) {
	frames, err := encodeFrames(o, k.signer)
	if err != nil {
		k.log.Printf("dropped outgoing %s: %v", o.header.MsgType, err)
		return
	}
	k.sendFrames(sock, o.header.MsgType, frames)
}

// sendFrames sends one encoded message.
func (k *Kernel) sendFrames(sock zmq4.Socket, msgType string, frames [][]byte) {
	if err := sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil && k.ctx.Err() == nil {
		k.log.Printf("send %s: %v", msgType, err)
	}
}

// reply answers req on sock with content.
func (k *Kernel) reply(sock zmq4.Socket, req *Message, msgType string, content any) {
	k.send(sock, &outgoing{
		identities: req.Identities,
		header:     newHeader(msgType, k.session, k.user, k.opts.Now()),
		parent:     req.RawHeader,
		content:    content,
	})
}

// publish sends an iopub message whose parent is req (nil for none).
func (k *Kernel) publish(req *Message, msgType string, content any) {
	o := &outgoing{
		identities: [][]byte{[]byte("kernel." + k.session + "." + msgType)},
		header:     newHeader(msgType, k.session, k.user, k.opts.Now()),
		content:    content,
	}
	if req != nil {
		o.parent = req.RawHeader
	}
	frames, err := encodeFrames(o, k.signer)
	if err == nil {
		k.sendFrames(k.iopub, msgType, frames)
		return
	}
	b, ok := content.(bundleContent)
	if !ok {
		k.log.Printf("dropped outgoing %s: %v", msgType, err)
		return
	}
	// A cell's bundle held something JSON cannot say: send the rest of it
	// and tell the user what was left out (see bundle.go).
	var dropped []droppedEntry
	o.content, dropped = b.withoutUnencodable()
	if len(dropped) == 0 {
		k.log.Printf("dropped outgoing %s: %v", msgType, err)
		return
	}
	if frames, err = encodeFrames(o, k.signer); err != nil {
		k.log.Printf("dropped outgoing %s: %v", msgType, err)
		return
	}
	k.log.Printf("sent %s without %d entries that cannot be encoded", msgType, len(dropped))
	k.sendFrames(k.iopub, msgType, frames)
	k.publish(req, "stream", streamContent{Name: "stderr", Text: droppedNotice(msgType, dropped)})
}
