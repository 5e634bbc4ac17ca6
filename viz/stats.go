package viz

import "math"

// Stats summarises a tensor's values for the stats line of its HTML view.
//
// Min and Max are over every value but NaN, so ±Inf count as torch.min and torch.max count them, while one NaN
// does not hide the rest. Mean and Std are over the finite values only when FiniteMean is set (as ComputeStats
// computes them; the stats line then says "finite mean"), else over all values, where NaN and ±Inf propagate as
// in torch.mean. NaN and Inf count the values of each kind. Std is the sample standard deviation (divisor n-1),
// as torch.std.
type Stats struct {
	Count      int // number of values summarised, finite or not
	Min, Max   float64
	Mean, Std  float64
	NaN, Inf   int
	FiniteMean bool // Mean and Std leave NaN and ±Inf out
}

// finite reports how many of the summarised values were finite.
func (s Stats) finite() int { return s.Count - s.NaN - s.Inf }

// ComputeStats summarises values in one pass (Welford's update, stable for large means). Min and Max include
// ±Inf; Mean and Std are over the finite values (FiniteMean is set). With no value but NaN, Min and Max are NaN;
// with no finite value, Mean and Std are.
func ComputeStats(values []float64) Stats {
	s := Stats{Count: len(values), Min: math.NaN(), Max: math.NaN(), Mean: math.NaN(), Std: math.NaN(), FiniteMean: true}
	var n, mean, m2 float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v != v {
			s.NaN++
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
		if math.IsInf(v, 0) {
			s.Inf++
			continue
		}
		n++
		d := v - mean
		mean += d / n
		m2 += d * (v - mean)
	}
	if s.NaN < s.Count {
		s.Min, s.Max = lo, hi
	}
	if n == 0 {
		return s
	}
	s.Mean = mean
	if n > 1 {
		s.Std = math.Sqrt(m2 / (n - 1))
	}
	return s
}

// finiteRange returns the least and greatest finite values, and how many values are finite; lo and hi are NaN
// when none is.
func finiteRange(values []float64) (lo, hi float64, n int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if isFinite(v) {
			lo, hi = min(lo, v), max(hi, v)
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	return lo, hi, n
}
