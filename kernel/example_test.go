package kernel_test

import (
	"context"
	"fmt"
	"log"

	"gotensor/kernel"
)

// echo is the smallest Evaluator: it prints each cell back.
type echo struct{}

func (echo) Execute(ctx context.Context, code string, out kernel.Output) (*kernel.Result, error) {
	out.Stream("stdout", code+"\n")
	return nil, nil
}

// A kernel is a connection file, an evaluator and options; Run serves until
// a client asks it to shut down.
func ExampleNew() {
	ci, err := kernel.ReadConnectionFile("kernel-1234.json") // written by Jupyter
	if err != nil {
		log.Fatal(err)
	}
	k, err := kernel.New(ci, echo{}, kernel.Options{
		LanguageInfo: kernel.LanguageInfo{Name: "echo", MIMEType: "text/plain", FileExtension: ".txt"},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := k.Run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// Messages are signed with HMAC-SHA256 over header, parent header, metadata
// and content, as Python's hmac module computes it.
func ExampleSigner() {
	s, err := kernel.NewSigner("hmac-sha256", "secret")
	if err != nil {
		log.Fatal(err)
	}
	h, p, m, c := []byte(`{"msg_type":"x"}`), []byte("{}"), []byte("{}"), []byte(`{"a":1}`)
	sig := s.Sign(h, p, m, c)
	fmt.Println(sig)
	fmt.Println(s.Verify([]byte(sig), h, p, m, c), s.Verify([]byte(sig), h, p, m, []byte(`{"a":2}`)))
	// Output:
	// 32972b1815408d08f4296c6fe7ec76ca2b7e7a96abe4a2babcb557017d696574
	// true false
}
