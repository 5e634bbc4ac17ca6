package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"gotensor/blas"
)

func main() {
	n := flag.Int("n", 1024, "matrix size (n×n times n×n)")
	reps := flag.Int("reps", 15, "timed calls per dtype")
	warmup := flag.Int("warmup", 3, "untimed calls first")
	dtypes := flag.String("dtypes", "f32,f64", "f32, f64 or both")
	flag.Parse()
	if err := run(*n, *reps, *warmup, *dtypes); err != nil {
		fmt.Fprintln(os.Stderr, "matmul:", err)
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

func run(n, reps, warmup int, dtypes string) error {
	rng := rand.New(rand.NewPCG(7, 11))
	a, b := make([]float64, n*n), make([]float64, n*n)
	for i := range a {
		a[i], b[i] = rng.Float64(), rng.Float64()
	}
	enc := json.NewEncoder(os.Stdout)
	for _, dt := range []string{"f32", "f64"} {
		if !slices.Contains(strings.Split(dtypes, ","), dt) {
			continue
		}
		var mul func()
		var at func(i, j int) float64
		switch dt {
		case "f32":
			a32, b32, c32 := f32(a), f32(b), make([]float32, n*n)
			mul = func() { blas.Sgemm(false, false, n, n, n, 1, a32, n, b32, n, 0, c32, n) }
			at = func(i, j int) float64 { return float64(c32[i*n+j]) }
		case "f64":
			c64 := make([]float64, n*n)
			mul = func() { blas.Dgemm(false, false, n, n, n, 1, a, n, b, n, 0, c64, n) }
			at = func(i, j int) float64 { return c64[i*n+j] }
		}
		times := timeCalls(mul, reps, warmup)
		if err := check(n, a, b, at, rng); err != nil {
			return fmt.Errorf("%s: %w", dt, err)
		}
		if err := enc.Encode(record{"matmul", dt, n, blas.Backend(), times}); err != nil {
			return err
		}
	}
	return nil
}

func timeCalls(f func(), reps, warmup int) []float64 {
	for range warmup {
		f()
	}
	times := make([]float64, reps)
	for i := range times {
		start := time.Now()
		f()
		times[i] = float64(time.Since(start).Nanoseconds()) / 1e6
	}
	return times
}

// check compares 16 random entries of the product with a naive float64 sum.
func check(n int, a, b []float64, at func(i, j int) float64, rng *rand.Rand) error {
	for range 16 {
		i, j := rng.IntN(n), rng.IntN(n)
		var want float64
		for p := 0; p < n; p++ {
			want += a[i*n+p] * b[p*n+j]
		}
		if got := at(i, j); math.Abs(got-want) > 1e-4*want {
			return fmt.Errorf("c[%d,%d] = %g, want %g", i, j, got, want)
		}
	}
	return nil
}

func f32(s []float64) []float32 {
	r := make([]float32, len(s))
	for i, v := range s {
		r[i] = float32(v)
	}
	return r
}
