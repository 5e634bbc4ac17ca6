package display_test

import (
	"fmt"

	"gotensor/display"
)

type Score struct{ Points int }

// HTML makes a Score render as HTML in a notebook.
func (s Score) HTML() string { return fmt.Sprintf("<b>%d points</b>", s.Points) }

// A value shows richly when it implements a renderer interface; Bundle
// collects what a notebook front end receives.
func ExampleBundle() {
	b := display.Bundle(Score{3})
	fmt.Println(b["text/html"])
	fmt.Println(b["text/plain"])
	// Output:
	// <b>3 points</b>
	// {3}
}

// Outside a notebook (no publisher installed) display calls print their
// text/plain form to standard output.
func ExampleHTML() {
	display.HTML("<i>hello</i>")
	display.Markdown("# Title")
	// Output:
	// <i>hello</i>
	// # Title
}

// A handle shows an output once and replaces it later, e.g. a progress line.
func ExampleHandle() {
	h := display.NewHandle()
	for epoch := 1; epoch <= 3; epoch++ {
		h.Update(fmt.Sprintf("epoch %d/3", epoch))
	}
	// Output:
	// epoch 1/3
	// epoch 2/3
	// epoch 3/3
}
