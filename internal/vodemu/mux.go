package vodemu

import (
	"bufio"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"time"
)

// firstByteTimeout bounds how long a connection may stay silent before the
// server knows whether it speaks TLS or plain HTTP.
const firstByteTimeout = 10 * time.Second

// muxListener serves TLS and plain HTTP on one port: each connection's first
// byte decides (0x16 starts a TLS handshake record; HTTP starts with a
// method name). Connections are classified off the accept loop, so a
// silent client holds up nobody, and CONNECT tunnels are pushed into the
// same queue, so one http.Server serves, tracks and shuts down them all.
type muxListener struct {
	inner net.Listener
	tls   *tls.Config
	conns chan net.Conn

	done      chan struct{}
	closeOnce sync.Once
	mu        sync.Mutex
	pending   map[net.Conn]struct{} // being classified
}

func newMuxListener(inner net.Listener, conf *tls.Config) *muxListener {
	m := &muxListener{
		inner:   inner,
		tls:     conf,
		conns:   make(chan net.Conn),
		done:    make(chan struct{}),
		pending: map[net.Conn]struct{}{},
	}
	go m.acceptLoop()
	return m
}

func (m *muxListener) acceptLoop() {
	for {
		c, err := m.inner.Accept()
		if errors.Is(err, net.ErrClosed) {
			_ = m.Close()
			return
		}
		if err != nil { // out of file descriptors, say: wait, as http.Server does
			select {
			case <-m.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		go m.classify(c)
	}
}

func (m *muxListener) classify(c net.Conn) {
	if !m.track(c, true) {
		_ = c.Close()
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(firstByteTimeout))
	br := bufio.NewReader(c)
	first, err := br.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	m.track(c, false)
	if err != nil {
		_ = c.Close()
		return
	}
	var out net.Conn = &bufferedConn{Conn: c, r: br}
	if first[0] == 0x16 {
		out = tls.Server(out, m.tls)
	}
	_ = m.push(out)
}

// track adds or removes a connection being classified; adding fails once
// the listener is closed.
func (m *muxListener) track(c net.Conn, add bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !add {
		delete(m.pending, c)
		return true
	}
	if m.pending == nil {
		return false
	}
	m.pending[c] = struct{}{}
	return true
}

// push hands a connection to the http.Server, or closes it if the
// listener is closed.
func (m *muxListener) push(c net.Conn) error {
	select {
	case m.conns <- c:
		return nil
	case <-m.done:
		_ = c.Close()
		return net.ErrClosed
	}
}

func (m *muxListener) Accept() (net.Conn, error) {
	select {
	case <-m.done:
		return nil, net.ErrClosed
	default:
	}
	select {
	case c := <-m.conns:
		return c, nil
	case <-m.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes connections not yet classified; the
// http.Server closes the rest.
func (m *muxListener) Close() error {
	var err error
	m.closeOnce.Do(func() {
		close(m.done)
		err = m.inner.Close()
		m.mu.Lock()
		defer m.mu.Unlock()
		for c := range m.pending {
			_ = c.Close()
		}
		m.pending = nil
	})
	return err
}

func (m *muxListener) Addr() net.Addr { return m.inner.Addr() }

// bufferedConn reads through a bufio.Reader that may already hold bytes
// read from the connection (the peeked byte, or what a client sent right
// after CONNECT).
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
