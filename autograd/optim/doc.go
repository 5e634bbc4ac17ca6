// Package optim holds the optimizers that update a model's parameters from their gradients:
// SGD (with momentum, dampening, Nesterov and weight decay) and Adam, with PyTorch 1.13's
// update rules and defaults.
//
// A training step reads as in PyTorch:
//
//	opt.ZeroGrad()
//	loss := nn.CrossEntropyLoss(model.Forward(x), y)
//	loss.Backward()
//	opt.Step()
//
// Step writes the parameters in place through detached views (tensor.Detach), so the update
// is never recorded in a graph, yet bumps the parameters' version counters as PyTorch's
// no-grad update does: a backward through a graph that saved the old values fails clearly.
// Step does not switch the process-wide grad mode, so it is safe while other goroutines build
// graphs. An optimizer is not safe for concurrent use by several goroutines.
package optim
