package gpu

import "testing"

// BenchmarkAddF32 reports the bandwidth of out = a + b on 2^26 float32 (3 × 256 MiB moved per
// call); it skips where there is no GPU.
func BenchmarkAddF32(b *testing.B) {
	needGPU(b)
	const n = 1 << 26
	var bufs [3]*Buffer
	for i := range bufs {
		var err error
		if bufs[i], err = Alloc(0, 4*n); err != nil {
			b.Fatal(err)
		}
		defer bufs[i].Release()
	}
	if err := AddF32(bufs[2], bufs[0], bufs[1], n); err != nil { // load the module
		b.Fatal(err)
	}
	if err := Synchronize(0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := AddF32(bufs[2], bufs[0], bufs[1], n); err != nil {
			b.Fatal(err)
		}
	}
	if err := Synchronize(0); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(3*4*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}
