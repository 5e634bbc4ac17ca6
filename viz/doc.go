// Package viz renders tensors, computation graphs and training progress as self-contained HTML and SVG.
//
// Everything here is pure Go: no JavaScript runs in the browser and no external binary (Graphviz, a headless
// browser) is needed. Each rich view has a text twin for nbconvert, consoles and untrusted notebooks.
//
// # Views
//
//   - TensorInfoHTML (and TensorHTML for a *tensor.Tensor) renders a tensor as an HTML table: a header, a stats
//     line, an edge-truncated grid with heatmap backgrounds and collapsible slices for more than two dims.
//   - Graph is a plain computation-graph type (nodes of kind op, leaf, saved or output, and edges); its SVG, Text
//     and DOT methods render it as a torchviz-style layered drawing, an indented op tree and Graphviz source.
//   - Progress and LossCurve are live training views that publish HTML through a Sink at most ten times a
//     second, and a final text summary when closed.
//   - LinePlot, ScatterPlot and HeatmapPlot draw []float64 data through gonum.org/v1/plot as SVG or PNG.
//
// # Styling
//
// HTML uses inline styles only (no <style> element, no classes), so it survives notebook sanitizers, and colours
// refer to JupyterLab's CSS variables with fallbacks for the classic Notebook, so dark themes stay readable.
// Heatmap backgrounds are translucent tints over the theme's own background for the same reason.
//
// # Concurrency
//
// Renderers are pure functions of their input and safe for concurrent use. Progress and LossCurve are safe for
// use from several goroutines; their Sink is called with their lock released, one call at a time per view.
package viz
