//go:build linux

package runtime

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// fdCapture owns file descriptors 1 and 2 for the process: each is a pipe
// whose reader hands the bytes to the running cell, or to the real stream
// saved at start when no cell runs (so a test binary's own output still
// reaches the test runner). Compiled code, os.Stdout.Write and C libraries
// are captured alike. One capture serves every session of the process.
type fdCapture struct {
	realOut, realErr *os.File // the original fds 1 and 2, duplicated
	r, w             [2]*os.File
	marker           []byte // in-band flush marker, random per process

	mu   sync.Mutex
	sink *streamer

	flushMu    sync.Mutex
	seen       [2]chan struct{}
	delivering [2]sync.Mutex  // held by a reader from before a read to the end of its delivery
	carrying   [2]atomic.Bool // a reader holds back bytes that may start a marker
	done       sync.WaitGroup
	refs       int
}

var (
	captureMu     sync.Mutex
	captureShared *fdCapture
)

// acquireCapture starts capturing fds 1 and 2, or shares the running capture.
func acquireCapture() (*fdCapture, error) {
	captureMu.Lock()
	defer captureMu.Unlock()
	if captureShared != nil {
		captureShared.refs++
		return captureShared, nil
	}
	c, err := startCapture()
	if err != nil {
		return nil, err
	}
	c.refs = 1
	captureShared = c
	return c, nil
}

// releaseCapture drops one reference; the last one restores fds 1 and 2.
func releaseCapture(c *fdCapture) {
	captureMu.Lock()
	defer captureMu.Unlock()
	c.refs--
	if c.refs > 0 {
		return
	}
	c.stop()
	captureShared = nil
}

func dupFile(fd int, name string) (*os.File, error) {
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return nil, fmt.Errorf("dup fd %d: %w", fd, err)
	}
	syscall.CloseOnExec(nfd)
	return os.NewFile(uintptr(nfd), name), nil
}

func startCapture() (*fdCapture, error) {
	c := &fdCapture{}
	var err error
	if c.realOut, err = dupFile(1, "stdout"); err != nil {
		return nil, err
	}
	if c.realErr, err = dupFile(2, "stderr"); err != nil {
		c.realOut.Close()
		return nil, err
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	c.marker = []byte("\x00\x1b[gotensor-flush-" + hex.EncodeToString(b[:]) + "]\x00")
	for i := range 2 {
		if c.r[i], c.w[i], err = os.Pipe(); err != nil {
			c.closeAll()
			return nil, fmt.Errorf("pipe: %w", err)
		}
		c.seen[i] = make(chan struct{}, 1)
		growPipe(c.w[i])
	}
	// Flush what Go buffered for the real streams (nothing, for *os.File)
	// and swap the pipes in.
	for i, fd := range []int{1, 2} {
		if err := syscall.Dup3(int(c.w[i].Fd()), fd, 0); err != nil {
			c.restore()
			c.closeAll()
			return nil, fmt.Errorf("dup3 onto fd %d: %w", fd, err)
		}
	}
	for i, name := range []string{"stdout", "stderr"} {
		c.done.Add(1)
		go c.read(i, name)
	}
	guardFatalErrors(c.realErr)
	return c, nil
}

// A fatal error (a cell's unbounded recursion overflowing the stack, say) stops every goroutine,
// our pipe readers too, and then the Go runtime writes its report to fd 2, which is our pipe:
// once the pipe is full that write blocks forever and the kernel hangs instead of dying (so
// Jupyter never restarts it). Three guards, each cheap:
//   - a pipe capacity of pipeSize leaves room for the report (the runtime prints the failing
//     goroutine's frames, elided past 100, and every other goroutine's: tens of kilobytes);
//   - debug.SetCrashOutput copies the report to the real stderr, where Jupyter's log shows it;
//   - a stack limit of maxStack (the default is 1 GB) makes a runaway recursion fail in about a
//     second instead of after four seconds and a gigabyte of memory, while leaving interpreted
//     recursion tens of thousands of calls deep.
const (
	pipeSize = 1 << 20
	maxStack = 256 << 20
)

// growPipe raises f's pipe capacity to pipeSize where the system allows it (1 MiB is Linux's
// default pipe-max-size); failing that, the default 64 KiB stays.
func growPipe(f *os.File) {
	_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_SETPIPE_SZ, pipeSize)
}

var guardOnce sync.Once

func guardFatalErrors(realErr *os.File) {
	guardOnce.Do(func() {
		_ = debug.SetCrashOutput(realErr, debug.CrashOptions{})
		debug.SetMaxStack(maxStack)
	})
}

