package viz_test

import (
	"fmt"
	"time"

	"gotensor/tensor"
	"gotensor/viz"
)

// A graph built by hand: Text is its text/plain twin, SVG and DOT its drawings.
func ExampleGraph_Text() {
	g := &viz.Graph{
		Nodes: []viz.Node{
			{ID: "y", Kind: viz.OutputNode, Label: "y", Detail: "()"},
			{ID: "mul", Kind: viz.OpNode, Label: "MulBackward0"},
			{ID: "x", Kind: viz.LeafNode, Label: "x", Detail: "()\ndata 2\ngrad 4"},
		},
		Edges: []viz.Edge{{From: "mul", To: "y"}, {From: "x", To: "mul"}, {From: "x", To: "mul"}},
	}
	fmt.Print(g.Text())
	// Output:
	// y ()
	// └─ MulBackward0
	//    ├─ x [leaf] (); data 2; grad 4
	//    └─ x [leaf] (); data 2; grad 4
}

// A progress bar in a training loop. In a notebook, leave Sink nil: the bar shows in the cell and updates in
// place. Here a fake clock makes the rates reproducible.
func ExampleProgress() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := viz.NewProgress(viz.ProgressOptions{Total: 50, Description: "train", Sink: viz.Discard,
		Now: func() time.Time { return now }})
	for step := 0; step < 50; step++ {
		now = now.Add(40 * time.Millisecond) // one training step
		p.Add(1)
	}
	p.Close()
	fmt.Println(p)
	// Output:
	// train: 100%|████████████████████| 50/50 [00:02, 25.00 it/s]
}

// A live loss curve; its text summary is what nbconvert keeps.
func ExampleLossCurve() {
	c := viz.NewLossCurve(viz.LossCurveOptions{Sink: viz.Discard})
	for _, loss := range []float64{2.3, 1.2, 0.7, 0.5, 0.45} {
		c.Add(loss)
	}
	c.Close()
	fmt.Println(c)
	// Output:
	// loss: 5 points, first 2.3, last 0.45 (step 4), min 0.45 (step 4)
}

// A tensor's rich display: text/plain is its String, text/html the table view.
func ExampleTensorBundle() {
	x := tensor.New([][]float64{{1, 2}, {3, 4}})
	b := viz.TensorBundle(x)
	fmt.Println(b["text/plain"])
	fmt.Println(len(b["text/html"].(string)) > 0)
	// Output:
	// tensor([[1., 2.],
	//         [3., 4.]])
	// true
}

// Plots return a Figure that displays itself as SVG (or PNG).
func ExampleLinePlot() {
	fig, err := viz.LinePlot([]float64{1, 4, 9, 16}, viz.PlotOptions{Title: "squares"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig, fig.Format)
	// Output:
	// <line plot "squares": 4 points> svg
}
