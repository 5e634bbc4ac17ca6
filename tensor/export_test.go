package tensor

import "time"

// SetWarnClock makes the non-leaf Grad warning read the time from now, for tests; restore puts
// the real clock back.
func SetWarnClock(now func() time.Time) (restore func()) {
	warned.Lock()
	defer warned.Unlock()
	warned.now = now
	return func() {
		warned.Lock()
		warned.now = nil
		warned.Unlock()
	}
}
