package tensor

import (
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Warnings receives autograd's warnings, such as reading Grad of a non-leaf; nil means os.Stderr.
var Warnings io.Writer

const nonLeafGradWarning = "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.\n"

// Python's default warning filter shows a warning once per source location, so a loop that
// reads a non-leaf's .grad prints one warning, not one per iteration. warnOnce does the same
// for a Go caller: once per call site (file and line of the first caller outside this
// package). A call through reflection (how an interpreter such as the notebook's yaegi calls
// compiled code) has no call site Go can see, since every interpreted line reaches Grad through
// the same reflect frames; there the warning shows once per tensor, and at most once per
// interpWarnGap, so a loop that reads Grad of a fresh non-leaf each iteration prints one
// warning while a later cell making the same mistake is still told.
const interpWarnGap = time.Second

var warned struct {
	sync.Mutex
	sites      map[string]bool
	lastInterp time.Time
	now        func() time.Time // time.Now; tests replace it
}

// warnNonLeafGrad prints PyTorch's non-leaf .grad warning for t unless the rules above say it
// was shown already. The caller holds t.grad.mu.
func (t *Tensor) warnNonLeafGrad() {
	site, interpreted := gradCallSite()
	warned.Lock()
	show := false
	switch {
	case !interpreted:
		if warned.sites == nil {
			warned.sites = map[string]bool{}
		}
		show = !warned.sites[site]
		warned.sites[site] = true
	case !t.grad.warned:
		now := time.Now
		if warned.now != nil {
			now = warned.now
		}
		at := now()
		show = warned.lastInterp.IsZero() || at.Sub(warned.lastInterp) >= interpWarnGap
		if show {
			warned.lastInterp = at
		}
	}
	t.grad.warned = true
	warned.Unlock()
	if !show {
		return
	}
	w := Warnings
	if w == nil {
		w = os.Stderr
	}
	io.WriteString(w, nonLeafGradWarning)
}

// gradCallSite returns "file:line" of the first caller of Grad outside this package and the
// Go runtime, and whether that caller is reflection (an interpreter) rather than Go code.
func gradCallSite() (site string, interpreted bool) {
	var pcs [16]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs[:])])
	for {
		f, more := frames.Next()
		fn := f.Function
		if !strings.HasPrefix(fn, "gotensor/tensor.") && !strings.HasPrefix(fn, "runtime.") {
			return f.File + ":" + strconv.Itoa(f.Line), strings.HasPrefix(fn, "reflect.")
		}
		if !more {
			return "", true
		}
	}
}
