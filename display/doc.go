// Package display shows rich output (HTML, SVG, Markdown, PNG images, JSON,
// plain text) from notebook cells, and lets a cell update or clear what it
// showed.
//
// In a gotensor notebook the package is pre-imported: a cell calls
// display.HTML("<b>hi</b>") and the front end renders it at once, in order
// with the cell's printed output. A value shows richly when it implements one
// of the small renderer interfaces below (HTMLer, SVGer, Markdowner, PNGer,
// JSONer, MIMEBundler) or image.Image; types defined inside a cell can
// implement them too, and so can library types such as *tensor.Tensor.
// Bundle collects every representation a value offers into a MIME bundle,
// the map a Jupyter display_data or execute_result message carries.
//
// Output goes to the Publisher installed with SetPublisher, which the
// gotensor runtime sets while a cell runs. With no publisher installed (a Go
// program using the package outside a notebook) display calls write the
// text/plain form to standard output, so nothing is lost.
//
// Each SetPublisher call ends one Scope (in a notebook, one cell's run) and
// begins the next. Code that publishes later on its own, such as a throttled
// live view in gotensor/viz, uses the Scope: AtEnd to show what it held back
// before the cell ends, Do to publish from a timer only while its cell runs.
// The runtime calls Abort on a cell's scope when the cell panics, fails or is
// interrupted; an AtEnd function asks Aborted to draw its view as stopped.
//
// Concurrency: every function may be called from any goroutine; the
// publisher is swapped atomically.
package display
