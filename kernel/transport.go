package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 v0.17.0 trusts its peers in two ways that would let one bad client stop
// the kernel, so every socket listens through a guarded transport registered
// under its own name:
//
//   - a frame header may declare any length up to 2^63 and zmq4 allocates it
//     before reading (makeslice panics or the runtime dies of out-of-memory,
//     neither recoverable from the kernel's side);
//   - zmq4 runs the ZMTP handshake inside its accept loop, so one connection
//     that never sends its greeting blocks every later client.
//
// The guard follows the ZMTP 3 framing of the bytes zmq4 reads (a 64-byte
// greeting, then frames of flag, 1- or 8-byte length, body), refuses any
// message longer than the limit, and drops peers that do not finish the
// handshake in time. Both cases close the connection with an error wrapping
// io.EOF, which makes zmq4 forget the connection as it does for a peer that
// hung up. Writing a ZMTP parser of our own for the whole protocol would be
// more code to trust than this read-side length check.
const (
	guardedTCP = "gotensor-tcp"
	guardedIPC = "gotensor-ipc"
)

var (
	guardMu      sync.Mutex
	guardLimits  = map[guardConfig]bool{}
	errTooLarge  = errors.New("frame exceeds the message size limit")
	errHandshake = errors.New("ZMTP handshake not finished in time")
)

type guardConfig struct {
	network   string // "tcp" or "unix"
	limit     int64
	handshake time.Duration
}

// name is the transport name under which zmq4 knows this configuration.
func (g guardConfig) name() string {
	prefix := guardedTCP
	if g.network == "unix" {
		prefix = guardedIPC
	}
	return fmt.Sprintf("%s-%d-%d", prefix, g.limit, g.handshake.Milliseconds())
}

// guardedEndpoint rewrites an endpoint of the form "gotensor-tcp://addr" to
// the transport registered for this size limit and handshake timeout,
// registering it on first use.
func guardedEndpoint(ep string, limit int64, handshake time.Duration) (string, error) {
	var g guardConfig
	var rest string
	switch {
	case len(ep) > len(guardedTCP)+3 && ep[:len(guardedTCP)+3] == guardedTCP+"://":
		g.network, rest = "tcp", ep[len(guardedTCP)+3:]
	case len(ep) > len(guardedIPC)+3 && ep[:len(guardedIPC)+3] == guardedIPC+"://":
		g.network, rest = "unix", ep[len(guardedIPC)+3:]
	default:
		return "", fmt.Errorf("endpoint %q is not a guarded endpoint", ep)
	}
	g.limit, g.handshake = limit, handshake
	guardMu.Lock()
	defer guardMu.Unlock()
	if !guardLimits[g] {
		if err := zmq4.RegisterTransport(g.name(), guardTransport{g: g, inner: transport.New(g.network)}); err != nil {
			return "", fmt.Errorf("register guarded transport: %w", err)
		}
		guardLimits[g] = true
	}
	return g.name() + "://" + rest, nil
}

// guardTransport wraps zmq4's net transport so that accepted connections are guarded.
type guardTransport struct {
	g     guardConfig
	inner transport.Transport
}

func (t guardTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	return t.inner.Dial(ctx, d, addr)
}

func (t guardTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := t.inner.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return &guardListener{Listener: l, g: t.g}, nil
}

func (t guardTransport) Addr(ep string) (string, error) { return t.inner.Addr(ep) }

// guardListener accepts connections on its own goroutine and hands one to
// zmq4 only once the peer has sent its 10-byte ZMTP signature, which every
// ZMTP 3 peer sends as soon as it connects. A peer that connects and stays
// silent therefore never reaches zmq4's one-at-a-time handshake; one that
// stops half-way through the handshake holds it for at most the handshake
// timeout.
type guardListener struct {
	net.Listener
	g     guardConfig
	start sync.Once
	conns chan net.Conn
	done  chan struct{}
	err   error // set before done is closed
}

const zmtpSignature = 10

