package gpu

import (
	"fmt"
	"runtime"
)

// worker runs functions on one goroutine locked to its OS thread, because a CUDA context is
// current per thread. It lives as long as the process.
type worker struct {
	calls chan func()
}

func newWorker() *worker {
	w := &worker{calls: make(chan func())}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread keeps the context current
		for f := range w.calls {
			f()
		}
	}()
	return w
}

// do runs f on the worker's thread and returns its error. A panic in f is re-raised in the
// caller's goroutine, where it can be recovered, instead of killing the worker.
func (w *worker) do(f func() error) error {
	var (
		err    error
		panicV any
		done   = make(chan struct{})
	)
	w.calls <- func() {
		defer close(done)
		defer func() { panicV = recover() }()
		err = f()
	}
	<-done
	if panicV != nil {
		panic(fmt.Sprintf("gpu: panic on the driver thread: %v", panicV))
	}
	return err
}
