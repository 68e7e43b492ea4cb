package vodemu

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// stsParams returns V1 parameters of an STS action, for callV1 to sign.
func stsParams(action string, now time.Time, extra map[string]string) url.Values {
	p := v1Params(action, now)
	p.Set("Version", STSVersion)
	for k, v := range extra {
		if v == "<delete>" {
			p.Del(k)
		} else {
			p.Set(k, v)
		}
	}
	return p
}

type assumed struct {
	RequestId       string
	SourceIdentity  string
	AssumedRoleUser struct{ Arn, AssumedRoleId string }
	Credentials     struct{ AccessKeyId, AccessKeySecret, SecurityToken, Expiration string }
	OIDCTokenInfo   *struct{ Subject, Issuer, ClientIds, IssuanceTime, ExpirationTime, VerificationInfo string }
}

func decodeAssumed(t *testing.T, status int, body []byte) assumed {
	t.Helper()
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var a assumed
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	c := a.Credentials
	if !requestIDPattern.MatchString(a.RequestId) || !strings.HasPrefix(c.AccessKeyId, "STS.") || len(c.AccessKeySecret) < 30 ||
		len(c.SecurityToken) < 300 || !strings.HasPrefix(c.SecurityToken, "CAIS") {
		t.Fatalf("credentials %+v", a)
	}
	if !strings.HasPrefix(string(body), `{"RequestId":`) {
		t.Fatalf("RequestId is not first: %s", body)
	}
	return a
}

func assumeRole(t *testing.T, h *harness, ak, secret, token string, extra map[string]string) assumed {
	t.Helper()
	p := stsParams("AssumeRole", h.clock.Now(), map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "alice"})
	p.Set("AccessKeyId", ak)
	if token != "" {
		p.Set("SecurityToken", token)
	}
	for k, v := range extra {
		p.Set(k, v)
	}
	status, _, body := h.callV1(http.MethodPost, secret, p)
	return decodeAssumed(t, status, body)
}

func TestAssumeRole(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.STS = testSTS() })
	a := assumeRole(t, h, testAK, testSecret, "", nil)
	if a.Credentials.Expiration != "2024-06-01T13:00:00Z" {
		t.Errorf("Expiration %s", a.Credentials.Expiration)
	}
	if a.AssumedRoleUser.Arn != testRoleArn+"/alice" || !strings.HasSuffix(a.AssumedRoleUser.AssumedRoleId, ":alice") ||
		len(a.AssumedRoleUser.AssumedRoleId) != 18+len(":alice") {
		t.Errorf("AssumedRoleUser %+v", a.AssumedRoleUser)
	}
	b := assumeRole(t, h, testAK, testSecret, "", map[string]string{"DurationSeconds": "900", "Policy": `{"Version":"1","Statement":[]}`})
	if b.Credentials.Expiration != "2024-06-01T12:15:00Z" || b.Credentials.AccessKeyId == a.Credentials.AccessKeyId ||
		b.Credentials.SecurityToken == a.Credentials.SecurityToken || b.AssumedRoleUser.AssumedRoleId != a.AssumedRoleUser.AssumedRoleId {
		t.Errorf("second %+v", b)
	}
	ext := assumeRole(t, h, testAK, testSecret, "", map[string]string{"RoleArn": testExtRoleArn, "ExternalId": testExternalID})
	if !strings.HasPrefix(ext.AssumedRoleUser.Arn, testExtRoleArn+"/") {
		t.Errorf("external %+v", ext.AssumedRoleUser)
	}

	// V3 (what darabonba sends) works the same, with the STS version.
	status, _, body := h.callV3(v3Request{action: "AssumeRole", headers: map[string]string{"x-acs-version": STSVersion},
		query: url.Values{"RoleArn": {testRoleArn}, "RoleSessionName": {"v3.session@x"}}})
	if v3 := decodeAssumed(t, status, body); v3.AssumedRoleUser.Arn != testRoleArn+"/v3.session@x" {
		t.Errorf("v3 %+v", v3.AssumedRoleUser)
	}
	if st := h.run.Server.Stats(); st.ByAction["AssumeRole"] != 4 || st.ByCode["OK"] != 4 {
		t.Errorf("stats %+v", st)
	}

	// Lifetime overrides DurationSeconds, rounded up to whole seconds.
	h2 := newHarness(t, func(o *Options) { o.STS = testSTS(); o.STS.Lifetime = 1500 * time.Millisecond })
	if c := assumeRole(t, h2, testAK, testSecret, "", nil); c.Credentials.Expiration != "2024-06-01T12:00:02Z" {
		t.Errorf("Lifetime: %s", c.Credentials.Expiration)
	}
}

