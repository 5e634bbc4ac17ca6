package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"gotensor/gpu"
)

func main() {
	reps := flag.Int("reps", 10, "timed calls per item")
	warmup := flag.Int("warmup", 2, "untimed calls first")
	n := flag.Int("n", 8192, "GEMM size")
	flag.Parse()
	enc := json.NewEncoder(os.Stdout)
	if !gpu.Available() {
		if err := enc.Encode(map[string]string{"op": "unavailable", "reason": gpu.Err().Error()}); err != nil {
			os.Exit(1)
		}
		return
	}
	if err := run(enc, *n, *reps, *warmup); err != nil {
		fmt.Fprintln(os.Stderr, "gpu:", err)
		os.Exit(1)
	}
}

type record struct {
	Op      string    `json:"op"`
	DType   string    `json:"dtype"`
	N       int       `json:"n"`
	Backend string    `json:"backend"`
	TimesMS []float64 `json:"times_ms"`
}

func run(enc *json.Encoder, n, reps, warmup int) error {
	// GEMM: a has rows of i+1 (i.e. constant per row), b is all ones, so c[i][j] = n·(i%7+1).
	host := make([]float32, n*n)
	for i := range host {
		host[i] = float32(i/n%7 + 1)
	}
	a, err := upload(host)
	if err != nil {
		return err
	}
	defer a.Release()
	for i := range host {
		host[i] = 1
	}
	b, err := upload(host)
	if err != nil {
		return err
	}
	defer b.Release()
	c, err := gpu.Alloc(0, 4*int64(n*n))
	if err != nil {
		return err
	}
	defer c.Release()
	times, err := timed(reps, warmup, func() error {
		return gpu.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
	})
	if err != nil {
		return err
	}
	if err := c.CopyOutFloat32(host); err != nil {
		return err
	}
	for _, i := range []int{0, n*n/2 + 3, n*n - 1} {
		if want := float32(n * (i/n%7 + 1)); host[i] != want {
			return fmt.Errorf("Sgemm: c[%d] = %g, want %g", i, host[i], want)
		}
	}
	if err := enc.Encode(record{"gpu_matmul", "f32", n, gpu.GemmBackend(), times}); err != nil {
		return err
	}

	const m = 1 << 26
	x := make([]float32, m)
	for i := range x {
		x[i] = float32(i % 1000)
	}
	bufs := make([]*gpu.Buffer, 3)
	for i := range bufs {
		if bufs[i], err = upload(x); err != nil {
			return err
		}
		defer bufs[i].Release()
	}
	times, err = timed(reps, warmup, func() error { return gpu.AddF32(bufs[2], bufs[0], bufs[1], m) })
	if err != nil {
		return err
	}
	if err := bufs[2].CopyOutFloat32(x); err != nil {
		return err
	}
	for _, i := range []int{0, 12345, m - 1} {
		if want := float32(2 * (i % 1000)); math.Abs(float64(x[i]-want)) > 0 {
			return fmt.Errorf("AddF32: out[%d] = %g, want %g", i, x[i], want)
		}
	}
	return enc.Encode(record{"gpu_add", "f32", m, "PTX add_f32", times})
}

func upload(v []float32) (*gpu.Buffer, error) {
	buf, err := gpu.Alloc(0, 4*int64(len(v)))
	if err != nil {
		return nil, err
	}
	if err := buf.CopyInFloat32(v); err != nil {
		buf.Release()
		return nil, err
	}
	return buf, nil
}

// timed runs f warmup times, then reps times, each followed by gpu.Synchronize.
func timed(reps, warmup int, f func() error) ([]float64, error) {
	var times []float64
	for i := 0; i < warmup+reps; i++ {
		start := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		if err := gpu.Synchronize(0); err != nil {
			return nil, err
		}
		if i >= warmup {
			times = append(times, float64(time.Since(start).Nanoseconds())/1e6)
		}
	}
	return times, nil
}
