package tensor

import "math"

// expf is e^x in float32 arithmetic: Cephes' expf (range reduction by ln 2 split in two parts,
// a degree-5 minimax polynomial, scaling by 2^n), within 2 ulp of the correctly rounded value.
// Hand-written because math.Exp works in float64 and costs several times more per element,
// which dominated Exp, Sigmoid and Softmax on float32 tensors.
func expf(x float32) float32 {
	switch {
	case x != x:
		return x
	case x > 88.72283935546875:
		return float32(math.Inf(1))
	case x < -103.97208404541016:
		return 0
	}
	fn := x * 1.44269504088896341
	var n int32
	if fn >= 0 {
		n = int32(fn + 0.5)
	} else {
		n = int32(fn - 0.5)
	}
	nf := float32(n)
	r := x - nf*0.693359375 + nf*2.12194440e-4
	z := r * r
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	y := p*z + r + 1
	if n < -126 {
		y *= 1.0 / (1 << 24)
		n += 24
	}
	if n > 127 {
		y *= 2
		n--
	}
	return y * math.Float32frombits(uint32(n+127)<<23)
}

// expfFast is expf without the range checks, for x in [expfLo, expfHi], where 2^n needs no
// special scaling. Rounding x·log2(e) to the nearest integer uses the 1.5·2^23 trick (the sum
// rounds in float32), which keeps the loop free of branches and float-to-int conversions the
// compiler would otherwise call out for. It is small enough to inline into the row loops.
func expfFast(x float32) float32 {
	t := x*1.44269504088896341 + 12582912
	nf := t - 12582912
	r := x - nf*0.693359375 + nf*2.12194440e-4
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	return (p*(r*r) + r + 1) * math.Float32frombits((math.Float32bits(t)-(0x4B400000-127))<<23)
}

// The range of expfFast: n = round(x·log2 e) stays in [-126, 127].
const (
	expfLo = -87
	expfHi = 88
)

// expRowF32, sigmoidRowF32 and tanhRowF32 are the float32 rows of Exp, Sigmoid and Tanh: one
// tight loop each, with the rare out-of-range elements (and NaN) sent to the careful expf.
func expRowF32(dst, src []float32) { vecRowF32(dst, src, modeExp) }

func sigmoidRowF32(dst, src []float32) { vecRowF32(dst, src, modeSigmoid) }

// Modes of vecRowF32 and expBlocks.
const (
	modeExp     = 0
	modeSigmoid = 1
)

// vecRowF32 runs the vector kernel where the CPU has one, over blocks of eight, and the scalar
// loop over blocks the vector kernel hands back (an element outside expfFast's range) and the
// tail.
func vecRowF32(dst, src []float32, mode int) {
	src = src[:len(dst)]
	for hasVecExp && len(dst) >= 8 {
		k := expBlocks(dst, src, mode)
		dst, src = dst[k:], src[k:]
		if len(dst) >= 8 {
			scalarRowF32(dst[:8], src[:8], mode)
			dst, src = dst[8:], src[8:]
		}
	}
	scalarRowF32(dst, src, mode)
}

func scalarRowF32(dst, src []float32, mode int) {
	src = src[:len(dst)]
	if mode == modeSigmoid {
		for i, x := range src {
			if x >= -expfHi && x <= -expfLo {
				dst[i] = 1 / (1 + expfFast(-x))
			} else {
				dst[i] = 1 / (1 + expf(-x))
			}
		}
		return
	}
	for i, x := range src {
		if x >= expfLo && x <= expfHi {
			dst[i] = expfFast(x)
		} else {
			dst[i] = expf(x)
		}
	}
}

// tanhRowF32 follows Cephes' tanhf: an odd polynomial below 0.625, where 1 - 2/(e^2x + 1) would
// cancel, else that formula; beyond 9 the float32 result is ±1.
func tanhRowF32(dst, src []float32) {
	src = src[:len(dst)]
	for hasVecExp && len(dst) >= 8 {
		k := tanhBlocks(dst, src)
		dst, src = dst[k:], src[k:]
		if len(dst) >= 8 {
			tanhScalarF32(dst[:8], src[:8])
			dst, src = dst[8:], src[8:]
		}
	}
	tanhScalarF32(dst, src)
}

func tanhScalarF32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		a := math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
		var y float32
		switch {
		case a < 0.625:
			z := x * x
			y = ((((-5.70498872745e-3*z+2.06390887954e-2)*z-5.37397155531e-2)*z+1.33314422036e-1)*z-3.33332819422e-1)*z*x + x
		case a <= 9:
			y = 1 - 2/(expfFast(2*a)+1)
			if x < 0 {
				y = -y
			}
		case a == a:
			y = 1
			if x < 0 {
				y = -1
			}
		default:
			y = x // NaN
		}
		dst[i] = y
	}
}
