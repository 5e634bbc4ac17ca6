//go:build race

package runtime

// raceEnabled is true under the race detector, which slows the interpreter
// five- to tenfold: the latency and coalescing requirements are asserted on
// the normal build (the one users run) and only logged under -race.
const raceEnabled = true
