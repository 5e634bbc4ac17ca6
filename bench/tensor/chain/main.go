package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"gotensor/tensor"
)

func main() {
	n := flag.Int("n", 10_000_000, "elements per tensor")
	reps := flag.Int("reps", 15, "timed evaluations")
	warmup := flag.Int("warmup", 3, "untimed evaluations first")
	flag.Parse()
	if err := run(*n, *reps, *warmup); err != nil {
		fmt.Fprintln(os.Stderr, "chain:", err)
		os.Exit(1)
	}
}

func run(n, reps, warmup int) error {
	tensor.Seed(1)
	a, b, c := tensor.Rand(n), tensor.Rand(n), tensor.Rand(n)
	if a.DType() != tensor.Float32 {
		return fmt.Errorf("tensor.Rand made %v, want float32", a.DType())
	}
	var r *tensor.Tensor
	for range warmup {
		r = a.Mul(b).Add(c)
	}
	times := make([]float64, reps)
	for i := range times {
		start := time.Now()
		r = a.Mul(b).Add(c)
		times[i] = float64(time.Since(start).Nanoseconds()) / 1e6
	}
	av, bv, cv, rv := a.Float32s(), b.Float32s(), c.Float32s(), r.Float32s()
	for i := 0; i < n; i += max(1, n/1000) {
		if want := float32(av[i]*bv[i]) + cv[i]; rv[i] != want { // the conversion forbids a fused multiply-add
			return fmt.Errorf("a.Mul(b).Add(c)[%d] = %g, want %g", i, rv[i], want)
		}
	}
	return json.NewEncoder(os.Stdout).Encode(struct {
		Op      string    `json:"op"`
		DType   string    `json:"dtype"`
		N       int       `json:"n"`
		TimesMS []float64 `json:"times_ms"`
	}{"mul_add", "f32", n, times})
}
