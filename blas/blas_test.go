package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
)

// backend is one implementation under test.
type backend struct {
	name string
	impl impl
}

var (
	openOnce sync.Once
	openImpl *openBLAS
	openErr  error
)

// backends lists every implementation this host can run; OpenBLAS is absent (and the reason
// logged) where the library does not load, so the tests pass with or without it.
func backends(t testing.TB) []backend {
	openOnce.Do(func() { openImpl, openErr = loadOpenBLAS() })
	bs := []backend{{"gonum", gonumImpl{}}}
	if _, err := nativeBest(); err != nil {
		t.Logf("native kernels not tested: %v", err)
	}
	for _, ni := range nativeVariants() {
		bs = append(bs, backend{"native-" + ni.isa, ni})
	}
	if openErr != nil {
		t.Logf("openblas not tested: %v", openErr)
	} else {
		bs = append(bs, backend{"openblas", openImpl})
	}
	return bs
}

// gemmCase is one multiplication; pad is extra elements at the end of each row of a, b and c
// (strided lda, ldb, ldc).
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float64
	pad            int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,m=%d,n=%d,k=%d,alpha=%g,beta=%g,pad=%d", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

func gemmCases() []gemmCase {
	var cs []gemmCase
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 1, 33}, {1, 19, 4}, {64, 65, 63}, {129, 31, 257}, {2, 3, 0}}
	scalars := [][2]float64{{1, 0}, {0.5, -2}, {0, 1.5}, {-1.25, 1}}
	for _, s := range shapes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for i, ab := range scalars {
					cs = append(cs, gemmCase{tA, tB, s[0], s[1], s[2], ab[0], ab[1], i % 3 * 3})
				}
			}
		}
	}
	// Shapes that cross the native backend's blocks (kc = 256, mc = 240/120, nc = 2048) and
	// split over goroutines by columns and by rows; one scalar pair each to keep the naive
	// reference quick.
	if testing.Short() {
		return cs // 129×31×257 above still splits over goroutines
	}
	for i, s := range [][3]int{{300, 200, 600}, {37, 2100, 20}, {1000, 40, 50}, {130, 129, 513}} {
		cs = append(cs, gemmCase{i%2 == 1, i >= 2, s[0], s[1], s[2], 0.75, 0.5, i % 2 * 5})
	}
	return cs
}

// operands builds a, b, c and their leading dimensions for tc, with values in [-1, 1) and NaN in
// the padding, which no backend may read or write.
func operands(tc gemmCase, rng *rand.Rand) (a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	rowsA, colsA := tc.m, tc.k
	if tc.transA {
		rowsA, colsA = tc.k, tc.m
	}
	rowsB, colsB := tc.k, tc.n
	if tc.transB {
		rowsB, colsB = tc.n, tc.k
	}
	fill := func(rows, cols int) ([]float64, int) {
		ld := max(1, cols) + tc.pad
		s := make([]float64, rows*ld)
		for i := range s {
			if i%ld < cols {
				s[i] = 2*rng.Float64() - 1
			} else {
				s[i] = math.NaN()
			}
		}
		return s, ld
	}
	a, lda = fill(rowsA, colsA)
	b, ldb = fill(rowsB, colsB)
	c, ldc = fill(tc.m, tc.n)
	return
}

// reference computes alpha·op(a)·op(b) + beta·c naively in float64 and, for each element, the
// sum of the absolute values of its terms (the scale that rounding errors are measured against).
func reference(tc gemmCase, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) (want, scale []float64) {
	want = append([]float64(nil), c...)
	scale = make([]float64, len(c))
	at := func(s []float64, ld int, tr bool, i, j int) float64 {
		if tr {
			return s[j*ld+i]
		}
		return s[i*ld+j]
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			var sum, abs float64
			for p := 0; p < tc.k; p++ {
				x := at(a, lda, tc.transA, i, p) * at(b, ldb, tc.transB, p, j)
				sum += x
				abs += math.Abs(x)
			}
			old := 0.0
			if tc.beta != 0 { // BLAS does not read c when beta is 0
				old = c[i*ldc+j]
			}
			want[i*ldc+j] = tc.alpha*sum + tc.beta*old
			scale[i*ldc+j] = math.Abs(tc.alpha)*abs + math.Abs(tc.beta*old)
		}
	}
	return want, scale
}

