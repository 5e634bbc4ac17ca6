//go:build linux && (amd64 || arm64)

package blas

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/ebitengine/purego"
)

// CBLAS enum values from cblas.h.
const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

// openBLAS is OpenBLAS opened at run time. Debian's build uses 32-bit BLAS integers (LP64), hence
// the int32 parameters; checkGemm has rejected anything larger.
type openBLAS struct {
	lib      string
	coreNote string // how OPENBLAS_CORETYPE came to be what it is

	mu     sync.Mutex // serializes calls; see doc.go
	cSgemm func(order, transA, transB, m, n, k int32, alpha float32, a *float32, lda int32, b *float32, ldb int32, beta float32, c *float32, ldc int32)
	cDgemm func(order, transA, transB, m, n, k int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32)

	setThreads func(n int32)
	getThreads func() int32
	coreName   func() string
	config     func() string
}

var _ impl = (*openBLAS)(nil)

// loadOpenBLAS sets OPENBLAS_CORETYPE (unless the user did), opens the library and binds the
// functions gotensor calls. Any failure is returned, never a panic.
func loadOpenBLAS() (_ *openBLAS, err error) {
	lib := os.Getenv(EnvLibrary)
	if lib == "" {
		lib = "libopenblas.so.0"
	}
	ob := &openBLAS{lib: lib}
	if v, ok := os.LookupEnv("OPENBLAS_CORETYPE"); ok {
		ob.coreNote = "OPENBLAS_CORETYPE=" + v + " set by the user"
		if ct := coreType(); ct != "" && !strings.EqualFold(ct, v) {
			ob.coreNote += " (this CPU supports " + ct + ")"
		}
	} else if ct := coreType(); ct != "" {
		// The library reads the variable once, while it loads; purego's runtime hooks make
		// os.Setenv visible to C's getenv.
		if err := os.Setenv("OPENBLAS_CORETYPE", ct); err != nil {
			return nil, fmt.Errorf("set OPENBLAS_CORETYPE: %w", err)
		}
		ob.coreNote = "OPENBLAS_CORETYPE=" + ct + " from CPU features"
	} else {
		ob.coreNote = "core detected by OpenBLAS"
	}
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		if strings.HasPrefix(err.Error(), lib) { // dlerror's text usually names the file already
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", lib, err)
	}
	for _, sym := range []string{"cblas_sgemm", "cblas_dgemm", "openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_corename", "openblas_get_config"} {
		if _, err := purego.Dlsym(h, sym); err != nil {
			return nil, fmt.Errorf("%s is not OpenBLAS: %w", lib, err)
		}
	}
	purego.RegisterLibFunc(&ob.cSgemm, h, "cblas_sgemm")
	purego.RegisterLibFunc(&ob.cDgemm, h, "cblas_dgemm")
	purego.RegisterLibFunc(&ob.setThreads, h, "openblas_set_num_threads")
	purego.RegisterLibFunc(&ob.getThreads, h, "openblas_get_num_threads")
	purego.RegisterLibFunc(&ob.coreName, h, "openblas_get_corename")
	purego.RegisterLibFunc(&ob.config, h, "openblas_get_config")
	if !threadsSetByUser() {
		ob.setThreads(int32(runtime.GOMAXPROCS(0)))
	}
	return ob, nil
}

func threadsSetByUser() bool {
	for _, v := range []string{"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	return false
}

// describe is Backend's text, such as "openblas (libopenblas.so.0, OpenBLAS 0.3.21,
// OPENBLAS_CORETYPE=SkylakeX from CPU features, core SkylakeX, 2 threads)".
func (ob *openBLAS) describe() string {
	version := ob.config()
	if f := strings.Fields(version); len(f) >= 2 {
		version = f[0] + " " + f[1]
	}
	return fmt.Sprintf("openblas (%s, %s, %s, core %s, %d threads)", ob.lib, version, ob.coreNote, ob.coreName(), ob.getThreads())
}

func cblasTranspose(t bool) int32 {
	if t {
		return cblasTrans
	}
	return cblasNoTrans
}

func (ob *openBLAS) sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	ob.cSgemm(cblasRowMajor, cblasTranspose(transA), cblasTranspose(transB), int32(m), int32(n), int32(k),
		alpha, first(a), int32(lda), first(b), int32(ldb), beta, &c[0], int32(ldc))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
}

func (ob *openBLAS) dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	ob.cDgemm(cblasRowMajor, cblasTranspose(transA), cblasTranspose(transB), int32(m), int32(n), int32(k),
		alpha, first(a), int32(lda), first(b), int32(ldb), beta, &c[0], int32(ldc))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
}

// first returns a pointer to s[0], or nil for an empty slice (k == 0: BLAS reads nothing).
func first[T float32 | float64](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}