func TestAssumeRoleErrors(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.STS = testSTS() })
	base := map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "alice"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		extra  map[string]string
		status int
		code   string
		msg    string
	}{
		{"missing RoleArn", with("RoleArn", "<delete>"), 400, "MissingParameter", `"RoleArn"`},
		{"malformed RoleArn", with("RoleArn", "acs:ram::12ab:role/x"), 400, "InvalidParameter.RoleArn", "RoleArn"},
		{"RoleArn without name", with("RoleArn", "acs:ram::123:role/"), 400, "InvalidParameter.RoleArn", "RoleArn"},
		{"missing session", with("RoleSessionName", "<delete>"), 400, "MissingParameter", `"RoleSessionName"`},
		{"short session", with("RoleSessionName", "a"), 400, "InvalidParameter.RoleSessionName", "RoleSessionName"},
		{"bad session char", with("RoleSessionName", "a b"), 400, "InvalidParameter.RoleSessionName", "RoleSessionName"},
		{"long session", with("RoleSessionName", strings.Repeat("a", 65)), 400, "InvalidParameter.RoleSessionName", "RoleSessionName"},
		{"duration low", with("DurationSeconds", "899"), 400, "InvalidParameter.DurationSeconds", "DurationSeconds"},
		{"duration high", with("DurationSeconds", "43201"), 400, "InvalidParameter.DurationSeconds", "DurationSeconds"},
		{"duration text", with("DurationSeconds", "1h"), 400, "InvalidParameter.DurationSeconds", "DurationSeconds"},
		{"policy not JSON", with("Policy", "{Statement"), 400, "InvalidParameter.PolicyGrammar", "Policy"},
		{"policy not object", with("Policy", `["a"]`), 400, "InvalidParameter.PolicyGrammar", "Policy"},
		{"unknown role", with("RoleArn", "acs:ram::1:role/nobody"), 404, "EntityNotExist.Role", "The role not exists: acs:ram::1:role/nobody."},
		{"external id missing", with("RoleArn", testExtRoleArn), 403, "NoPermission", "You are not authorized to do this action. You should be authorized by RAM."},
		{"external id wrong", with("RoleArn", testExtRoleArn, "ExternalId", "other"), 403, "NoPermission", "RAM"},
		{"VOD version", with("Version", APIVersion), 400, "InvalidVersion", "supports 2015-04-01."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := h.callV1(http.MethodPost, testSecret, stsParams("AssumeRole", testNow, tc.extra))
			if msg := checkSTSError(t, status, hdr, body, tc.status, tc.code); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not contain %q", msg, tc.msg)
			}
		})
	}
	// A VOD action with the STS version is InvalidVersion too.
	p := stsParams("GetImageInfo", testNow, map[string]string{"ImageId": "img-cdn"})
	status, hdr, body := h.callV1(http.MethodGet, testSecret, p)
	if msg := checkError(t, status, hdr, body, 400, "InvalidVersion"); !strings.Contains(msg, "supports 2017-03-21.") {
		t.Errorf("message %q", msg)
	}
	// Authentication comes first, as for VOD.
	status, hdr, body = h.callV1(http.MethodPost, "wrong", stsParams("AssumeRole", testNow, base))
	checkSTSError(t, status, hdr, body, 400, "SignatureDoesNotMatch")

	// No roles configured: every ARN is unknown.
	bare := newHarness(t, nil)
	status, hdr, body = bare.callV1(http.MethodPost, testSecret, stsParams("AssumeRole", testNow, base))
	checkSTSError(t, status, hdr, body, 404, "EntityNotExist.Role")
}

