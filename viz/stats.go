package viz

import "math"

// Stats summarises a tensor's values for the stats line of its HTML view.
// Min, Max, Mean and Std are taken over the finite values only, so one NaN does not hide the rest;
// NaN and Inf count what was left out. Std is the sample standard deviation (divisor n-1), as torch.std.
type Stats struct {
	Count     int // number of values summarised, finite or not
	Min, Max  float64
	Mean, Std float64
	NaN, Inf  int
}

// finite reports how many of the summarised values were finite.
func (s Stats) finite() int { return s.Count - s.NaN - s.Inf }

// ComputeStats summarises values in one pass (Welford's update, stable for large means).
func ComputeStats(values []float64) Stats {
	s := Stats{Count: len(values), Min: math.NaN(), Max: math.NaN(), Mean: math.NaN(), Std: math.NaN()}
	var n, mean, m2 float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		switch {
		case v != v:
			s.NaN++
			continue
		case math.IsInf(v, 0):
			s.Inf++
			continue
		}
		n++
		d := v - mean
		mean += d / n
		m2 += d * (v - mean)
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	if n == 0 {
		return s
	}
	s.Min, s.Max, s.Mean = lo, hi, mean
	if n > 1 {
		s.Std = math.Sqrt(m2 / (n - 1))
	}
	return s
}
