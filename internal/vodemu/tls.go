package vodemu

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"
)

// CA is a throw-away certificate authority for the emulator's TLS. Its
// certificate goes into a client's trust store (for Go, SSL_CERT_FILE);
// it issues a server certificate per name on demand.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte

	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

// caValidity bounds the damage if a CA certificate leaks out of a test: it
// is worthless a day later. Certificates start an hour early to survive a
// skewed clock.
const (
	caValidity = 24 * time.Hour
	backdate   = time.Hour
	maxLeaves  = 256
)

// NewCA creates a self-signed ECDSA P-256 CA named "vodemu test CA", valid
// for 24 hours.
func NewCA() (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("vodemu: CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "vodemu test CA", Organization: []string{"vodemu"}},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("vodemu: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("vodemu: CA certificate: %w", err)
	}
	return &CA{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		leaves:  map[string]*tls.Certificate{},
	}, nil
}

// CertPEM returns the CA certificate in PEM, for SSL_CERT_FILE: write it to a
// file and point SSL_CERT_FILE at it before the process first uses TLS (Go
// loads the system roots once).
func (c *CA) CertPEM() []byte { return append([]byte(nil), c.certPEM...) }

// CertPool returns a pool holding only the CA certificate.
func (c *CA) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.cert)
	return p
}

// serverConfig serves certificates for the SNI name, or for defaultName
// when the client sends none (Go clients send none for an IP address).
func (c *CA) serverConfig(defaultName string) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"}, // faults hijack connections: no HTTP/2
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := hello.ServerName
			if name == "" {
				name = defaultName
			}
			return c.leaf(name)
		},
	}
}

// leaf returns the cached certificate for name (one per SNI name), issuing
// it if needed, valid for that name: 127.0.0.1, ::1 and localhost share one,
// and names ending in .aliyuncs.com get their own. It refuses names the
// emulator does not stand for, which fails the handshake.
func (c *CA) leaf(name string) (*tls.Certificate, error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	var dns []string
	var ips []net.IP
	switch {
	case name == "127.0.0.1" || name == "localhost" || name == "::1":
		name = "localhost" // one certificate for every loopback name
		dns, ips = []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	case isEmulatedHost(name):
		dns = []string{name}
	default:
		return nil, fmt.Errorf("vodemu: no certificate for %q: only loopback and *.aliyuncs.com names are served", name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cert, ok := c.leaves[name]; ok {
		return cert, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     dns,
		IPAddresses:  ips,
		NotBefore:    time.Now().Add(-backdate),
		NotAfter:     c.cert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		return nil, err
	}
	if len(c.leaves) >= maxLeaves { // many random subdomains: start over
		c.leaves = map[string]*tls.Certificate{}
	}
	cert := &tls.Certificate{Certificate: [][]byte{der, c.cert.Raw}, PrivateKey: key}
	c.leaves[name] = cert
	return cert, nil
}

func randomSerial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n.Add(n, big.NewInt(1)) // never zero
}
