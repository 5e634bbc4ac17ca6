package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
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
	guardSeq      atomic.Int64 // numbers the transports registered so far
	errTooLarge   = errors.New("frame exceeds the message size limit")
	errHandshake  = errors.New("ZMTP handshake not finished in time")
	errBadCommand = errors.New("malformed ZMTP command")
)

// guardConfig is what one kernel's guarded transports enforce.
type guardConfig struct {
	network      string // "tcp" or "unix"
	limit        int64
	handshake    time.Duration
	writeTimeout time.Duration
	log          *log.Logger // where refused connections are reported
}

// guardedEndpoint registers a guarded transport for ep (of the form
// "gotensor-tcp://addr" or "gotensor-ipc://path") and returns the endpoint
// to listen on. zmq4 keeps transports for the life of the process, so each
// call registers one under a new name.
func guardedEndpoint(ep string, g guardConfig) (string, error) {
	var prefix, rest string
	switch {
	case strings.HasPrefix(ep, guardedTCP+"://"):
		g.network, prefix, rest = "tcp", guardedTCP, strings.TrimPrefix(ep, guardedTCP+"://")
	case strings.HasPrefix(ep, guardedIPC+"://"):
		g.network, prefix, rest = "unix", guardedIPC, strings.TrimPrefix(ep, guardedIPC+"://")
	default:
		return "", fmt.Errorf("endpoint %q is not a guarded endpoint", ep)
	}
	name := fmt.Sprintf("%s-%d", prefix, guardSeq.Add(1))
	if err := zmq4.RegisterTransport(name, guardTransport{g: g, inner: transport.New(g.network)}); err != nil {
		return "", fmt.Errorf("register guarded transport: %w", err)
	}
	return name + "://" + rest, nil
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
	if t.g.network == "unix" {
		removeStaleSocket(addr)
	}
	l, err := t.inner.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return &guardListener{Listener: l, g: t.g}, nil
}

func (t guardTransport) Addr(ep string) (string, error) { return t.inner.Addr(ep) }

// removeStaleSocket removes a Unix socket file that nothing listens on, as
// libzmq does before binding: a kernel that was killed leaves its ipc files
// behind, and the restarted kernel gets the same paths from the client.
func removeStaleSocket(path string) {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeSocket == 0 {
		return
	}
	if c, err := net.DialTimeout("unix", path, 100*time.Millisecond); err == nil {
		c.Close() // a live kernel owns it: let Listen fail
		return
	}
	_ = os.Remove(path)
}

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
// The rest of the handshake gets its own deadline when zmq4 starts it (see
// guardConn.Read): zmq4 handshakes one connection at a time, and a peer
// queued behind a stalled one must not use up its time waiting.
func (l *guardListener) admit(c net.Conn) {
	if l.g.handshake > 0 {
		_ = c.SetReadDeadline(time.Now().Add(l.g.handshake))
	}
	sig := make([]byte, zmtpSignature)
	if _, err := io.ReadFull(c, sig); err != nil || sig[0] != 0xff || sig[9]&1 != 1 {
		_ = c.Close() // silent, slow or not speaking ZMTP
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	gc := newGuardConn(c, l.g, sig)
	select {
	case l.conns <- gc:
	case <-l.done:
		_ = c.Close()
	}
}

// guardConn tracks ZMTP framing on both sides of one connection. Besides
// the checks above it buffers: zmq4 reads each frame header and body with a
// separate read(2) and writes each frame of a ROUTER reply with two write(2)
// calls, about thirty system calls for one Jupyter message. The guard reads
// ahead into a buffer and holds written bytes until a whole message (or the
// greeting, or a command) is complete, then writes it with one call.
type guardConn struct {
	net.Conn
	handshake    time.Duration // deadline for the handshake once zmq4 starts it; 0 for none
	writeTimeout time.Duration // longest a write may wait for the peer; 0 for no limit
	started      bool          // zmq4 has started reading
	log          *log.Logger

	in     framer // read side, with the size limit
	failed error
	rbuf   []byte // bytes read from the network not yet handed to zmq4
	rpos   int

	wmu  sync.Mutex
	out  framer // write side, for message boundaries only
	wbuf []byte
}

const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
	maxCommand  = 16 << 10 // ZMTP commands are small; READY is tens of bytes
	readBuffer  = 64 << 10
	maxHeldOut  = 1 << 20 // write out a message's bytes early beyond this
)