// compare reports elements of got that differ from want by more than a few units of rounding of
// their scale, and padding that changed.
func compare(t *testing.T, op string, tc gemmCase, got, want, scale []float64, ldc int, eps float64) {
	t.Helper()
	bad := 0
	for i := range got {
		if i%ldc >= tc.n {
			if !math.IsNaN(got[i]) {
				t.Errorf("%s(%v): padding c[%d] = %g, want NaN (untouched)", op, tc, i, got[i])
				bad++
			}
		} else if tol := eps * float64(tc.k+2) * (scale[i] + 1e-30); math.IsNaN(got[i]) || math.Abs(got[i]-want[i]) > tol {
			t.Errorf("%s(%v): c[%d,%d] = %g, want %g (tolerance %g)", op, tc, i/ldc, i%ldc, got[i], want[i], tol)
			bad++
		}
		if bad > 5 {
			t.FailNow()
		}
	}
}

func TestGemmMatchesReference(t *testing.T) {
	for _, be := range backends(t) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, tc := range gemmCases() {
			t.Run(be.name+"/"+tc.String(), func(t *testing.T) {
				a, lda, b, ldb, c, ldc := operands(tc, rng)
				want, scale := reference(tc, a, lda, b, ldb, c, ldc)

				got := append([]float64(nil), c...)
				be.impl.dgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
				compare(t, "Dgemm", tc, got, want, scale, ldc, 0x1p-52)

				a32, b32, c32 := to32(a), to32(b), to32(c)
				be.impl.sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, float32(tc.alpha), a32, lda, b32, ldb, float32(tc.beta), c32, ldc)
				// The reference saw float64 inputs; rounding them to float32 adds 2 ulps per term.
				compare(t, "Sgemm", tc, to64(c32), want, scale, ldc, 4*0x1p-23)
			})
		}
	}
}

func TestBetaZeroIgnoresNaNInC(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			a := []float64{1, 2, 3, 4}
			b := []float64{5, 6, 7, 8}
			c := []float64{math.NaN(), math.NaN(), math.Inf(1), math.NaN()}
			be.impl.dgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2)
			if want := []float64{19, 22, 43, 50}; fmt.Sprint(c) != fmt.Sprint(want) {
				t.Errorf("dgemm(beta=0, c=NaN) = %v, want %v", c, want)
			}
			c32 := []float32{float32(math.NaN()), 1, 2, float32(math.NaN())}
			be.impl.sgemm(true, false, 2, 2, 2, 2, to32(a), 2, to32(b), 2, 0, c32, 2)
			if want := []float32{52, 60, 76, 88}; fmt.Sprint(c32) != fmt.Sprint(want) {
				t.Errorf("sgemm(tA, alpha=2, beta=0, c=NaN) = %v, want %v", c32, want)
			}
		})
	}
}

func TestPublicGemm(t *testing.T) {
	// 2×3 · 3×2, hand-computed.
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{7, 8, 9, 10, 11, 12}
	c := []float32{1, 1, 1, 1}
	Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 1, c, 2)
	if want := []float32{59, 65, 140, 155}; fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("Sgemm(2x3·3x2, beta=1) = %v, want %v", c, want)
	}
	d := []float64{0, 0, 0, 0}
	Dgemm(false, true, 2, 2, 3, 1, to64(a), 3, to64(a), 3, 0, d, 2)
	if want := []float64{14, 32, 32, 77}; fmt.Sprint(d) != fmt.Sprint(want) {
		t.Errorf("Dgemm(a·aᵀ) = %v, want %v", d, want)
	}
	// Large enough for the active backend: the public path must agree with gonum.
	const n = 40
	x := make([]float32, n*n)
	for i := range x {
		x[i] = float32(i%11) - 5
	}
	got, want := make([]float32, n*n), make([]float32, n*n)
	Sgemm(true, false, n, n, n, 1, x, n, x, n, 0, got, n)
	gonumImpl{}.sgemm(true, false, n, n, n, 1, x, n, x, n, 0, want, n)
	if fmt.Sprint(got) != fmt.Sprint(want) { // small integers: exact in any order
		t.Errorf("Sgemm(xᵀ·x, 40×40) on %s differs from gonum", Backend())
	}
	// m == 0 and n == 0 do nothing, even with empty slices.
	Sgemm(false, false, 0, 0, 5, 1, nil, 5, nil, 1, 0, nil, 1)
}

func TestRoute(t *testing.T) {
	tests := []struct {
		m, n, k int
		small   bool
	}{{2, 2, 2, true}, {31, 32, 32, true}, {32, 32, 32, false}, {1, 1, 1 << 20, false}, {0, 5, 5, true}}
	for _, tt := range tests {
		_, isGonum := route(tt.m, tt.n, tt.k).(gonumImpl)
		_, activeGonum := active().(gonumImpl)
		if want := tt.small || activeGonum; isGonum != want {
			t.Errorf("route(%d, %d, %d) is gonum: %v, want %v", tt.m, tt.n, tt.k, isGonum, want)
		}
	}
}

