package gpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gotensor/blas"
)

func TestGemmArgumentErrors(t *testing.T) {
	a := newAllocator(&fakeMemory{capacity: 1 << 20})
	buf := func(ordinal int, floats int64) *Buffer {
		b, err := a.buffer(ordinal, 4*floats)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	x, y, z := buf(0, 6), buf(0, 6), buf(0, 4)
	gone := buf(0, 6)
	gone.Release()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"negative", checkGemm(false, false, -1, 2, 3, 4, x, 3, y, 2, z, 2), "negative size"},
		{"small lda", checkGemm(false, false, 2, 2, 3, 4, x, 2, y, 2, z, 2), "leading dimension of a is 2, want at least 3"},
		{"small ldb transposed", checkGemm(false, true, 2, 2, 3, 4, x, 3, y, 2, z, 2), "leading dimension of b is 2, want at least 3"},
		{"short c", checkGemm(false, false, 2, 3, 3, 4, x, 3, buf(0, 9), 3, z, 3), "c: gpu: 24 bytes do not fit in a buffer of 16"},
		{"float64 needs more", checkGemm(false, false, 2, 2, 3, 8, x, 3, y, 2, z, 2), "a: gpu: 48 bytes do not fit in a buffer of 24"},
		{"other device", checkGemm(false, false, 2, 2, 3, 4, buf(1, 6), 3, y, 2, z, 2), "a is on cuda:1, c on cuda:0"},
		{"released", checkGemm(false, false, 2, 2, 3, 4, gone, 3, y, 2, z, 2), "a: gpu: use of a released buffer"},
		{"nil", checkGemm(false, false, 2, 2, 3, 4, x, 3, nil, 2, z, 2), "b is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("checkGemm = %v, want an error containing %q", tt.err, tt.want)
			}
		})
	}
	if err := checkGemm(false, false, 2, 2, 3, 4, x, 3, y, 2, z, 2); err != nil {
		t.Errorf("checkGemm(valid 2×3·3×2) = %v, want nil", err)
	}
	if err := checkGemm(true, true, 0, 0, 0, 4, x, 1, y, 1, z, 1); err != nil {
		t.Errorf("checkGemm(empty) = %v, want nil", err)
	}
}

// TestGemmOnGPU compares the device GEMM, on cuBLAS (when it loads) and on the PTX kernel,
// with package blas on the CPU.
func TestGemmOnGPU(t *testing.T) {
	needGPU(t)
	t.Logf("GemmBackend: %s", GemmBackend())
	rng := rand.New(rand.NewPCG(3, 4))
	for _, useCublas := range []bool{true, false} {
		if _, err := loadCublas(); useCublas && err != nil {
			continue
		}
		for _, s := range [][3]int{{1, 1, 1}, {3, 5, 7}, {33, 17, 65}, {130, 129, 257}} {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				m, n, k := s[0], s[1], s[2]
				name := fmt.Sprintf("cublas=%v/%dx%dx%d/tA=%v,tB=%v", useCublas, m, n, k, tr[0], tr[1])
				t.Run(name, func(t *testing.T) {
					lda, ldb, ldc := k+1, n+2, n+3
					if tr[0] {
						lda = m + 1
					}
					if tr[1] {
						ldb = k + 2
					}
					rowsA, rowsB := m, k
					if tr[0] {
						rowsA = k
					}
					if tr[1] {
						rowsB = n
					}
					a, b, c := randoms(rng, rowsA*lda), randoms(rng, rowsB*ldb), randoms(rng, m*ldc)
					want := append([]float32(nil), c...)
					blas.Sgemm(tr[0], tr[1], m, n, k, 0.5, a, lda, b, ldb, -1.5, want, ldc)
					da, db, dc := mustUpload(t, a), mustUpload(t, b), mustUpload(t, c)
					defer da.Release()
					defer db.Release()
					defer dc.Release()
					if err := gemm(useCublas, tr[0], tr[1], m, n, k, float32(0.5), da, lda, db, ldb, float32(-1.5), dc, ldc); err != nil {
						t.Fatal(err)
					}
					got := make([]float32, len(c))
					if err := dc.CopyOutFloat32(got); err != nil {
						t.Fatal(err)
					}
					for i := range got {
						if math.Abs(float64(got[i]-want[i])) > 1e-4*float64(k) {
							t.Fatalf("Sgemm: c[%d] = %g, want %g (CPU blas)", i, got[i], want[i])
						}
					}
				})
			}
		}
	}
}

func randoms(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*rng.Float32() - 1
	}
	return s
}
