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
//   - autograd.Graph (in package gotensor/autograd) exports the backward graph behind a tensor and converts it
//     into a Graph; viz itself knows nothing of autograd.
//   - Progress and LossCurve are live training views that publish HTML through a Sink at most ten times a
//     second, and a final text summary when closed. Without a Sink they show in the notebook through a
//     display handle (display_data, then update_display_data). A change the throttle holds back is shown
//     without Close too: as the cell that made it ends (returning or panicking), under that cell, and, with
//     the real clock, by a trailing publication while the cell still runs; never under a later cell. A view
//     still open when its cell ends aborted (the runtime calls display.Scope.Abort for a cell that panicked,
//     failed or was interrupted) is drawn stopped: a red bar saying "stopped at 37/100", a curve marked
//     "(stopped)", until a later change resumes it.
//   - LinePlot, LinePlotXY, ScatterPlot and HeatmapPlot (and their tensor forms) draw data through
//     gonum.org/v1/plot into a Figure holding SVG or PNG. NaN and Inf are left out: a line breaks there.
//
// Every view offers itself to the display package: Graph and Figure through MIMEBundle (an image and its text
// twin), Progress and LossCurve through HTML and String; Rich gives a tensor's bundle (text/plain and
// text/html), which the runtime asks for before display.Bundle.
//
// # Styling
//
// HTML uses inline styles only (no <style> element, no classes, no scripts). Colours follow JupyterLab's CSS
// variables, each written after a plain fallback that JupyterLab's sanitizer keeps in untrusted notebooks and
// that suits the classic Notebook; heatmap backgrounds are translucent tints over the theme's own background,
// so dark themes stay readable. SVG goes out as image/svg+xml, or inside an <img>, never inline in HTML, which
// the sanitizer would strip.
//
// # Concurrency
//
// Renderers are pure functions of their input and safe for concurrent use. Progress and LossCurve are safe for
// use from several goroutines; their Sink is called with their lock released, one call at a time per view.
package viz
