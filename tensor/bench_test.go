package tensor_test

import (
	"testing"

	"gotensor/tensor"
)

// BenchmarkMulAdd1e7F32 is the elementwise target: a.Mul(b).Add(c) on 1e7 float32
// (≤ 10 ms on the 2-core reference machine; torch's eager version takes about 34 ms there).
func BenchmarkMulAdd1e7F32(b *testing.B) {
	const n = 10_000_000
	x, y, z := tensor.Rand(n), tensor.Rand(n), tensor.Rand(n)
	b.SetBytes(5 * 4 * n) // two reads and one write, then one more read and a write
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Mul(y).Add(z)
	}
}

func BenchmarkAddScalar1e7F32(b *testing.B) {
	x := tensor.Rand(10_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Add(1)
	}
}

func BenchmarkExp1e6F32(b *testing.B) {
	x := tensor.Rand(1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Exp()
	}
}

// BenchmarkSigmoid1e6F32 and BenchmarkTanh1e6F32 share Exp's float32 kernel; inputs span
// [-4, 4) so both branches of Tanh's row loop run.
func BenchmarkSigmoid1e6F32(b *testing.B) {
	x := tensor.Rand(1_000_000).Mul(8).Sub(4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Sigmoid()
	}
}

func BenchmarkTanh1e6F32(b *testing.B) {
	x := tensor.Rand(1_000_000).Mul(8).Sub(4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Tanh()
	}
}

func BenchmarkAddBroadcast1000x1000(b *testing.B) {
	x, y := tensor.Rand(1000, 1000), tensor.Rand(1000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Add(y)
	}
}

func BenchmarkSum1e7F32(b *testing.B) {
	x := tensor.Rand(10_000_000)
	b.SetBytes(4 * 10_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Sum()
	}
}

func BenchmarkSumDim1000x1000(b *testing.B) {
	x := tensor.Rand(1000, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.SumDim(1, false)
	}
}

func BenchmarkSumDim0Of1000x1000(b *testing.B) {
	x := tensor.Rand(1000, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.SumDim(0, false)
	}
}

func BenchmarkMaxDim1000x1000(b *testing.B) {
	x := tensor.Rand(1000, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.MaxDim(1, false)
	}
}

func BenchmarkSoftmax256x1000(b *testing.B) {
	x := tensor.Rand(256, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Softmax(1)
	}
}

func BenchmarkMatmul1024F32(b *testing.B) {
	x, y := tensor.Rand(1024, 1024), tensor.Rand(1024, 1024)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Matmul(y)
	}
	b.ReportMetric(2*1024*1024*1024*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkOpChainBackward measures autograd overhead per op: 1,000 one-element ops, then backward.
func BenchmarkOpChainBackward(b *testing.B) {
	for i := 0; i < b.N; i++ {
		x := tensor.New(1.0, tensor.RequiresGrad())
		y := x
		for j := 0; j < 1000; j++ {
			y = y.Mul(1.0001)
		}
		y.Backward()
	}
}

// BenchmarkMLPStep is issue 5's training step on tensor alone: a 784-256-10 MLP, batch 256,
// f32, forward + cross-entropy + backward + SGD update.
func BenchmarkMLPStep(b *testing.B) {
	tensor.Seed(1)
	x := tensor.Randn(256, 784)
	labels := make([]int, 256)
	for i := range labels {
		labels[i] = i % 10
	}
	y := tensor.New(labels)
	w1 := tensor.Randn(784, 256).Mul(0.05).SetRequiresGrad(true)
	b1 := tensor.Zeros(256, tensor.RequiresGrad())
	w2 := tensor.Randn(256, 10).Mul(0.05).SetRequiresGrad(true)
	b2 := tensor.Zeros(10, tensor.RequiresGrad())
	params := []*tensor.Tensor{w1, b1, w2, b2}
	b.Logf("BLAS backend: %s", tensor.Backend())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := x.Matmul(w1).Add(b1).ReLU()
		logp := h.Matmul(w2).Add(b2).LogSoftmax(1)
		loss := logp.Gather(1, y.Unsqueeze(1)).Mean().Neg()
		loss.Backward()
		prev := tensor.SetGradEnabled(false)
		for _, p := range params {
			p.Sub_(p.Grad().Mul(0.01))
			p.ZeroGrad()
		}
		tensor.SetGradEnabled(prev)
	}
}

// BenchmarkSGDUpdate compares the two spellings of p -= lr·g on the first layer of the
// 784-256-10 MLP (200,704 float32 parameters): a temporary for lr·g, or the fused AddScaled_.
func BenchmarkSGDUpdate(b *testing.B) {
	p, g := tensor.Randn(256, 784), tensor.Randn(256, 784)
	b.Run("Sub_(g.Mul(lr))", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p.Sub_(g.Mul(1e-6))
		}
	})
	b.Run("AddScaled_(g,-lr)", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p.AddScaled_(g, -1e-6)
		}
	})
}
