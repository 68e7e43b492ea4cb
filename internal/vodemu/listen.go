package vodemu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is an emulator serving on a real TCP listener.
type Running struct {
	URL  string // http://127.0.0.1:PORT
	Addr string // 127.0.0.1:PORT: an SDK's Endpoint, an STS endpoint, or a proxy's host:port
	// TLSURL is https://127.0.0.1:PORT when Options.CA is set (the same
	// port as URL), else empty.
	TLSURL string
	Server *Server

	http *http.Server
	done chan struct{}

	mu    sync.Mutex
	conns map[net.Conn]http.ConnState
}

// Start serves a new emulator on 127.0.0.1 at a free port.
func Start(opts Options) (*Running, error) {
	return StartOn("127.0.0.1:0", opts)
}

// StartOn serves a new emulator on addr ("host:port"; port 0 picks one).
// With Options.CA it serves TLS and plain HTTP on that one port, and CONNECT
// tunnels to *.aliyuncs.com:443.
func StartOn(addr string, opts Options) (*Running, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("vodemu: listen on %s: %w", addr, err)
	}
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		_ = ln.Close() // the listener is unusable here; the error below says why
		return nil, fmt.Errorf("vodemu: listen on %s: %s is not a TCP address", addr, ln.Addr())
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() { // listening everywhere: loopback reaches it
		host = "127.0.0.1"
	}
	serve := ln
	if opts.CA != nil {
		m := newMuxListener(ln, opts.CA.serverConfig("127.0.0.1"))
		s.tunnel = m.push // before serving: read without a lock
		serve = m
	}
	r := &Running{
		Addr:   net.JoinHostPort(host, fmt.Sprint(tcp.Port)),
		Server: s,
		http: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          errorLog(opts.Logger),
		},
		done:  make(chan struct{}),
		conns: map[net.Conn]http.ConnState{},
	}
	r.http.ConnState = r.track
	r.URL = "http://" + r.Addr
	if opts.CA != nil {
		r.TLSURL = "https://" + r.Addr
	}
	go func() {
		defer close(r.done)
		if err := r.http.Serve(serve); err != nil && !errors.Is(err, http.ErrServerClosed) && opts.Logger != nil {
			opts.Logger.Printf("serve: %v", err)
		}
	}()
	return r, nil
}

func (r *Running) track(c net.Conn, st http.ConnState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st == http.StateClosed || st == http.StateHijacked {
		delete(r.conns, c)
	} else {
		r.conns[c] = st
	}
}

// closeUnused closes connections that have not sent a byte yet. Clients
// racing dials leave such connections behind, and http.Server.Shutdown
// would otherwise wait 5 seconds for each before treating it as idle.
func (r *Running) closeUnused() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c, st := range r.conns {
		if st == http.StateNew {
			_ = c.Close()
		}
	}
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx ends, then closes what is left.
func (r *Running) Shutdown(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- r.http.Shutdown(ctx) }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r.closeUnused()
		select {
		case err := <-errc:
			if err != nil {
				_ = r.http.Close()
			}
			<-r.done
			return err
		case <-tick.C:
		}
	}
}

// Close shuts down gracefully, giving in-flight requests 5 seconds.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return r.Shutdown(ctx)
}

// errorLog is where http.Server reports failed handshakes and the like:
// the Logger, or nowhere, as Options.Logger promises silence when nil.
func errorLog(l *log.Logger) *log.Logger {
	if l == nil {
		return log.New(io.Discard, "", 0)
	}
	return l
}
