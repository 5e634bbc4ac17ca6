package tensor

import (
	"runtime"
	"sync"
)

// grain is the element count below which an elementwise kernel stays on one goroutine: the
// cost of starting goroutines (about a microsecond) outweighs splitting smaller work.
const grain = 1 << 15

// parallelFor runs fn over [0, n) split into contiguous chunks, one per available core when n
// is large enough, and waits for all of them.
func parallelFor(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 2*grain || workers < 2 {
		fn(0, n)
		return
	}
	workers = min(workers, n/grain)
	chunk := (n + workers - 1) / workers
	chunk = (chunk + 15) &^ 15 // keep chunk edges on cache lines for 4-byte elements
	var wg sync.WaitGroup
	for lo := chunk; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	fn(0, min(chunk, n))
	wg.Wait()
}

// parallelRows runs fn over rows [0, rows) of m elements each, split across cores when the
// total work is large enough.
func parallelRows(rows, m int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if rows < 2 || rows*m < 2*grain || workers < 2 {
		fn(0, rows)
		return
	}
	workers = min(workers, rows)
	chunk := (rows + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := chunk; lo < rows; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, rows))
	}
	fn(0, min(chunk, rows))
	wg.Wait()
}
