package blas

import "testing"

func BenchmarkPackA(b *testing.B) {
	const m, k = 240, 256
	a := make([]float32, 1024*1024)
	dst := make([]float32, m*k)
	for _, tr := range []bool{false, true} {
		name := "N"
		if tr {
			name = "T"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				packA(dst, 12, a, 1024, tr, 0, m, 0, k)
			}
			b.ReportMetric(float64(m*k*4*b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}

func BenchmarkPackB(b *testing.B) {
	const k, n = 256, 1024
	a := make([]float32, 1024*1024)
	dst := make([]float32, n*k)
	for _, tr := range []bool{false, true} {
		name := "N"
		if tr {
			name = "T"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				packB(dst, 32, a, 1024, tr, 0, k, 0, n)
			}
			b.ReportMetric(float64(n*k*4*b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}