func (l *guardListener) Accept() (net.Conn, error) {
	l.start.Do(func() {
		l.conns = make(chan net.Conn)
		l.done = make(chan struct{})
		go l.acceptLoop()
	})
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, l.err
	}
}

func (l *guardListener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			l.err = err
			close(l.done)
			return
		}
		go l.admit(c)
	}
}

// admit waits for the peer's signature, then queues the connection for zmq4.
func (l *guardListener) admit(c net.Conn) {
	if l.g.handshake > 0 {
		_ = c.SetReadDeadline(time.Now().Add(l.g.handshake))
	}
	sig := make([]byte, zmtpSignature)
	if _, err := io.ReadFull(c, sig); err != nil || sig[0] != 0xff || sig[9]&1 != 1 {
		_ = c.Close() // silent, slow or not speaking ZMTP
		return
	}
	gc := &guardConn{Conn: c, limit: l.g.limit, deadline: l.g.handshake > 0, greeting: 64, pending: sig}
	select {
	case l.conns <- gc:
	case <-l.done:
		_ = c.Close()
	}
}

// guardConn tracks ZMTP framing on the read side of one connection.
type guardConn struct {
	net.Conn
	limit    int64
	deadline bool // a handshake read deadline is set

	greeting  int     // greeting bytes still expected
	handshook bool    // the first command (READY) after the greeting is complete
	hdr       [9]byte // frame header being read
	hdrLen    int     // bytes of hdr filled
	body      int64   // body bytes still expected in the current frame
	msgSize   int64   // bytes so far in the current multi-frame message
	failed    error
	pending   []byte // bytes read ahead by the listener, returned first
}

func (c *guardConn) Read(p []byte) (int, error) {
	if c.failed != nil {
		return 0, c.failed
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		if ferr := c.scan(p[:n]); ferr != nil {
			return 0, c.fail(ferr)
		}
		return n, nil
	}
	n, err := c.Conn.Read(p)
	if err != nil {
		var ne net.Error
		if !c.handshook && errors.As(err, &ne) && ne.Timeout() {
			return 0, c.fail(errHandshake)
		}
		return n, err
	}
	if ferr := c.scan(p[:n]); ferr != nil {
		return 0, c.fail(ferr)
	}
	return n, nil
}

func (c *guardConn) fail(reason error) error {
	c.failed = fmt.Errorf("%w: %w", reason, io.EOF)
	_ = c.Conn.Close()
	return c.failed
}

// scan advances the framing state over bytes just read.
func (c *guardConn) scan(b []byte) error {
	for len(b) > 0 {
		switch {
		case c.greeting > 0:
			k := min(c.greeting, len(b))
			c.greeting -= k
			b = b[k:]
		case c.body > 0:
			k := int64(len(b))
			if k > c.body {
				k = c.body
			}
			c.body -= k
			b = b[k:]
			if c.body == 0 {
				c.frameDone()
			}
		default:
			c.hdr[c.hdrLen] = b[0]
			c.hdrLen++
			b = b[1:]
			flag := c.hdr[0]
			need := 2
			if flag&0x02 != 0 {
				need = 9
			}
			if c.hdrLen < need {
				continue
			}
			var size uint64
			if need == 2 {
				size = uint64(c.hdr[1])
			} else {
				size = binary.BigEndian.Uint64(c.hdr[1:9])
			}
			if size > uint64(c.limit) || c.msgSize+int64(size) > c.limit {
				return fmt.Errorf("%w: %d bytes, limit %d", errTooLarge, size, c.limit)
			}
			c.msgSize += int64(size)
			c.body = int64(size)
			if c.body == 0 {
				c.frameDone()
			}
		}
	}
	return nil
}

// frameDone resets the header state after a frame's body has been read.
func (c *guardConn) frameDone() {
	flag := c.hdr[0]
	c.hdrLen = 0
	if flag&0x01 == 0 { // last frame of a message
		c.msgSize = 0
	}
	if !c.handshook && flag&0x04 != 0 { // READY command finished the handshake
		c.handshook = true
		if c.deadline {
			_ = c.Conn.SetReadDeadline(time.Time{})
		}
	}
}