func newGuardConn(c net.Conn, cfg guardConfig, pending []byte) *guardConn {
	g := &guardConn{Conn: c, handshake: cfg.handshake, writeTimeout: cfg.writeTimeout, log: cfg.log}
	g.in = framer{limit: cfg.limit, greeting: 64}
	g.out = framer{limit: math.MaxInt64, greeting: 64}
	g.rbuf = append(make([]byte, 0, readBuffer), pending...)
	return g
}

func (c *guardConn) Read(p []byte) (int, error) {
	if c.failed != nil {
		return 0, c.failed
	}
	if !c.started {
		c.started = true
		if c.handshake > 0 {
			_ = c.Conn.SetReadDeadline(time.Now().Add(c.handshake))
		}
	}
	if err := c.ensure(1); err != nil {
		return 0, err
	}
	if c.in.atFrameStart() && c.rbuf[c.rpos]&flagCommand != 0 {
		if err := c.checkCommand(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.rbuf[c.rpos:])
	c.rpos += n
	wasHandshaking := !c.in.commandSeen
	if ferr := c.in.scan(p[:n]); ferr != nil {
		return 0, c.fail(ferr)
	}
	if wasHandshaking && c.in.commandSeen && c.handshake > 0 {
		_ = c.Conn.SetReadDeadline(time.Time{})
	}
	return n, nil
}

// ensure reads until at least n bytes (n <= readBuffer) wait in rbuf.
func (c *guardConn) ensure(n int) error {
	for len(c.rbuf)-c.rpos < n {
		if c.rpos > 0 {
			k := copy(c.rbuf[:cap(c.rbuf)], c.rbuf[c.rpos:])
			c.rbuf, c.rpos = c.rbuf[:k], 0
		}
		m, err := c.Conn.Read(c.rbuf[len(c.rbuf):cap(c.rbuf)])
		c.rbuf = c.rbuf[:len(c.rbuf)+m]
		if m == 0 && err != nil {
			var ne net.Error
			if !c.in.commandSeen && errors.As(err, &ne) && ne.Timeout() {
				return c.fail(errHandshake)
			}
			return err
		}
	}
	return nil
}

// checkCommand reads a whole command frame before zmq4 sees any of it and
// refuses one that zmq4 v0.17.0 would crash on: its metadata parser
// (Property.Write) slices past the end of a READY command whose property
// lengths overrun the body, a panic in zmq4's accept goroutine that would
// end the kernel.
func (c *guardConn) checkCommand() error {
	if err := c.ensure(2); err != nil {
		return err
	}
	hdr, size := 2, uint64(c.rbuf[c.rpos+1])
	if c.rbuf[c.rpos]&flagLong != 0 {
		hdr = 9
		if err := c.ensure(hdr); err != nil {
			return err
		}
		size = binary.BigEndian.Uint64(c.rbuf[c.rpos+1 : c.rpos+9])
	}
	if size > maxCommand {
		return c.fail(fmt.Errorf("%w: command of %d bytes", errBadCommand, size))
	}
	if err := c.ensure(hdr + int(size)); err != nil {
		return err
	}
	if err := validCommand(c.rbuf[c.rpos+hdr : c.rpos+hdr+int(size)]); err != nil {
		return c.fail(err)
	}
	return nil
}

// validCommand checks a ZMTP command body: a name length and name, and for
// READY a list of properties (name length, name, 4-byte value length, value)
// that fits the body exactly.
func validCommand(b []byte) error {
	if len(b) == 0 || 1+int(b[0]) > len(b) {
		return fmt.Errorf("%w: bad name", errBadCommand)
	}
	name, body := string(b[1:1+int(b[0])]), b[1+int(b[0]):]
	if name != "READY" {
		return nil
	}
	for len(body) > 0 {
		klen := int(body[0])
		if 1+klen+4 > len(body) {
			return fmt.Errorf("%w: READY property name overruns the command", errBadCommand)
		}
		vlen := binary.BigEndian.Uint32(body[1+klen : 1+klen+4])
		body = body[1+klen+4:]
		if uint64(vlen) > uint64(len(body)) {
			return fmt.Errorf("%w: READY property value overruns the command", errBadCommand)
		}
		body = body[vlen:]
	}
	return nil
}

func (c *guardConn) fail(reason error) error {
	if c.log != nil {
		c.log.Printf("closing connection from %s: %v", c.Conn.RemoteAddr(), reason)
	}
	c.failed = fmt.Errorf("%w: %w", reason, io.EOF)
	_ = c.Conn.Close()
	return c.failed
}

func (c *guardConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.out.scan(p) // cannot fail: no limit on the write side
	if len(c.wbuf) == 0 && c.out.boundary {
		return c.writeOut(p) // a whole message in one call: nothing to hold
	}
	c.wbuf = append(c.wbuf, p...)
	if !c.out.boundary && len(c.wbuf) < maxHeldOut {
		return len(p), nil
	}
	_, err := c.writeOut(c.wbuf)
	c.wbuf = c.wbuf[:0]
	if cap(c.wbuf) > maxHeldOut {
		c.wbuf = nil
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeOut writes to the network. A peer that takes in nothing for the write
// timeout (it stopped reading, or its host vanished without closing the
// connection) is dropped: zmq4 writes to all subscribers of a PUB socket from
// one goroutine, so one stuck peer would otherwise stall iopub for everyone.
func (c *guardConn) writeOut(b []byte) (int, error) {
	if c.writeTimeout > 0 {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(c.writeTimeout))
	}
	n, err := c.Conn.Write(b)
	var ne net.Error
	if err != nil && errors.As(err, &ne) && ne.Timeout() {
		if c.log != nil {
			c.log.Printf("closing connection from %s: it took in nothing for %v", c.Conn.RemoteAddr(), c.writeTimeout)
		}
		_ = c.Conn.Close()
		return n, fmt.Errorf("peer stopped reading: %w", io.EOF)
	}
	return n, err
}

// framer follows ZMTP 3 framing: a 64-byte greeting, then frames of a flag
// byte (bit 0 more, bit 1 long, bit 2 command), a 1- or 8-byte length, and
// the body.
type framer struct {
	limit       int64   // largest message accepted
	greeting    int     // greeting bytes still expected
	hdr         [9]byte // frame header being read
	hdrLen      int     // bytes of hdr filled
	body        int64   // body bytes still expected in the current frame
	msgSize     int64   // bytes so far in the current multi-frame message
	boundary    bool    // the last byte scanned ended the greeting, a message or a command
	commandSeen bool    // a command (READY) has completed: the handshake is done
}

// scan advances the framing state over bytes b.
func (f *framer) scan(b []byte) error {
	for len(b) > 0 {
		f.boundary = false
		switch {
		case f.greeting > 0:
			k := min(f.greeting, len(b))
			f.greeting -= k
			b = b[k:]
			f.boundary = f.greeting == 0
		case f.body > 0:
			k := int64(len(b))
			if k > f.body {
				k = f.body
			}
			f.body -= k
			b = b[k:]
			if f.body == 0 {
				f.frameDone()
			}
		default:
			f.hdr[f.hdrLen] = b[0]
			f.hdrLen++
			b = b[1:]
			need := 2
			if f.hdr[0]&0x02 != 0 {
				need = 9
			}
			if f.hdrLen < need {
				continue
			}
			var size uint64
			if need == 2 {
				size = uint64(f.hdr[1])
			} else {
				size = binary.BigEndian.Uint64(f.hdr[1:9])
			}
			if size > uint64(f.limit) || f.msgSize+int64(size) > f.limit {
				return fmt.Errorf("%w: %d bytes, limit %d", errTooLarge, size, f.limit)
			}
			f.msgSize += int64(size)
			f.body = int64(size)
			if f.body == 0 {
				f.frameDone()
			}
		}
	}
	return nil
}

// atFrameStart reports whether the next byte is the flag of a new frame.
func (f *framer) atFrameStart() bool { return f.greeting == 0 && f.hdrLen == 0 && f.body == 0 }

// frameDone resets the header state after a frame's body.
func (f *framer) frameDone() {
	flag := f.hdr[0]
	f.hdrLen = 0
	if flag&flagMore == 0 { // last frame of a message (commands never have more)
		f.msgSize = 0
		f.boundary = true
	}
	if flag&flagCommand != 0 {
		f.commandSeen = true
	}
}