func TestTemporaryCredentials(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.STS = testSTS(); o.STS.Lifetime = time.Minute })
	c := assumeRole(t, h, testAK, testSecret, "", nil).Credentials
	get := func(ak, secret string, token *string) (int, http.Header, []byte) {
		p := v1Params("GetImageInfo", h.clock.Now())
		p.Set("AccessKeyId", ak)
		p.Set("ImageId", "img-cdn")
		if token != nil {
			p.Set("SecurityToken", *token)
		}
		return h.callV1(http.MethodPost, secret, p)
	}
	if status, _, body := get(c.AccessKeyId, c.AccessKeySecret, &c.SecurityToken); status != 200 {
		t.Fatalf("temporary key: %d %s", status, body)
	}
	v3 := v3Request{action: "GetImageInfo", ak: c.AccessKeyId, secret: c.AccessKeySecret, query: url.Values{"ImageId": {"img-cdn"}},
		headers: map[string]string{"x-acs-security-token": c.SecurityToken}}
	if status, _, body := h.callV3(v3); status != 200 {
		t.Fatalf("temporary key V3: %d %s", status, body)
	}
	empty, other := "", c.SecurityToken+"x"
	for _, tc := range []struct {
		name   string
		secret string
		token  *string
		status int
		code   string
	}{
		{"no token", c.AccessKeySecret, nil, 400, "MissingSecurityToken"},
		{"empty token", c.AccessKeySecret, &empty, 400, "MissingSecurityToken"},
		{"other token", c.AccessKeySecret, &other, 400, "InvalidSecurityToken.MismatchWithAccessKey"},
		{"main key's secret", testSecret, &c.SecurityToken, 400, "SignatureDoesNotMatch"},
	} {
		status, hdr, body := get(c.AccessKeyId, tc.secret, tc.token)
		if msg := checkError(t, status, hdr, body, tc.status, tc.code); msg == "" {
			t.Errorf("%s: no message", tc.name)
		}
	}
	// Another temporary key's token does not fit.
	d := assumeRole(t, h, testAK, testSecret, "", nil).Credentials
	status, hdr, body := get(c.AccessKeyId, c.AccessKeySecret, &d.SecurityToken)
	checkError(t, status, hdr, body, 400, "InvalidSecurityToken.MismatchWithAccessKey")

	// Chaining: temporary credentials may assume a role (ChainableRamRoleArn).
	chained := assumeRole(t, h, c.AccessKeyId, c.AccessKeySecret, c.SecurityToken, map[string]string{
		"RoleArn": testExtRoleArn, "ExternalId": testExternalID})
	if status, _, body := get(chained.Credentials.AccessKeyId, chained.Credentials.AccessKeySecret, &chained.Credentials.SecurityToken); status != 200 {
		t.Fatalf("chained: %d %s", status, body)
	}

	// Expiry: at Expiration the key stops working, for every action.
	h.clock.Set(testNow.Add(time.Minute))
	for _, tc := range []struct {
		name string
		do   func() (int, http.Header, []byte)
	}{
		{"GetImageInfo", func() (int, http.Header, []byte) { return get(c.AccessKeyId, c.AccessKeySecret, &c.SecurityToken) }},
		{"V3", func() (int, http.Header, []byte) { return h.callV3(v3) }},
	} {
		status, hdr, body := tc.do()
		if msg := checkError(t, status, hdr, body, 400, "InvalidSecurityToken.Expired"); msg != "Specified SecurityToken is expired." {
			t.Errorf("%s: %q", tc.name, msg)
		}
	}
	p := stsParams("AssumeRole", h.clock.Now(), map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "alice",
		"AccessKeyId": c.AccessKeyId, "SecurityToken": c.SecurityToken})
	status, hdr, body = h.callV1(http.MethodPost, c.AccessKeySecret, p)
	checkSTSError(t, status, hdr, body, 400, "InvalidSecurityToken.Expired")
	// The long-term key is unaffected, and an unknown STS key is unknown.
	if status, _, body := get(testAK, testSecret, nil); status != 200 {
		t.Fatalf("main key: %d %s", status, body)
	}
	status, hdr, body = get("STS.unknown", "x", &c.SecurityToken)
	checkError(t, status, hdr, body, 404, "InvalidAccessKeyId.NotFound")
}