func TestBadArgumentsPanic(t *testing.T) {
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"negative m", func() { Sgemm(false, false, -1, 1, 1, 1, []float32{1}, 1, []float32{1}, 1, 0, []float32{1}, 1) }, "blas: m < 0"},
		{"small lda", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}, "blas: bad leading dimension of A"},
		{"small ldb transposed", func() {
			Dgemm(false, true, 2, 2, 3, 1, make([]float64, 6), 3, make([]float64, 6), 2, 0, make([]float64, 4), 2)
		}, "blas: bad leading dimension of B"},
		{"short a", func() {
			Dgemm(false, false, 2, 2, 3, 1, make([]float64, 5), 3, make([]float64, 6), 2, 0, make([]float64, 4), 2)
		}, "blas: insufficient length of a"},
		{"short c", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 6), 2, 0, make([]float32, 3), 2)
		}, "blas: insufficient length of c"},
		{"huge", func() { Sgemm(false, false, 1, 1, 1<<31, 1, nil, 1<<31, nil, 1, 0, make([]float32, 1), 1) }, "blas: insufficient length of a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got := fmt.Sprint(recover()); got != tt.want {
					t.Errorf("panic = %q, want %q", got, tt.want)
				}
			}()
			tt.call()
		})
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		force, wantPrefix, wantText string
	}{
		{"gonum", "gonum (pure Go", "forced by GOTENSOR_BLAS=gonum"},
		{"GONUM", "gonum (pure Go", "forced by GOTENSOR_BLAS=GONUM"},
		{"mkl", "gonum (pure Go", `GOTENSOR_BLAS="mkl" is not one of`},
	}
	if _, err := nativeBest(); err == nil {
		impl, desc := choose("native")
		if _, ok := impl.(nativeImpl); !ok || !strings.Contains(desc, "forced by GOTENSOR_BLAS=native") {
			t.Errorf("choose(native) = %T, %q; want native, forced", impl, desc)
		}
	}
	for _, tt := range tests {
		t.Run(tt.force, func(t *testing.T) {
			impl, desc := choose(tt.force)
			if _, ok := impl.(gonumImpl); !ok || !strings.HasPrefix(desc, tt.wantPrefix) || !strings.Contains(desc, tt.wantText) {
				t.Errorf("choose(%q) = %T, %q; want gonum and a text containing %q", tt.force, impl, desc, tt.wantText)
			}
		})
	}
	impl, desc := choose("auto")
	if _, ok := impl.(*openBLAS); ok != (openErrFor(t) == nil) {
		t.Errorf("choose(auto) = %T, %q; openblas load error %v", impl, desc, openErr)
	}
	t.Logf("choose(auto): %s", desc)
	t.Logf("Backend(): %s", Backend())
}

func openErrFor(t *testing.T) error {
	backends(t)
	return openErr
}

// TestCoreTypeReachesOpenBLAS checks that the OPENBLAS_CORETYPE gotensor sets before loading is
// the core OpenBLAS runs; os.Setenv must reach C's environment for that.
func TestCoreTypeReachesOpenBLAS(t *testing.T) {
	if err := openErrFor(t); err != nil {
		t.Skipf("OpenBLAS not loaded: %v", err)
	}
	want := os.Getenv("OPENBLAS_CORETYPE")
	if want == "" {
		t.Skip("no OPENBLAS_CORETYPE chosen for this CPU")
	}
	if got := openImpl.coreName(); !strings.EqualFold(got, want) {
		t.Errorf("openblas_get_corename() = %q, want %q (OPENBLAS_CORETYPE)", got, want)
	}
	t.Logf("%s", openImpl.describe())
}

func TestConcurrentCallers(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			const n = 48
			a := make([]float32, n*n)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			want := make([]float32, n*n)
			be.impl.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, want, n)
			var wg sync.WaitGroup
			errs := make(chan string, 8)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := make([]float32, n*n)
					for range 5 {
						be.impl.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n)
						if fmt.Sprint(c) != fmt.Sprint(want) {
							errs <- "concurrent sgemm result differs from the serial one"
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})
	}
}

func to32(s []float64) []float32 {
	r := make([]float32, len(s))
	for i, v := range s {
		r[i] = float32(v)
	}
	return r
}

func to64(s []float32) []float64 {
	r := make([]float64, len(s))
	for i, v := range s {
		r[i] = float64(v)
	}
	return r
}
