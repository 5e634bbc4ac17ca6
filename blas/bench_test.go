package blas

import (
	"fmt"
	"testing"
)

// BenchmarkSgemm and BenchmarkDgemm multiply square matrices with each backend and report
// GFLOP/s (2n³ floating-point operations per multiplication).
func BenchmarkSgemm(b *testing.B) {
	for _, be := range backends(b) {
		for _, n := range []int{4, 16, 64, 256, 1024} {
			b.Run(fmt.Sprintf("%s/%d", be.name, n), func(b *testing.B) {
				x, c := make([]float32, n*n), make([]float32, n*n)
				for i := range x {
					x[i] = float32(i%13) / 13
				}
				b.ResetTimer()
				for b.Loop() {
					be.impl.sgemm(false, false, n, n, n, 1, x, n, x, n, 0, c, n)
				}
				reportGFLOPS(b, n)
			})
		}
	}
}

func BenchmarkDgemm(b *testing.B) {
	for _, be := range backends(b) {
		for _, n := range []int{4, 16, 64, 256, 1024} {
			b.Run(fmt.Sprintf("%s/%d", be.name, n), func(b *testing.B) {
				x, c := make([]float64, n*n), make([]float64, n*n)
				for i := range x {
					x[i] = float64(i%13) / 13
				}
				b.ResetTimer()
				for b.Loop() {
					be.impl.dgemm(false, false, n, n, n, 1, x, n, x, n, 0, c, n)
				}
				reportGFLOPS(b, n)
			})
		}
	}
}

func reportGFLOPS(b *testing.B, n int) {
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemmSmall times the small products of a notebook MLP (batch 64, layers of 10 and
// 32), where call overhead, not arithmetic, decides.
func BenchmarkSgemmSmall(b *testing.B) {
	for _, be := range backends(b) {
		for _, s := range [][3]int{{2, 2, 2}, {8, 8, 8}, {64, 32, 10}, {64, 10, 32}, {32, 10, 64}} {
			m, n, k := s[0], s[1], s[2]
			b.Run(fmt.Sprintf("%s/%dx%dx%d", be.name, m, n, k), func(b *testing.B) {
				x, y, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
				for b.Loop() {
					be.impl.sgemm(false, false, m, n, k, 1, x, k, y, n, 0, c, n)
				}
			})
		}
	}
}
