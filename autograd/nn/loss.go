package nn

import (
	"fmt"
	"slices"

	"gotensor/tensor"
)

// MSELoss returns the mean of (pred - target)² over all elements (PyTorch's nn.MSELoss() with
// reduction "mean"). The shapes must match: where PyTorch only warns and broadcasts, which
// silently computes a different loss, this panics with a shape error.
func MSELoss(pred, target *tensor.Tensor) *tensor.Tensor {
	if !slices.Equal(pred.Shape(), target.Shape()) {
		fail(tensor.ErrShape, "mse_loss", "mse_loss: target size (%v) must be the same as input size (%v)", target.Shape(), pred.Shape())
	}
	return pred.Sub(target).Pow(2).Mean()
}

// CrossEntropyLoss returns the mean negative log-likelihood of the target classes under
// softmax(logits) (PyTorch's nn.CrossEntropyLoss() with reduction "mean"). logits has shape
// (N, C) and target holds N integer class indices in [0, C); an unbatched (C) logits takes a
// 0-dim target. A floating target of logits' shape is read as class probabilities.
func CrossEntropyLoss(logits, target *tensor.Tensor) *tensor.Tensor {
	if logits.Dim() == 1 {
		return CrossEntropyLoss(logits.Unsqueeze(0), target.Unsqueeze(0))
	}
	if logits.Dim() != 2 {
		fail(tensor.ErrShape, "cross_entropy", "cross_entropy: logits must have shape (N, C) or (C), got %v", logits.Shape())
	}
	lsm := logits.LogSoftmax(1)
	if target.DType().IsFloat() {
		if !slices.Equal(target.Shape(), logits.Shape()) {
			fail(tensor.ErrShape, "cross_entropy", "cross_entropy: class-probability target of shape %v must match logits %v", target.Shape(), logits.Shape())
		}
		return lsm.Mul(target).SumDim(1, false).Mean().Neg()
	}
	n, c := logits.Shape()[0], logits.Shape()[1]
	if !target.DType().IsInt() {
		fail(tensor.ErrDType, "cross_entropy", "cross_entropy: expected class indices of an integer dtype (int64), got %v", target.DType())
	}
	if target.Dim() != 1 || target.Shape()[0] != n {
		fail(tensor.ErrShape, "cross_entropy", "Expected input batch_size (%d) to match target batch_size (%d).", n, target.Numel())
	}
	for _, k := range target.Int64s() {
		if k < 0 || k >= int64(c) {
			fail(tensor.ErrIndex, "cross_entropy", "Target %d is out of bounds.", k)
		}
	}
	// A one-hot mask picks each row's target log-probability: composite ops, so the backward
	// rules of Mul, Sum and LogSoftmax give the gradient softmax - onehot.
	onehot := target.Unsqueeze(1).Eq(tensor.Arange(c, tensor.WithDevice(target.Device().String()))).ToDType(logits.DType())
	return lsm.Mul(onehot).Sum().Div(float64(n)).Neg()
}

func fail(k tensor.Kind, op, format string, args ...any) {
	panic(&tensor.Error{Kind: k, Op: op, Msg: fmt.Sprintf(format, args...)})
}