func (c *fdCapture) real(i int) *os.File {
	if i == 0 {
		return c.realOut
	}
	return c.realErr
}

// read forwards one pipe until it closes, answering flush markers. It reads
// with the pipe's raw descriptor so that it takes delivering[i] before the
// bytes leave the pipe and releases it once they are delivered: an ordered
// writer that finds the pipe empty and the lock free knows every byte
// written before it has been delivered.
func (c *fdCapture) read(i int, name string) {
	defer c.done.Done()
	rc, err := c.r[i].SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, 64<<10)
	var carry []byte
	for {
		var n int
		var rerr error
		locked := false
		err := rc.Read(func(fd uintptr) bool {
			c.delivering[i].Lock()
			n, rerr = syscall.Read(int(fd), buf)
			if rerr == syscall.EAGAIN || rerr == syscall.EINTR {
				c.delivering[i].Unlock()
				return false // wait until readable
			}
			locked = true
			return true
		})
		if n > 0 {
			data := append(carry, buf[:n]...)
			carry = nil
			for {
				k := bytes.Index(data, c.marker)
				if k < 0 {
					break
				}
				c.deliver(i, name, data[:k])
				data = data[k+len(c.marker):]
				select {
				case c.seen[i] <- struct{}{}:
				default:
				}
			}
			keep := partialPrefix(data, c.marker)
			c.deliver(i, name, data[:len(data)-keep])
			carry = append([]byte(nil), data[len(data)-keep:]...)
			c.carrying[i].Store(keep > 0)
		}
		eof := err != nil || rerr != nil || n == 0
		if eof {
			c.deliver(i, name, carry)
		}
		if locked {
			c.delivering[i].Unlock()
		}
		if eof {
			return
		}
	}
}

// partialPrefix returns how many trailing bytes of data start the marker.
func partialPrefix(data, marker []byte) int {
	for k := min(len(marker)-1, len(data)); k > 0; k-- {
		if bytes.Equal(data[len(data)-k:], marker[:k]) {
			return k
		}
	}
	return 0
}

func (c *fdCapture) deliver(i int, name string, p []byte) {
	if len(p) == 0 {
		return
	}
	c.mu.Lock()
	sink := c.sink
	c.mu.Unlock()
	if sink != nil && sink.write(name, p) {
		return
	}
	c.real(i).Write(p)
}

// setSink routes captured bytes to st (nil: to the real streams).
func (c *fdCapture) setSink(st *streamer) {
	c.mu.Lock()
	c.sink = st
	c.mu.Unlock()
}

// flush returns once every byte written to fds 1 and 2 before the call has
// been delivered: it writes a marker into each pipe and waits for its reader
// to reach it.
func (c *fdCapture) flush() {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	var sent [2]bool
	for i := range 2 {
		select { // drop a stale signal
		case <-c.seen[i]:
		default:
		}
		_, err := c.w[i].Write(c.marker)
		sent[i] = err == nil
	}
	var timeout <-chan time.Time
	for i := range 2 {
		if !sent[i] {
			continue
		}
		select {
		case <-c.seen[i]:
			continue
		default:
		}
		if timeout == nil {
			timeout = time.After(time.Second)
		}
		select {
		case <-c.seen[i]:
		case <-timeout:
		}
	}
}

// flushPending has the effect of flush, cheaply: with both pipes empty, no
// bytes held back and no delivery in progress (readers lock before taking
// bytes out of a pipe), everything written before the call has been
// delivered; otherwise it flushes with markers.
func (c *fdCapture) flushPending() {
	if pending(c.r[0]) || pending(c.r[1]) || c.carrying[0].Load() || c.carrying[1].Load() {
		c.flush()
		return
	}
	for i := range 2 {
		c.delivering[i].Lock()
		c.delivering[i].Unlock()
	}
}

// pending reports whether a pipe has bytes waiting (FIONREAD).
func pending(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var n int32
	_ = rc.Control(func(fd uintptr) {
		syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
	})
	return n > 0
}

// restore puts the real streams back on fds 1 and 2.
func (c *fdCapture) restore() {
	syscall.Dup3(int(c.realOut.Fd()), 1, 0)
	syscall.Dup3(int(c.realErr.Fd()), 2, 0)
}

func (c *fdCapture) stop() {
	c.flush()
	c.restore()
	for i := range 2 {
		c.w[i].Close()
	}
	waited := make(chan struct{})
	go func() { c.done.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(time.Second):
	}
	c.closeAll()
}

func (c *fdCapture) closeAll() {
	for i := range 2 {
		if c.r[i] != nil {
			c.r[i].Close()
		}
		if c.w[i] != nil {
			c.w[i].Close()
		}
	}
}
