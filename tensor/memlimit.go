package tensor

import (
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"time"
)

// Go cannot recover from a failed allocation: when the operating system refuses the memory,
// the runtime stops the whole process with "fatal error: runtime: out of memory", and a
// notebook kernel loses every variable. A request that cannot fit is therefore refused before
// it is made, with an ErrMemory *Error, the way PyTorch's allocator raises a RuntimeError.
//
// The check reads what the process can still get (see availableMemory: the system's
// MemAvailable and free swap, capped by a cgroup memory limit, on Linux; nothing elsewhere,
// where the check is skipped) plus the free heap the Go runtime already holds. Only requests of
// allocCheckMin bytes or more are checked, so small tensors never pay for it; the system's
// figure is cached for allocCheckTTL and each granted request is subtracted from the cached
// figure, so a burst of large allocations cannot each pass against the same stale number.
// Before refusing, a garbage collection turns dead tensors into free heap and the figure is
// read afresh, so a loop that drops a large tensor and makes another is not refused.

const (
	allocCheckMin = 256 << 20
	allocCheckTTL = 100 * time.Millisecond
	// allocMargin allows for MemAvailable being an estimate that errs low (part of the page
	// cache it leaves out can be reclaimed too); it is small next to allocCheckMin's requests.
	allocMargin = 64 << 20
)

// memAvail caches the system's figure (availableMemory) between checks.
var memAvail struct {
	sync.Mutex
	at    time.Time
	bytes int64 // < 0: unknown
}

// sizeOf returns the element count and byte size of a tensor of dt and shape, failing like
// PyTorch's "Storage size calculation overflowed" when either does not fit in an int.
func sizeOf(dt DType, shape []int) (n, nbytes int) {
	n, ok := checkedNumel(shape)
	if ok {
		var nb int64
		nb, ok = mulInt64(int64(n), int64(dt.Size()))
		nbytes = int(nb)
	}
	if !ok {
		fail(ErrValue, "alloc", "Storage size calculation overflowed with sizes=%s", shapeStr(shape))
	}
	return n, nbytes
}

// checkedNumel is the product of shape's sizes and whether it fits in an int. A zero size
// makes the product 0 however large the others are, as in PyTorch.
func checkedNumel(shape []int) (int, bool) {
	for _, d := range shape {
		if d == 0 {
			return 0, true
		}
	}
	n := int64(1)
	for _, d := range shape {
		var ok bool
		if n, ok = mulInt64(n, int64(d)); !ok {
			return 0, false
		}
	}
	return int(n), true
}

// mulInt64 returns a·b and whether it fits in an int; negative operands (invalid sizes,
// rejected elsewhere) multiply without a check.
func mulInt64(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return a * b, true
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return 0, false
	}
	return int64(lo), true
}

// checkAlloc panics with an ErrMemory *Error when a tensor of dt and shape cannot be allocated
// in the memory the process can get. Every allocation of tensor storage, and every host buffer
// the size of a tensor, passes through it first.
func checkAlloc(dt DType, shape []int) {
	_, nbytes := sizeOf(dt, shape)
	checkBytes(nbytes, func() string {
		name := strings.TrimPrefix(dt.String(), "torch.")
		article := "a"
		if strings.HasPrefix(name, "i") {
			article = "an"
		}
		return fmt.Sprintf("%s %s tensor of shape %s", article, name, shapeStr(shape))
	})
}

// checkBytes refuses nbytes when they cannot fit; what describes the request for the message.
func checkBytes(nbytes int, what func() string) {
	if nbytes < allocCheckMin {
		return
	}
	avail, known := reserve(int64(nbytes), false)
	if !known || avail >= int64(nbytes) {
		return
	}
	runtime.GC()
	if avail, _ = reserve(int64(nbytes), true); avail >= int64(nbytes) {
		return
	}
	fail(ErrMemory, "alloc", "cannot allocate %d bytes (%s) for %s: only %s of memory available",
		nbytes, gib(int64(nbytes)), what(), gib(max(avail-allocMargin, 0)))
}

// reserve returns the bytes the process can get (with allocMargin), subtracting nbytes from
// the cached system figure when they fit; fresh re-reads the system's figure. known is false
// where the platform gives no figure.
func reserve(nbytes int64, fresh bool) (avail int64, known bool) {
	memAvail.Lock()
	defer memAvail.Unlock()
	if fresh || memAvail.at.IsZero() || time.Since(memAvail.at) > allocCheckTTL {
		memAvail.bytes = availableMemory()
		memAvail.at = time.Now()
	}
	if memAvail.bytes < 0 {
		return 0, false
	}
	avail = memAvail.bytes + goFreeHeap() + allocMargin
	if avail >= nbytes {
		memAvail.bytes -= nbytes
	}
	return avail, true
}

// goFreeHeap is the heap memory the Go runtime holds but does not use: a new allocation can
// take it without asking the system.
func goFreeHeap() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(min(s[0].Value.Uint64(), math.MaxInt64))
}

// gib formats a byte count as PyTorch's memory messages do: "37.3 GiB".
func gib(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
}
