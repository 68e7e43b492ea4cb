package vodemu

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Go loads the system roots (SSL_CERT_FILE) and the proxy variables
// (HTTPS_PROXY) once per process, on first use. So TestMain sets both
// before any test runs: testCA is a system root for the whole process, and
// proxyEmu is the proxy every HTTPS request to a real host name goes
// through. Tests that need the proxy share proxyEmu; nothing reaches the
// network.
var (
	testCA   *CA
	proxyEmu *Running
)

const (
	testAccount      = "1234567890123456"
	testRoleArn      = "acs:ram::" + testAccount + ":role/vod-reader"
	testExtRoleArn   = "acs:ram::" + testAccount + ":role/vod-partner"
	testExternalID   = "ext-id-42"
	testOIDCProvider = "acs:ram::" + testAccount + ":oidc-provider/ack-rrsa"
	testOIDCToken    = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl"
)

func testSTS() STSOptions {
	return STSOptions{
		Roles:           []Role{{ARN: testRoleArn}, {ARN: testExtRoleArn, ExternalID: testExternalID}},
		OIDCProviderARN: testOIDCProvider,
		OIDCToken:       testOIDCToken,
	}
}

func TestMain(m *testing.M) {
	code, err := runTests(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		code = 1
	}
	os.Exit(code)
}

func runTests(m *testing.M) (int, error) {
	var err error
	if testCA, err = NewCA(); err != nil {
		return 0, err
	}
	dir, err := os.MkdirTemp("", "vodemu-test-")
	if err != nil {
		return 0, err
	}
	defer func() { _ = os.RemoveAll(dir) }() // best effort: at worst a temporary directory stays behind
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, testCA.CertPEM(), 0o600); err != nil {
		return 0, err
	}
	proxyEmu, err = Start(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Images: testImages(), CA: testCA, STS: testSTS()})
	if err != nil {
		return 0, err
	}
	defer func() { _ = proxyEmu.Close() }() // the tests are over; the process exits next
	// A developer's own settings must not leak into credentials-go.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "ALIBABA_CLOUD_") || strings.HasPrefix(name, "ALICLOUD_") ||
			strings.EqualFold(name, "http_proxy") || strings.EqualFold(name, "https_proxy") ||
			strings.EqualFold(name, "no_proxy") || strings.EqualFold(name, "all_proxy") {
			if err := os.Unsetenv(name); err != nil {
				return 0, err
			}
		}
	}
	for k, v := range map[string]string{"SSL_CERT_FILE": caFile, "HTTPS_PROXY": proxyEmu.URL} {
		if err := os.Setenv(k, v); err != nil {
			return 0, err
		}
	}
	return m.Run(), nil
}
