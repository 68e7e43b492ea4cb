package vodemu

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
)

// serveProxy answers proxy-style requests when Options.CA is set. A CONNECT
// to <name>.aliyuncs.com:443, or to the emulator's own loopback address,
// is answered 200 and becomes a TLS tunnel, with a certificate for the SNI
// name (or <name>), whose requests this handler serves; each counts in
// Stats.ProxyConnects. Anything else (another target or port, or an
// absolute-form request for another host) is refused with 403 text/plain
// and counts in Stats.ProxyRefused. Nothing is ever dialled. It returns
// false for an absolute-form request to such a host, which is then served
// as a direct one. A Server used as a plain http.Handler answers CONNECT
// 501: tunnels need Start or StartOn. Without Options.CA, CONNECT is an RPC
// request like any other, and the RPC endpoint refuses the method.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodConnect {
		if isEmulatedHost(r.URL.Hostname()) || isSelf(r, r.URL.Host) {
			return false
		}
		s.refuseProxy(w, "proxy request for "+r.URL.Host)
		return true
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil || !mayTunnel(r, host, port) {
		s.refuseProxy(w, "CONNECT to "+r.Host)
		return true
	}
	hj, ok := w.(http.Hijacker)
	if s.tunnel == nil || !ok {
		http.Error(w, "vodemu: CONNECT tunnels need the emulator started with Start or StartOn", http.StatusNotImplemented)
		return true
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return true
	}
	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		_ = conn.Close()
		return true
	}
	s.countProxy(true)
	// The client now starts TLS for host: answer it with a certificate for
	// that name and serve the emulator inside.
	_ = s.tunnel(tls.Server(&bufferedConn{Conn: conn, r: brw.Reader}, s.opts.CA.serverConfig(host)))
	return true
}

// mayTunnel reports whether a CONNECT to host:port is served: port 443 of
// an emulated host, or the emulator itself.
func mayTunnel(r *http.Request, host, port string) bool {
	return port == "443" && isEmulatedHost(host) || isSelf(r, r.Host)
}

// isSelf reports whether hostport is the emulator itself: a loopback name
// with the port the request came in on. Some clients (darabonba's) proxy
// even loopback requests when HTTPS_PROXY is set; serving them here keeps
// the rule that nothing is dialled.
func isSelf(r *http.Request, hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	_, localPort, err := net.SplitHostPort(local.String())
	ip := net.ParseIP(host)
	return err == nil && port == localPort && (host == "localhost" || ip != nil && ip.IsLoopback())
}

func (s *Server) refuseProxy(w http.ResponseWriter, what string) {
	s.countProxy(false)
	http.Error(w, "vodemu: "+what+" refused: this proxy only emulates <name>.aliyuncs.com (CONNECT port 443) and never connects anywhere",
		http.StatusForbidden)
}

// isEmulatedHost reports whether host is a *.aliyuncs.com name, which the
// emulator stands for as a proxy and certifies as a server.
func isEmulatedHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	const suffix = ".aliyuncs.com"
	if !strings.HasSuffix(h, suffix) || len(h) == len(suffix) || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if !isLabelByte(label[i]) {
				return false
			}
		}
	}
	return true
}

// isLabelByte reports whether c may appear in a lower-cased DNS label.
func isLabelByte(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' }
