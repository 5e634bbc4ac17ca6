//go:build !linux

package runtime

import (
	"errors"
	"os"
)

// fdCapture is not implemented off Linux: New fails unless
// Options.NoFDCapture is set.
type fdCapture struct{ realErr *os.File }

func acquireCapture() (*fdCapture, error) {
	return nil, errors.New("file-descriptor capture needs Linux; set Options.NoFDCapture")
}
func releaseCapture(*fdCapture)        {}
func (c *fdCapture) setSink(*streamer) {}
func (c *fdCapture) flush()            {}
func (c *fdCapture) flushPending()     {}
