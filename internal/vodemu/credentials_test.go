package vodemu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// These tests obtain credentials with the real credentials-go, which always
// calls STS over HTTPS (TestMain made testCA a system root), and spend them
// through darabonba.

// offsetClock is the real time plus a settable offset: the SDKs stamp
// requests with the real time, and tests still move the server's clock to
// see credentials expire.
type offsetClock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *offsetClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.d) }
func (c *offsetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.d += d
}

// startTLS starts an emulator with testCA and the test roles.
func startTLS(t *testing.T, mutate func(*Options)) *Running {
	t.Helper()
	opts := Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Images: testImages(), CA: testCA, STS: testSTS()}
	if mutate != nil {
		mutate(&opts)
	}
	r, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// getImageWith calls GetImageInfo through darabonba with cc.
func getImageWith(t *testing.T, to sdkTarget, cc *providers.Credentials, algorithm string) error {
	t.Helper()
	c := newSDKClient(t, to, cc.AccessKeyId, cc.AccessKeySecret, cc.SecurityToken, algorithm)
	res, err := sdkCall(c, "GetImageInfo", "POST", map[string]string{"ImageId": "img-cdn"})
	if err == nil {
		if img := imageInfoFrom(t, res); img.ImageID != "img-cdn" {
			t.Fatalf("%+v", img)
		}
	}
	return err
}

func TestCredentialsGoRAMRoleARN(t *testing.T) {
	clock := &offsetClock{}
	r := startTLS(t, func(o *Options) { o.Now = clock.Now; o.STS.Lifetime = time.Minute })
	static, err := providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(testAK).WithAccessKeySecret(testSecret).Build()
	if err != nil {
		t.Fatal(err)
	}
	build := func(static providers.CredentialsProvider, externalID string) *providers.RAMRoleARNCredentialsProvider {
		p, err := providers.NewRAMRoleARNCredentialsProviderBuilder().WithCredentialsProvider(static).
			WithRoleArn(testExtRoleArn).WithExternalId(externalID).WithRoleSessionName("vodemu-test").
			WithStsEndpoint(r.Addr).Build()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := build(static, testExternalID)
	cc, err := p.GetCredentials()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cc.AccessKeyId, "STS.") || cc.SecurityToken == "" {
		t.Fatalf("%+v", cc)
	}
	direct := sdkTarget{endpoint: r.Addr, protocol: "http"}
	for _, algorithm := range []string{"", "v2"} {
		if err := getImageWith(t, direct, cc, algorithm); err != nil {
			t.Fatalf("algorithm %q: %v", algorithm, err)
		}
	}
	// A one-minute Lifetime is inside credentials-go's three-minute refresh
	// margin: every GetCredentials assumes the role again.
	cc2, err := p.GetCredentials()
	if err != nil || cc2.AccessKeyId == cc.AccessKeyId {
		t.Fatalf("no refresh: %v %+v", err, cc2)
	}
	// Past Lifetime the credentials stop working.
	clock.Advance(61 * time.Second)
	if err := getImageWith(t, direct, cc, ""); err == nil || !strings.Contains(err.Error(), "InvalidSecurityToken.Expired") {
		t.Fatalf("after expiry: %v", err)
	}
	if _, err := build(static, "wrong").GetCredentials(); err == nil || !strings.Contains(err.Error(), "NoPermission") {
		t.Fatalf("wrong external ID: %v", err)
	}
	bad, _ := providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(testAK).WithAccessKeySecret("wrong").Build()
	if _, err := build(bad, testExternalID).GetCredentials(); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Fatalf("wrong secret: %v", err)
	}
	st := r.Server.Stats()
	if st.ByAction["AssumeRole"] != 4 || st.ByCode["OK"] != 4 || st.ProxyConnects != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestCredentialsGoOIDC(t *testing.T) {
	r := startTLS(t, nil)
	dir := t.TempDir()
	build := func(token string) *providers.OIDCCredentialsProvider {
		file := filepath.Join(dir, "token")
		if err := os.WriteFile(file, []byte(token), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := providers.NewOIDCCredentialsProviderBuilder().WithOIDCProviderARN(testOIDCProvider).
			WithOIDCTokenFilePath(file).WithRoleArn(testRoleArn).WithSTSEndpoint(r.Addr).Build()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cc, err := build(testOIDCToken).GetCredentials()
	if err != nil {
		t.Fatal(err)
	}
	if err := getImageWith(t, sdkTarget{endpoint: r.Addr, protocol: "http"}, cc, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := build("other").GetCredentials(); err == nil || !strings.Contains(err.Error(), "AuthenticationFail.OIDCToken.Invalid") {
		t.Fatalf("wrong token: %v", err)
	}
}

// TestCredentialsGoCLIProfiles uses profile modes, which always call
// sts[.<region>].aliyuncs.com: HTTPS_PROXY (set by TestMain) takes them to
// proxyEmu, and darabonba reaches "vod.cn-shanghai.aliyuncs.com" the same
// way.
func TestCredentialsGoCLIProfiles(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(testOIDCToken), 0o600); err != nil {
		t.Fatal(err)
	}
	config := map[string]any{"current": "role", "profiles": []map[string]any{
		{"name": "ak", "mode": "AK", "access_key_id": testAK, "access_key_secret": testSecret},
		{"name": "role", "mode": "RamRoleArn", "access_key_id": testAK, "access_key_secret": testSecret,
			"ram_role_arn": testRoleArn, "ram_session_name": "cli", "expired_seconds": 900, "sts_region": "cn-hangzhou"},
		{"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role",
			"ram_role_arn": testExtRoleArn, "ram_session_name": "chained", "external_id": testExternalID},
		{"name": "oidc", "mode": "OIDC", "oidc_token_file": tokenFile, "oidc_provider_arn": testOIDCProvider, "ram_role_arn": testRoleArn},
	}}
	b, _ := json.Marshal(config)
	file := filepath.Join(dir, "config.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	before := proxyEmu.Server.Stats()
	viaProxy := sdkTarget{endpoint: "vod.cn-shanghai.aliyuncs.com", protocol: "https"}
	for _, name := range []string{"role", "chained", "oidc"} {
		p, err := providers.NewCLIProfileCredentialsProviderBuilder().WithProfileFile(file).WithProfileName(name).Build()
		if err != nil {
			t.Fatal(err)
		}
		cc, err := p.GetCredentials()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.HasPrefix(cc.AccessKeyId, "STS.") {
			t.Fatalf("%s: %+v", name, cc)
		}
		if err := getImageWith(t, viaProxy, cc, ""); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	after := proxyEmu.Server.Stats()
	// role: 1 AssumeRole; chained: 2 (source, then with its credentials).
	if d := after.ByAction["AssumeRole"] - before.ByAction["AssumeRole"]; d != 3 {
		t.Errorf("AssumeRole calls: %d", d)
	}
	if d := after.ByAction["AssumeRoleWithOIDC"] - before.ByAction["AssumeRoleWithOIDC"]; d != 1 {
		t.Errorf("AssumeRoleWithOIDC calls: %d", d)
	}
	if d := after.ByAction["GetImageInfo"] - before.ByAction["GetImageInfo"]; d != 3 {
		t.Errorf("GetImageInfo calls: %d", d)
	}
	if after.ProxyConnects-before.ProxyConnects < 4 || after.ProxyRefused != before.ProxyRefused {
		t.Errorf("proxy: before %+v after %+v", before, after)
	}
}
