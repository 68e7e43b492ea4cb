package provider

import (
	"fmt"
	"io"
	"log"
	"sync"
	"sync/atomic"
)

// Libraries the provider links (credentials-go, the SDK core, the plugin stack) may write to Go's
// standard logger, whose output reaches Terraform's log through the plugin's stderr. What they
// write cannot be known to be free of credential material (a file they failed to parse, an answer
// they quote), so it is dropped: each line is replaced by one notice that says how much was dropped.
var stdLogOnce sync.Once

func captureStandardLog() {
	stdLogOnce.Do(func() {
		log.SetOutput(&droppingWriter{out: log.Writer()})
	})
}

type droppingWriter struct {
	out     io.Writer
	dropped atomic.Int64
}

func (w *droppingWriter) Write(p []byte) (int, error) {
	n := w.dropped.Add(1)
	// The notice names no content; the level prefix lets Terraform file it under WARN.
	_, _ = fmt.Fprintf(w.out, "[WARN] terraform-provider-vod: dropped a line of %d bytes that a library wrote to Go's standard logger "+
		"(it may hold credential material); %d dropped so far\n", len(p), n)
	return len(p), nil
}
