package gpu

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/ebitengine/purego"
)

// Sgemm computes c = alpha·op(a)·op(b) + beta·c on the device for row-major float32 matrices
// held in buffers, with the conventions of package blas: op(a) is m×k, op(b) is k×n, lda, ldb
// and ldc are row strides in elements. It uses cuBLAS when the library loads (see GemmBackend),
// else the embedded PTX kernel. The work is queued on the device's default stream; errors in
// the arguments are reported before anything runs.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a *Buffer, lda int, b *Buffer, ldb int, beta float32, c *Buffer, ldc int) error {
	return gemm(true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm is Sgemm for float64.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a *Buffer, lda int, b *Buffer, ldb int, beta float64, c *Buffer, ldc int) error {
	return gemm(true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmBackend names what Sgemm and Dgemm run on, such as "cuBLAS (libcublas.so.13)" or
// "PTX kernel (cuBLAS skipped: libcublas.so.13 not found, ...)".
func GemmBackend() string {
	if err := Err(); err != nil {
		return "none (" + err.Error() + ")"
	}
	cb, err := loadCublas()
	if err != nil {
		return "PTX kernel (cuBLAS skipped: " + err.Error() + ")"
	}
	return "cuBLAS (" + cb.lib + ")"
}

// gemm runs on cuBLAS when useCublas is set and it loads, else on the PTX kernel.
func gemm[T float32 | float64](useCublas, transA, transB bool, m, n, k int, alpha T, a *Buffer, lda int, b *Buffer, ldb int, beta T, c *Buffer, ldc int) error {
	name := "Sgemm"
	var zero T
	elem := int64(4)
	if _, ok := any(zero).(float64); ok {
		name, elem = "Dgemm", 8
	}
	if err := checkGemm(transA, transB, m, n, k, elem, a, lda, b, ldb, c, ldc); err != nil {
		return fmt.Errorf("gpu.%s: %w", name, err)
	}
	if m == 0 || n == 0 {
		return nil
	}
	if cb, err := loadCublas(); err == nil && useCublas {
		if err := cb.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); err != nil {
			return fmt.Errorf("gpu.%s: %w", name, err)
		}
		return nil
	}
	kern, err := builtinKernel(c.ordinal, map[int64]string{4: "gemm_f32", 8: "gemm_f64"}[elem])
	if err != nil {
		return fmt.Errorf("gpu.%s: %w", name, err)
	}
	sai, sap := int64(lda), int64(1)
	if transA {
		sai, sap = 1, int64(lda)
	}
	sbp, sbj := int64(ldb), int64(1)
	if transB {
		sbp, sbj = 1, int64(ldb)
	}
	const tile = 16
	grid := Dim3{X: (n + tile - 1) / tile, Y: (m + tile - 1) / tile}
	if grid.Y > 65535 {
		return fmt.Errorf("gpu.%s: %d rows exceed the PTX kernel's grid (at most %d)", name, m, 65535*tile)
	}
	err = kern.Launch(grid, Dim3{X: tile, Y: tile}, 0, a, b, c,
		int64(m), int64(n), int64(k), sai, sap, sbp, sbj, int64(ldc), alpha, beta)
	if err != nil {
		return fmt.Errorf("gpu.%s: %w", name, err)
	}
	return nil
}

// checkGemm checks what blas.checkGemm checks, against buffer sizes, as errors: the device must
// never read or write outside a buffer.
func checkGemm(transA, transB bool, m, n, k int, elem int64, a *Buffer, lda int, b *Buffer, ldb int, c *Buffer, ldc int) error {
	if m < 0 || n < 0 || k < 0 {
		return fmt.Errorf("negative size m=%d n=%d k=%d", m, n, k)
	}
	if m > maxInt32 || n > maxInt32 || k > maxInt32 || lda > maxInt32 || ldb > maxInt32 || ldc > maxInt32 {
		return fmt.Errorf("a size or stride exceeds 32 bits")
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	for _, op := range []struct {
		name           string
		buf            *Buffer
		rows, cols, ld int
	}{{"a", a, rowsA, colsA, lda}, {"b", b, rowsB, colsB, ldb}, {"c", c, m, n, ldc}} {
		if op.buf == nil {
			return fmt.Errorf("%s is nil", op.name)
		}
		if op.buf.ordinal != c.ordinal {
			return fmt.Errorf("%s is on cuda:%d, c on cuda:%d", op.name, op.buf.ordinal, c.ordinal)
		}
		if op.ld < max(1, op.cols) {
			return fmt.Errorf("leading dimension of %s is %d, want at least %d", op.name, op.ld, max(1, op.cols))
		}
		need := int64(0)
		if op.rows > 0 && op.cols > 0 {
			need = elem * (int64(op.ld)*int64(op.rows-1) + int64(op.cols))
		}
		if _, err := op.buf.devicePtr(need); err != nil {
			return fmt.Errorf("%s: %w", op.name, err)
		}
	}
	return nil
}

const maxInt32 = 1<<31 - 1

// cublas is cuBLAS opened at run time, with one handle per device (a handle belongs to the
// context current when it was created, so both are made on the driver's thread).
type cublas struct {
	lib     string
	create  func(handle *uintptr) int32
	sgemm   func(h uintptr, ta, tb, m, n, k int32, alpha *float32, a uintptr, lda int32, b uintptr, ldb int32, beta *float32, c uintptr, ldc int32) int32
	dgemm   func(h uintptr, ta, tb, m, n, k int32, alpha *float64, a uintptr, lda int32, b uintptr, ldb int32, beta *float64, c uintptr, ldc int32) int32
	handles map[int]uintptr // touched only on the driver's thread
}

var (
	cublasOnce sync.Once
	cublasLib  *cublas
	cublasErr  error
)

// loadCublas opens the first cuBLAS that loads, unless GOTENSOR_CUBLAS=off. Its failure is not
// an error for the caller: the PTX kernel takes over.
func loadCublas() (*cublas, error) {
	cublasOnce.Do(func() { cublasLib, cublasErr = openCublas() })
	return cublasLib, cublasErr
}

func openCublas() (*cublas, error) {
	if err := Err(); err != nil {
		return nil, err
	}
	if v := strings.ToLower(os.Getenv("GOTENSOR_CUBLAS")); v == "off" || v == "0" || v == "false" {
		return nil, fmt.Errorf("disabled by GOTENSOR_CUBLAS=%s", v)
	}
	names := []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11"}
	if lib := os.Getenv("GOTENSOR_LIBCUBLAS"); lib != "" {
		names = []string{lib}
	}
	var tried []string
	for _, lib := range names {
		h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		cb := &cublas{lib: lib, handles: map[int]uintptr{}}
		for _, f := range []struct {
			fn   any
			name string
		}{{&cb.create, "cublasCreate_v2"}, {&cb.sgemm, "cublasSgemm_v2"}, {&cb.dgemm, "cublasDgemm_v2"}} {
			sym, err := purego.Dlsym(h, f.name)
			if err != nil {
				return nil, fmt.Errorf("%s lacks %s: %w", lib, f.name, err)
			}
			purego.RegisterFunc(f.fn, sym)
		}
		return cb, nil
	}
	return nil, fmt.Errorf("no cuBLAS library loads: %s", strings.Join(tried, "; "))
}

// gemm runs row-major C = alpha·op(A)·op(B) + beta·C as the column-major product
// Cᵀ = op(B)ᵀ·op(A)ᵀ, which is how a row-major matrix looks to cuBLAS.
func (cb *cublas) gemm(transA, transB bool, m, n, k int, alpha any, a *Buffer, lda int, b *Buffer, ldb int, beta any, c *Buffer, ldc int) error {
	op := func(t bool) int32 {
		if t {
			return 1 // CUBLAS_OP_T
		}
		return 0 // CUBLAS_OP_N
	}
	pa, _ := a.devicePtr(0)
	pb, _ := b.devicePtr(0)
	pc, _ := c.devicePtr(0)
	return get().onDevice(c.ordinal, func(*driver) error {
		h, ok := cb.handles[c.ordinal]
		if !ok {
			if err := cublasCheck("cublasCreate_v2", cb.create(&h)); err != nil {
				return err
			}
			cb.handles[c.ordinal] = h
		}
		switch al := alpha.(type) {
		case float32:
			be := beta.(float32)
			return cublasCheck("cublasSgemm_v2", cb.sgemm(h, op(transB), op(transA), int32(n), int32(m), int32(k),
				&al, pb, int32(ldb), pa, int32(lda), &be, pc, int32(ldc)))
		case float64:
			be := beta.(float64)
			return cublasCheck("cublasDgemm_v2", cb.dgemm(h, op(transB), op(transA), int32(n), int32(m), int32(k),
				&al, pb, int32(ldb), pa, int32(lda), &be, pc, int32(ldc)))
		}
		return fmt.Errorf("gpu: gemm of %T", alpha)
	})
}

// cublasCheck turns a cublasStatus_t into an error naming it (cublas_api.h).
func cublasCheck(call string, status int32) error {
	if status == 0 {
		return nil
	}
	names := map[int32]string{
		1: "CUBLAS_STATUS_NOT_INITIALIZED", 3: "CUBLAS_STATUS_ALLOC_FAILED", 7: "CUBLAS_STATUS_INVALID_VALUE",
		8: "CUBLAS_STATUS_ARCH_MISMATCH", 11: "CUBLAS_STATUS_MAPPING_ERROR", 13: "CUBLAS_STATUS_EXECUTION_FAILED",
		14: "CUBLAS_STATUS_INTERNAL_ERROR", 15: "CUBLAS_STATUS_NOT_SUPPORTED", 16: "CUBLAS_STATUS_LICENSE_ERROR",
	}
	name, ok := names[status]
	if !ok {
		name = "unknown cuBLAS status"
	}
	err := fmt.Errorf("%s: %s (status %d)", call, name, status)
	if status == 3 {
		return fmt.Errorf("%w: %w", ErrOutOfMemory, err)
	}
	return err
}
