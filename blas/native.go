package blas

import (
	"runtime"
	"sync"
)

// nativeImpl is gotensor's own GEMM, used when OpenBLAS cannot be loaded: the BLIS scheme
// (pack panels of A and B so that a microkernel streams them from cache, block for L1/L2,
// split the rows of C over GOMAXPROCS goroutines) written in Go around AVX-512 or AVX2
// microkernels in assembly (kernel_amd64.s). gonum's BLAS, the next fallback, keeps its inner
// loop in SSE2, a quarter of an AVX-512 CPU's vector width; these kernels measured several
// times faster here.
type nativeImpl struct {
	isa string // "AVX-512" or "AVX2"
	s   shape[float32]
	d   shape[float64]
}

var _ impl = nativeImpl{}

// Block sizes shared by every kernel: a kc×nr panel of B (16–32 KiB) stays in L1 while mr×kc
// panels of A stream from an mc×kc block kept in L2.
const (
	kc = 256
	nc = 2048
)

// kernelFunc is a microkernel: C[0:mr, 0:nr] += alpha · Ap · Bp for packed panels Ap (k×mr,
// one column of mr values per step) and Bp (k×nr, one row of nr values per step).
type kernelFunc[T float32 | float64] func(k int, a, b, c *T, ldc int, alpha T)

// shape is one microkernel with its tile (mr×nr) and A-block height mc, a multiple of mr.
type shape[T float32 | float64] struct {
	mr, nr, mc int
	kern       kernelFunc[T]
}

// Scratch for packed panels, per element type.
var poolF32, poolF64 sync.Pool

func (ni nativeImpl) sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(ni.s, &poolF32, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func (ni nativeImpl) dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(ni.d, &poolF64, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemm scales C by beta, then splits the product over goroutines by stripes of rows (or of
// columns, when C is short and wide) and runs gemmSerial on each.
func gemm[T float32 | float64](s shape[T], pool *sync.Pool, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row) // BLAS does not read C when beta is 0: NaN there must not survive
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
	if alpha == 0 || k == 0 {
		return
	}
	workers := runtime.GOMAXPROCS(0)
	if float64(m)*float64(n)*float64(k) < 1<<18 {
		workers = 1 // too small to pay for goroutines
	}
	// Split the rows of C: each goroutine then packs only its rows of A (the slower copy,
	// BenchmarkPackA) and all of B; measured in GFLOP per CPU-second at 1024² this beat
	// splitting columns by ~5%. Columns only when C has too few rows to share.
	byCols := m < workers*2*s.mr && n > m
	unit, extent := s.nr, n
	if !byCols {
		unit, extent = s.mr, m
	}
	workers = min(workers, (extent+unit-1)/unit)
	if workers <= 1 {
		gemmSerial(s, pool, transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc)
		return
	}
	per := ((extent+workers-1)/workers + unit - 1) / unit * unit
	var wg sync.WaitGroup
	for lo := 0; lo < extent; lo += per {
		hi := min(extent, lo+per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if byCols {
				bOff := lo // B(p, lo) is b[p*ldb+lo], or b[lo*ldb+p] when transposed
				if transB {
					bOff = lo * ldb
				}
				gemmSerial(s, pool, transA, transB, m, hi-lo, k, alpha, a, lda, b[bOff:], ldb, c[lo:], ldc)
			} else {
				aOff := lo * lda // A(lo, p) is a[lo*lda+p], or a[p*lda+lo] when transposed
				if transA {
					aOff = lo
				}
				gemmSerial(s, pool, transA, transB, hi-lo, n, k, alpha, a[aOff:], lda, b, ldb, c[lo*ldc:], ldc)
			}
		}()
	}
	wg.Wait()
}

// gemmSerial adds alpha·op(A)·op(B) to C on the calling goroutine.
func gemmSerial[T float32 | float64](s shape[T], pool *sync.Pool, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	mr, nr := s.mr, s.nr
	kMax, nMax, mMax := min(k, kc), roundUp(min(n, nc), nr), roundUp(min(m, s.mc), mr)
	scratch := getScratch[T](pool, kMax*(nMax+mMax)+mr*nr)
	defer pool.Put(scratch)
	bufB, bufA, tile := (*scratch)[:kMax*nMax], (*scratch)[kMax*nMax:kMax*(nMax+mMax)], (*scratch)[kMax*(nMax+mMax):]
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(bufB, nr, b, ldb, transB, pc, kb, jc, nb)
			for ic := 0; ic < m; ic += s.mc {
				mb := min(s.mc, m-ic)
				packA(bufA, mr, a, lda, transA, ic, mb, pc, kb)
				for jr := 0; jr < nb; jr += nr {
					bp := &bufB[jr*kb]
					for ir := 0; ir < mb; ir += mr {
						ap := &bufA[ir*kb]
						if ir+mr <= mb && jr+nr <= nb {
							s.kern(kb, ap, bp, &c[(ic+ir)*ldc+jc+jr], ldc, alpha)
							continue
						}
						// An edge tile: compute the whole tile aside, add the part inside C.
						clear(tile)
						s.kern(kb, ap, bp, &tile[0], nr, alpha)
						for i := 0; i < min(mr, mb-ir); i++ {
							row := c[(ic+ir+i)*ldc+jc+jr:]
							for j := 0; j < min(nr, nb-jr); j++ {
								row[j] += tile[i*nr+j]
							}
						}
					}
				}
			}
		}
	}
}