// callOIDC sends what credentials-go sends: common parameters in the query,
// the rest in a form body, no signature.
func callOIDC(t *testing.T, h *harness, query url.Values, form map[string]string) (int, http.Header, []byte) {
	t.Helper()
	f := url.Values{"RoleArn": {testRoleArn}, "OIDCProviderArn": {testOIDCProvider}, "OIDCToken": {testOIDCToken},
		"RoleSessionName": {"oidc-session"}, "DurationSeconds": {"3600"}}
	for k, v := range form {
		if v == "<delete>" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
	}
	req, err := http.NewRequest(http.MethodPost, h.run.URL+"/?"+query.Encode(), strings.NewReader(f.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return h.do(req)
}

func TestAssumeRoleWithOIDC(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.STS = testSTS() })
	q := url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {STSVersion}, "Format": {"JSON"},
		"Timestamp": {"2000-01-01T00:00:00Z"}} // unsigned: the timestamp is not checked
	status, _, body := callOIDC(t, h, q, nil)
	a := decodeAssumed(t, status, body)
	if a.Credentials.Expiration != "2024-06-01T13:00:00Z" || a.AssumedRoleUser.Arn != testRoleArn+"/oidc-session" ||
		a.OIDCTokenInfo == nil || a.SourceIdentity != "" {
		t.Fatalf("%+v", a)
	}
	// The issued key works like AssumeRole's.
	p := v1Params("GetImageInfo", testNow)
	p.Set("AccessKeyId", a.Credentials.AccessKeyId)
	p.Set("SecurityToken", a.Credentials.SecurityToken)
	p.Set("ImageId", "img-oss")
	if status, _, body := h.callV1(http.MethodGet, a.Credentials.AccessKeySecret, p); status != 200 {
		t.Fatalf("%d %s", status, body)
	}

	for _, tc := range []struct {
		name   string
		form   map[string]string
		query  url.Values
		status int
		code   string
	}{
		{"wrong provider", map[string]string{"OIDCProviderArn": "acs:ram::1:oidc-provider/x"}, q, 401, "AuthenticationFail.NoPermission"},
		{"wrong token", map[string]string{"OIDCToken": testOIDCToken + "\n"}, q, 401, "AuthenticationFail.OIDCToken.Invalid"},
		{"missing token", map[string]string{"OIDCToken": "<delete>"}, q, 400, "MissingParameter"},
		{"missing provider", map[string]string{"OIDCProviderArn": "<delete>"}, q, 400, "MissingParameter"},
		{"unknown role", map[string]string{"RoleArn": "acs:ram::1:role/nobody"}, q, 404, "EntityNotExist.Role"},
		{"malformed role", map[string]string{"RoleArn": "role/nobody"}, q, 400, "InvalidParameter.RoleArn"},
		{"bad duration", map[string]string{"DurationSeconds": "100"}, q, 400, "InvalidParameter.DurationSeconds"},
		{"bad policy", map[string]string{"Policy": "nope"}, q, 400, "InvalidParameter.PolicyGrammar"},
		{"wrong version", nil, url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {APIVersion}, "Format": {"JSON"}}, 400, "InvalidVersion"},
		{"no format", nil, url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {STSVersion}}, 400, "InvalidParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := callOIDC(t, h, tc.query, tc.form)
			checkSTSError(t, status, hdr, body, tc.status, tc.code)
		})
	}

	// V3 style: action and version in headers, no Format.
	req, _ := http.NewRequest(http.MethodPost, h.run.URL+"/", strings.NewReader(url.Values{"RoleArn": {testRoleArn},
		"OIDCProviderArn": {testOIDCProvider}, "OIDCToken": {testOIDCToken}, "RoleSessionName": {"v3"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("x-acs-action", "AssumeRoleWithOIDC")
	req.Header.Set("x-acs-version", STSVersion)
	status, _, body = h.do(req)
	decodeAssumed(t, status, body)

	// Without a configured provider nothing is accepted.
	bare := newHarness(t, func(o *Options) { o.STS.Roles = testSTS().Roles })
	status, hdr, body := callOIDC(t, bare, q, nil)
	checkSTSError(t, status, hdr, body, 401, "AuthenticationFail.NoPermission")
	if st := h.run.Server.Stats(); st.ByAction["AssumeRoleWithOIDC"] != 12 || st.ByCode["OK"] != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestNewValidatesSTS(t *testing.T) {
	for _, sts := range []STSOptions{
		{Roles: []Role{{ARN: "arn:aws:iam::1:role/x"}}},
		{Roles: []Role{{ARN: testRoleArn}, {ARN: testRoleArn}}},
		{Lifetime: -time.Second},
	} {
		if _, err := New(Options{AccessKeyID: "a", AccessKeySecret: "s", STS: sts}); err == nil {
			t.Errorf("New accepted %+v", sts)
		}
	}
	if _, err := New(Options{AccessKeyID: "a", AccessKeySecret: "s", QPS: -1}); err == nil {
		t.Error("New accepted QPS -1")
	}
}

// TestSTSSessionDurationAndSourceIdentity: DurationSeconds is bounded by the
// role's maximum session duration (3600 s unless raised), with STS's
// message; SourceIdentity is echoed; OIDCTokenInfo reads the JWT's claims.
func TestSTSSessionDurationAndSourceIdentity(t *testing.T) {
	raised := "acs:ram::1234567890123456:role/long"
	h := newHarness(t, func(o *Options) {
		o.STS = testSTS()
		o.STS.Roles = append(o.STS.Roles, Role{ARN: raised, MaxSessionDuration: 6 * time.Hour})
	})
	call := func(role, duration string) (int, http.Header, []byte) {
		p := stsParams("AssumeRole", h.clock.Now(), map[string]string{"RoleArn": role, "RoleSessionName": "alice",
			"DurationSeconds": duration, "SourceIdentity": "alice@example.com"})
		return h.callV1(http.MethodPost, testSecret, p)
	}
	status, hdr, body := call(testRoleArn, "3601")
	if msg := checkSTSError(t, status, hdr, body, 400, "InvalidParameter.DurationSeconds"); msg != "The Min/Max value of DurationSeconds is 15min/1hr." {
		t.Errorf("message %q", msg)
	}
	status, hdr, body = call(raised, "21601")
	if msg := checkSTSError(t, status, hdr, body, 400, "InvalidParameter.DurationSeconds"); msg != "The Min/Max value of DurationSeconds is 15min/6hr." {
		t.Errorf("message %q", msg)
	}
	status, _, body = call(raised, "21600")
	if a := decodeAssumed(t, status, body); a.SourceIdentity != "alice@example.com" || a.Credentials.Expiration != "2024-06-01T18:00:00Z" {
		t.Errorf("%+v", a)
	}
	status, _, body = call(testRoleArn, "3600")
	decodeAssumed(t, status, body)

	jwt := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"ci","iss":"https://oidc.example","aud":["a","b"],"iat":1717243000,"exp":1717246600}`)) + ".c2ln"
	info := tokenInfo(jwt, "acs:ram::1:oidc-provider/x")
	if info.Subject != "ci" || info.Issuer != "https://oidc.example" || info.ClientIDs != "a,b" ||
		info.IssuanceTime != "2024-06-01T11:56:40Z" || info.ExpirationTime != "2024-06-01T12:56:40Z" {
		t.Errorf("%+v", info)
	}
	if _, err := New(Options{AccessKeyID: "a", AccessKeySecret: "b", STS: STSOptions{Roles: []Role{{ARN: raised, MaxSessionDuration: 13 * time.Hour}}}}); err == nil {
		t.Error("a 13 h maximum session duration accepted")
	}
}
