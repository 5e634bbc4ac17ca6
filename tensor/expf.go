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
	r := x - nf*0.693359375
	r -= nf * -2.12194440e-4
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

// expRowF32 and sigmoidRowF32 are the float32 rows of Exp and Sigmoid.
func expRowF32(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = expf(src[i])
	}
}

func sigmoidRowF32(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = 1 / (1 + expf(-src[i]))
	}
}
