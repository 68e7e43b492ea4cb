package vodemu

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func TestNewCA(t *testing.T) {
	block, rest := pem.Decode(testCA.CertPEM())
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("PEM %q", testCA.CertPEM())
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || key.Curve != elliptic.P256() || !cert.IsCA || cert.Subject.CommonName != "vodemu test CA" {
		t.Fatalf("CA %+v", cert.Subject)
	}
	if d := time.Until(cert.NotAfter); d < 23*time.Hour || d > 24*time.Hour {
		t.Fatalf("NotAfter in %v", d)
	}
	// CertPEM hands out a copy.
	testCA.CertPEM()[0] = 'x'
	if testCA.CertPEM()[0] != '-' {
		t.Fatal("CertPEM shares its buffer")
	}
}

// tlsTo handshakes with r as a client with serverName (SNI) trusting only ca.
func tlsTo(r *Running, ca *CA, serverName string) (*x509.Certificate, error) {
	conf := &tls.Config{RootCAs: ca.CertPool(), ServerName: serverName}
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: time.Minute}, "tcp", r.Addr, conf)
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Close() }()
	return c.ConnectionState().PeerCertificates[0], nil
}

func TestTLSAndHTTPOnOnePort(t *testing.T) {
	r := startTLS(t, nil)
	if r.TLSURL != "https://"+r.Addr {
		t.Fatalf("TLSURL %q Addr %q", r.TLSURL, r.Addr)
	}
	// http.Get trusts testCA through SSL_CERT_FILE, as credentials-go does.
	for _, u := range []string{r.URL, r.TLSURL} {
		resp, err := http.Get(u + "/_emulator/health")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if string(b) != "ok" || (resp.TLS != nil) != strings.HasPrefix(u, "https:") {
			t.Fatalf("%s: %q tls=%v", u, b, resp.TLS != nil)
		}
		if resp.TLS != nil && resp.TLS.NegotiatedProtocol == "h2" {
			t.Fatal("HTTP/2 negotiated")
		}
	}
	// Signed API calls work over TLS as over plain HTTP.
	h := &harness{t: t, run: &Running{URL: r.TLSURL}, clock: &fixedClock{t: time.Now()}}
	p := v1Params("GetImageInfo", time.Now())
	p.Set("ImageId", "img-cdn")
	if status, _, body := h.callV1(http.MethodPost, testSecret, p); status != 200 {
		t.Fatalf("%d %s", status, body)
	}

	for _, name := range []string{"", "127.0.0.1", "localhost", "vod.cn-shanghai.aliyuncs.com", "STS.aliyuncs.com."} {
		cert, err := tlsTo(r, testCA, name)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if want := strings.ToLower(strings.TrimSuffix(name, ".")); want != "" && want != "127.0.0.1" && cert.VerifyHostname(want) != nil {
			t.Fatalf("%q: certificate for %v", name, cert.DNSNames)
		}
	}
	a, _ := tlsTo(r, testCA, "vod.cn-shanghai.aliyuncs.com")
	b, _ := tlsTo(r, testCA, "VOD.cn-shanghai.aliyuncs.com")
	if a == nil || b == nil || !a.Equal(b) {
		t.Fatal("leaf not cached per name")
	}
	// Names the emulator does not stand for get no certificate.
	for _, name := range []string{"example.com", "aliyuncs.com", "evil.aliyuncs.com.example.com", "a..aliyuncs.com"} {
		if _, err := tlsTo(r, testCA, name); err == nil {
			t.Errorf("%q: handshake succeeded", name)
		}
	}
	// Another CA's clients do not trust it.
	other, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tlsTo(r, other, "localhost"); err == nil {
		t.Fatal("trusted by another CA")
	}
}

func TestSilentConnectionBlocksNobody(t *testing.T) {
	r := startTLS(t, nil)
	silent, err := net.Dial("tcp", r.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = silent.Close() }()
	resp, err := http.Get(r.URL + "/_emulator/health")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	// Close gives up (with an error) after its own 5 s grace period: no error means the silent
	// connection did not hold it up. No elapsed-time check, which a loaded machine could fail.
	if err := r.Close(); err != nil {
		t.Fatalf("Close with a silent connection open: %v", err)
	}
	// A closed connection reads EOF at once; the deadline only stops a test whose connection
	// stayed open, and its timeout is the failure.
	_ = silent.SetReadDeadline(time.Now().Add(time.Minute))
	if n, err := silent.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("silent connection still open (%d bytes, %v)", n, err)
	}
}

func TestNoTLSWithoutCA(t *testing.T) {
	h := newHarness(t, nil)
	if h.run.TLSURL != "" {
		t.Fatalf("%+v", h.run)
	}
	conf := &tls.Config{RootCAs: testCA.CertPool(), ServerName: "localhost"}
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: time.Minute}, "tcp", h.run.Addr, conf)
	if err == nil {
		_ = c.Close()
		t.Fatal("TLS without a CA")
	}
	// CONNECT is no proxy request here: the RPC endpoint refuses the method.
	req, _ := http.NewRequest(http.MethodConnect, h.run.URL, nil)
	req.Host = "vod.cn-shanghai.aliyuncs.com:443"
	status, hdr, body := h.do(req)
	checkError(t, status, hdr, body, 403, "UnsupportedHTTPMethod")
}
