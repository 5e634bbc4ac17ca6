package runtime

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"
)

// interruptAfter runs code, cancels it after delay, and returns how long
// Execute took to return after the cancel.
func interruptAfter(t *testing.T, s *Session, code string, delay time.Duration) (time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	timer := time.AfterFunc(delay, func() { cancelled = time.Now(); cancel() })
	defer timer.Stop()
	_, err := s.Execute(ctx, code, &recorder{})
	return time.Since(cancelled), err
}

func TestInterrupt(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `kept := 42
w := tensor.New([]float64{1, 2, 3})`); err != nil {
		t.Fatalf("setup cell: %v", err)
	}
	tests := []struct{ name, code string }{
		{"busy loop", `for {}`},
		{"loop calling compiled tensor ops", `for { w = w.Mul(w).Sqrt() }`},
		{"time.Sleep", `time.Sleep(time.Hour)`},
		{"blocked channel receive", `<-make(chan int)`},
		{"select with no cases ready", `select { case <-make(chan int): }`},
		{"busy loop in a function", `func spin() { n := 0; for { n++ } }
spin()`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var lats []time.Duration
			for range 5 {
				lat, err := interruptAfter(t, s, tc.code, 50*time.Millisecond)
				var ce *CellError
				if !errors.As(err, &ce) || ce.Name != "Interrupted" {
					t.Fatalf("Execute(%q) after cancel = %v, want Interrupted", tc.code, err)
				}
				lats = append(lats, lat)
			}
			sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
			t.Logf("Execute(%q) returned %v after cancel (median of 5; max %v)", tc.code, lats[2], lats[4])
			if lats[2] > 20*time.Millisecond && !raceEnabled {
				t.Errorf("Execute(%q) returned %v after cancel (median of 5), want ≤ 20ms", tc.code, lats[2])
			}
			res, err, _ := exec(t, s, `kept`)
			if err != nil || res == nil || res.Data["text/plain"] != "42" {
				t.Errorf("after interrupting %q: kept = %v, %v; want 42", tc.code, res, err)
			}
		})
	}
}

func TestInterruptStopsTheCellForReal(t *testing.T) {
	s := newSession(t)
	exec(t, s, `counter := 0`)
	interruptAfter(t, s, `for { counter++ }`, 30*time.Millisecond)
	res1, _, _ := exec(t, s, `counter`)
	time.Sleep(50 * time.Millisecond)
	res2, _, _ := exec(t, s, `counter`)
	if res1 == nil || res2 == nil || res1.Data["text/plain"] != res2.Data["text/plain"] {
		t.Errorf("counter kept changing after the interrupt: %v then %v", res1, res2)
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Execute(ctx, `fmt.Println("never")`, &recorder{})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Name != "Interrupted" {
		t.Errorf("Execute with a cancelled context = %v, want Interrupted", err)
	}
}

// TestInterruptRightAway cancels cells at the moment they start, when the
// run's goroutine may not have begun yet.
func TestInterruptRightAway(t *testing.T) {
	s := newSession(t)
	exec(t, s, `kept := 7`)
	for i := range 20 {
		interruptAfter(t, s, `for {}`, time.Duration(i*20)*time.Microsecond)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		res, err := s.Execute(ctx, `kept`, &recorder{})
		cancel()
		if err != nil || res == nil || res.Data["text/plain"] != "7" {
			t.Fatalf("after an interrupt %dµs in: kept = %v, %v; want 7", i*20, res, err)
		}
	}
}

// TestInterruptDeadlockedCell interrupts a cell blocked for good inside a
// compiled call: the session must stay usable.
func TestInterruptDeadlockedCell(t *testing.T) {
	s := newSession(t)
	exec(t, s, `import "sync"
kept := 5`)
	lat, err := interruptAfter(t, s, `var wg sync.WaitGroup
wg.Add(1)
wg.Wait()`, 50*time.Millisecond)
	var ce *CellError
	if !errors.As(err, &ce) || ce.Name != "Interrupted" || lat > time.Second {
		t.Fatalf("interrupting wg.Wait() = %v after %v, want Interrupted at once", err, lat)
	}
	start := time.Now()
	res, err, rec := exec(t, s, `kept`)
	if err != nil || res == nil || res.Data["text/plain"] != "5" {
		t.Fatalf("after abandoning the blocked cell: kept = %v, %v; want 5", res, err)
	}
	if took := time.Since(start); took > zombieGrace+time.Second {
		t.Errorf("next cell took %v, want about %v", took, zombieGrace)
	}
	if !strings.Contains(rec.stream("stderr"), "abandoned") {
		t.Errorf("next cell stderr = %q, want a note about the abandoned cell", rec.stream("stderr"))
	}
}

// TestInterruptStopsSleepingLoop checks that a loop that sleeps stops at
// the interrupt: once the cell is cancelled its sleeps return at once, and
// before the sleep itself stopped the run, a loop could race through
// dozens of iterations (all 100 under -race) before the goroutine that
// stops it was scheduled.
func TestInterruptStopsSleepingLoop(t *testing.T) {
	s := newSession(t)
	for i := range 4 {
		rec := &recorder{}
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(100*time.Millisecond, cancel)
		_, err := s.Execute(ctx, "for i := 0; i < 100; i++ { fmt.Println(i); time.Sleep(10 * time.Millisecond) }", rec)
		timer.Stop()
		if !errors.As(err, new(*CellError)) || !strings.Contains(err.Error(), "Interrupted") {
			t.Fatalf("run %d: error = %v, want Interrupted", i, err)
		}
		if _, err, _ := exec(t, s, "1"); err != nil { // waits for a run still unwinding
			t.Fatal(err)
		}
		if lines := strings.Count(rec.transcript(), "\n"); lines > 30 {
			t.Errorf("run %d: the interrupted loop printed %d lines, want it stopped near the interrupt (about 10)", i, lines)
		}
	}
}

// TestGoroutineSleepsOnAfterItsCell checks that a goroutine a cell started
// sleeps its full time after the cell has returned (the cell's context is
// cancelled then), and is not stopped as an interrupted run would be.
func TestGoroutineSleepsOnAfterItsCell(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `slept := make(chan time.Duration, 1)
go func() { start := time.Now(); time.Sleep(80 * time.Millisecond); slept <- time.Since(start) }()`); err != nil {
		t.Fatal(err)
	}
	res, err, _ := exec(t, s, `(<-slept) >= 80*time.Millisecond`)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Data["text/plain"]; got != "true" {
		t.Errorf("a goroutine's 80 ms sleep after its cell returned: slept >= 80ms = %v, want true", got)
	}
}

// TestInterruptPanicMethod checks that an Error method that never returns,
// called to print a cell's panic, is stopped by an interrupt like the cell
// itself, and the session goes on.
func TestInterruptPanicMethod(t *testing.T) {
	s := newSession(t)
	if _, err, _ := exec(t, s, `kept := 7
type Stuck struct{ A, B int }
func (Stuck) Error() string { for {} }`); err != nil {
		t.Fatal(err)
	}
	took, err := interruptAfter(t, s, `panic(Stuck{1, 2})`, 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "{1 2}") {
		t.Errorf("panic(Stuck{1, 2}) interrupted while printing: error = %v, want the bare value {1 2}", err)
	}
	if took > 2*time.Second {
		t.Errorf("the interrupt took %v to stop the Error method, want well under 2s", took)
	}
	res, err, _ := exec(t, s, `kept`)
	if err != nil || res.Data["text/plain"] != "7" {
		t.Errorf("kept after the interrupt = %v, %v; want 7", res, err)
	}
}