// packA copies op(A)[i0:i0+mb, p0:p0+kb] into dst as panels of mr rows, each stored one column
// (mr values) per step of p, the last panel padded with zeros.
func packA[T float32 | float64](dst []T, mr int, a []T, lda int, trans bool, i0, mb, p0, kb int) {
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : ir*kb+mr*kb]
		rows := min(mr, mb-ir)
		if trans { // A is stored k×m: a row of storage holds one p for consecutive i
			for p := 0; p < kb; p++ {
				copy(panel[p*mr:p*mr+rows], a[(p0+p)*lda+i0+ir:])
			}
		} else {
			for r := 0; r < rows; r++ {
				src := a[(i0+ir+r)*lda+p0 : (i0+ir+r)*lda+p0+kb]
				for p, v := range src {
					panel[p*mr+r] = v
				}
			}
		}
		if rows < mr {
			for p := 0; p < kb; p++ {
				clear(panel[p*mr+rows : (p+1)*mr])
			}
		}
	}
}

// packB copies op(B)[p0:p0+kb, j0:j0+nb] into dst as panels of nr columns, each stored one row
// (nr values) per step of p, the last panel padded with zeros.
func packB[T float32 | float64](dst []T, nr int, b []T, ldb int, trans bool, p0, kb, j0, nb int) {
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kb : jr*kb+nr*kb]
		cols := min(nr, nb-jr)
		if trans { // B is stored n×k: a row of storage holds one j for consecutive p
			for j := 0; j < cols; j++ {
				src := b[(j0+jr+j)*ldb+p0 : (j0+jr+j)*ldb+p0+kb]
				for p, v := range src {
					panel[p*nr+j] = v
				}
			}
		} else {
			for p := 0; p < kb; p++ {
				copy(panel[p*nr:p*nr+cols], b[(p0+p)*ldb+j0+jr:])
			}
		}
		if cols < nr {
			for p := 0; p < kb; p++ {
				clear(panel[p*nr+cols : (p+1)*nr])
			}
		}
	}
}

func roundUp(x, unit int) int { return (x + unit - 1) / unit * unit }

// getScratch returns a pooled slice of length n; its contents are arbitrary.
func getScratch[T float32 | float64](pool *sync.Pool, n int) *[]T {
	if p, ok := pool.Get().(*[]T); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]T, n)
	return &s
}
