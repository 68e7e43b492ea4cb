package vod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// CredentialError is a failure to obtain credentials. Its text is safe to show: it names the
// source (a file, an endpoint without its query, a profile) and what is wrong or missing, never the
// content of a file, an answer's body or any value read from them.
type CredentialError struct {
	// Source is what was asked, such as `STS AssumeRole at sts.aliyuncs.com`.
	Source string
	// Problem says what went wrong.
	Problem string
	// Code, HTTPStatus and RequestID are the API's, when an API answered.
	Code       string
	HTTPStatus int
	RequestID  string
	// Attempts is how many requests were sent, retries included (0 when none was).
	Attempts int
	// Transient reports that the last failure was of a retryable kind (throttling, 5xx, a broken
	// connection, a garbled answer): the configuration may well be right.
	Transient bool
	// Fix says what to do, when there is something specific.
	Fix string
}

// Error reads "<Source>: <Problem> (code, HTTP status, request ID)", and for a transient failure how
// many attempts were made. Fix is not part of it: the caller says what to do.
func (e *CredentialError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	b.WriteString(": ")
	b.WriteString(e.Problem)
	var details []string
	if e.Code != "" {
		details = append(details, "code "+e.Code)
	}
	if e.HTTPStatus != 0 {
		details = append(details, fmt.Sprintf("HTTP %d", e.HTTPStatus))
	}
	if e.RequestID != "" {
		details = append(details, "request ID "+e.RequestID)
	}
	if len(details) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(details, ", "))
	}
	if e.Transient {
		fmt.Fprintf(&b, "; this is a transient failure, still failing after %d attempt%s", e.Attempts, plural(e.Attempts))
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// isTransientCredentialError reports whether err is a failure to get credentials that retrying
// later may cure.
func isTransientCredentialError(err error) bool {
	var ce *CredentialError
	return errors.As(err, &ce) && ce.Transient
}

// session is one set of credentials and when it stops working (zero: never).
type session struct {
	accessKeyID, accessKeySecret, securityToken string
	expires                                     time.Time
}

// refreshMargin is how long before expiry temporary credentials are renewed, as credentials-go does.
const refreshMargin = 3 * time.Minute

// stillValidFor is how long credentials must stay valid to be used when their refresh failed.
const stillValidFor = 30 * time.Second

func (s *session) fresh(now time.Time) bool {
	return s != nil && (s.expires.IsZero() || now.Add(refreshMargin).Before(s.expires))
}

// source is one way of obtaining credentials.
type source interface {
	get(ctx context.Context) (*session, error)
	describe() string
}

// cached remembers a source's last session until it is about to expire. One caller at a time
// fetches: Terraform reads data sources in parallel, and one STS call per refresh is enough.
type cached struct {
	mu  sync.Mutex
	src source
	cur *session
}

func newCached(src source) *cached {
	if c, ok := src.(*cached); ok {
		return c
	}
	return &cached{src: src}
}

func (c *cached) describe() string { return c.src.describe() }

func (c *cached) get(ctx context.Context) (*session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur.fresh(time.Now()) {
		return c.cur, nil
	}
	s, err := c.src.get(ctx)
	if err != nil {
		// Credentials inside the refresh margin still work for a while: a failed early refresh
		// keeps them, and is tried again at the next request.
		if c.cur != nil && time.Now().Add(stillValidFor).Before(c.cur.expires) {
			return c.cur, nil
		}
		return nil, err
	}
	c.cur = s
	return s, nil
}

// static credentials never expire and need no request.
type static struct {
	s    session
	from string
}

func (s *static) get(context.Context) (*session, error) { return &s.s, nil }
func (s *static) describe() string                      { return s.from }

// fetcher makes the HTTP requests of credential sources with the client's transport (proxy,
// timeouts, bounded bodies) and its retry policy.
type fetcher struct {
	http        *httpClient
	connect     time.Duration
	read        time.Duration
	maxRetries  int
	backoff     func(attempt int) time.Duration
	stsEndpoint string // host[:port] that overrides every other choice; "" for none
	stsFrom     string // the setting stsEndpoint came from, for messages
}

// retry runs once until it succeeds, fails for good, or the retries are spent. once returns raw
// errors (API errors, transport errors, MalformedResponseError) for isRetryable to classify, or a
// *CredentialError, which is final. The result is always a *CredentialError on failure.
func (f *fetcher) retry(ctx context.Context, what string, once func(ctx context.Context) (*session, error)) (*session, error) {
	for attempt := 1; ; attempt++ {
		s, err := once(ctx)
		if err == nil {
			return s, nil
		}
		var ce *CredentialError
		if errors.As(err, &ce) {
			if ce.Attempts == 0 {
				ce.Attempts = attempt
			}
			return nil, ce
		}
		if ctx.Err() != nil {
			return nil, &CredentialError{Source: what, Problem: "cancelled: " + ctx.Err().Error(), Attempts: attempt}
		}
		if !isRetryable(err) || attempt > f.maxRetries {
			return nil, safeFetchError(what, err, attempt)
		}
		if Sleep(ctx, f.backoff(attempt)) != nil {
			return nil, &CredentialError{Source: what, Problem: "cancelled: " + ctx.Err().Error(), Attempts: attempt}
		}
	}
}

// safeFetchError describes a failed request without quoting any body, header or query string.
func safeFetchError(what string, err error, attempts int) *CredentialError {
	ce := &CredentialError{Source: what, Attempts: attempts, Transient: isRetryable(err)}
	var apiErr *APIError
	var malformed *MalformedResponseError
	var urlErr *url.Error
	var proxyErr *ProxyError
	switch {
	case errors.As(err, &proxyErr):
		ce.Problem = proxyErr.Error()
		ce.Fix = "correct " + proxyErr.Variable + " (a URL such as http://proxy.example.com:3128) or unset it"
	case errors.As(err, &apiErr):
		ce.Code, ce.HTTPStatus, ce.RequestID = apiErr.Code, apiErr.HTTPStatus, apiErr.RequestID
		ce.Problem = "the service answered with an error"
		if apiErr.Code == "UnexpectedResponse" {
			// The transport's stand-in for a body that was not JSON (a proxy's page): its text quotes
			// that body, which is not repeated here.
			ce.Code, ce.Problem = "", "the answer was an error page that is not the service's JSON"
		} else if apiErr.Message != "" && !strings.ContainsAny(apiErr.Message, "{}") {
			ce.Problem += ": " + truncate(apiErr.Message, 300)
		}
	case errors.As(err, &malformed):
		ce.Problem = "the answer could not be read (empty, cut short or not JSON)"
	case isHostNotFound(err) && IsProxyFailure(err):
		ce.Problem = "the proxy's host name was not found in DNS (" + dnsName(err) + "): check HTTPS_PROXY (or https_proxy)"
	case isHostNotFound(err):
		// Not transient: a name that DNS does not know is a configuration mistake (or a network
		// without the right DNS), and retrying later will not change it.
		ce.Problem = "the host name was not found in DNS (" + dnsName(err) + ")"
	case errors.As(err, &urlErr):
		// url.Error quotes the URL, query included; keep the cause only.
		ce.Problem = "the request failed: " + urlErr.Err.Error()
	case errors.Is(err, errResponseTooLarge):
		ce.Problem = err.Error()
	default:
		var netErr net.Error
		if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			ce.Problem = "the request failed: " + err.Error()
		} else {
			ce.Problem = "the request failed (" + fmt.Sprintf("%T", err) + ")"
		}
	}
	return ce
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// redactURL is an endpoint as it may be shown: scheme, host and path, without user info or query,
// which may carry a token.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(an unparsable URL)"
	}
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// get sends one GET (or PUT when method says so) and returns the body of a 2xx answer. Other
// statuses become *APIError (so 429 and 5xx are retryable) without the body.
func (f *fetcher) do(ctx context.Context, method, rawURL string, header http.Header) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return nil, &CredentialError{Source: redactURL(rawURL), Problem: "the URL is not valid"}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := f.http.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }() // the body is read in full or abandoned; nothing to report
	body, err := io.ReadAll(&limitedBody{ReadCloser: resp.Body, left: 1 << 20})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		code := "HTTPError"
		if resp.StatusCode == http.StatusTooManyRequests {
			code = "Throttling"
		}
		return nil, &APIError{Action: method, HTTPStatus: resp.StatusCode, Code: code}
	}
	return body, nil
}

// sessionFields is the JSON shape of temporary credentials that STS, credential URIs and the ECS
// metadata service share.
type sessionFields struct {
	Code            string
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string
	SecurityToken   string
	Expiration      string
}

// checkCode refuses an answer whose Code says it failed. Code is optional: credentials-go's URI
// provider (credentials/providers/uri.go, v1.4.14) does not read it, so an answer without it is
// judged by its credential fields alone; one with a Code other than "Success" (the value the ECS
// metadata service and credentials URIs send with credentials) is an error.
func (a *sessionFields) checkCode(what string) error {
	if a.Code != "" && a.Code != "Success" {
		return &CredentialError{Source: what, Problem: "the answer's Code is not \"Success\""}
	}
	return nil
}

// toSession checks an answer's fields, naming what is missing, never a value.
func (a *sessionFields) toSession(what string, needToken bool) (*session, error) {
	var missing []string
	for _, f := range []struct {
		name string
		v    string
		need bool
	}{{"AccessKeyId", a.AccessKeyID, true}, {"AccessKeySecret", a.AccessKeySecret, true},
		{"SecurityToken", a.SecurityToken, needToken}, {"Expiration", a.Expiration, needToken}} {
		if f.need && f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, &CredentialError{Source: what, Problem: "the answer lacks " + strings.Join(missing, " and ")}
	}
	s := &session{accessKeyID: a.AccessKeyID, accessKeySecret: a.AccessKeySecret, securityToken: a.SecurityToken}
	if a.Expiration != "" {
		t, err := time.Parse(time.RFC3339, a.Expiration)
		if err != nil {
			return nil, &CredentialError{Source: what, Problem: "the answer's Expiration is not an RFC 3339 time"}
		}
		s.expires = t
	}
	return s, nil
}

// decodeSession reads a JSON answer: a body that is not JSON is retryable (MalformedResponseError,
// without the body); JSON of the wrong shape is final.
func decodeSession(what string, body []byte, v any) error {
	if !json.Valid(body) {
		return &MalformedResponseError{Action: what, Err: errors.New("not JSON")}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &CredentialError{Source: what, Problem: "the answer is JSON of an unexpected shape"}
	}
	return nil
}

// stsHost chooses the STS endpoint: the provider's sts_endpoint first, then the one a profile
// names (sts.<sts_region>.aliyuncs.com), then sts.aliyuncs.com.
func (f *fetcher) stsHost(profileRegion string) string {
	switch {
	case f.stsEndpoint != "":
		return f.stsEndpoint
	case profileRegion != "":
		return "sts." + profileRegion + ".aliyuncs.com"
	}
	return "sts.aliyuncs.com"
}

// callSTS sends one STS action over HTTPS with the SDK core (which signs it with signer's
// credentials, or not at all when signer is nil) and this fetcher's transport and retries.
func (f *fetcher) callSTS(ctx context.Context, host, action string, params map[string]string, signer source) (*session, error) {
	what := fmt.Sprintf("STS %s at %s", action, RedactURL(host))
	body := make(map[string]interface{}, len(params))
	for k, v := range params {
		if v != "" {
			body[k] = v
		}
	}
	s, err := f.retry(ctx, what, func(ctx context.Context) (*session, error) {
		cfg := &openapi.Config{
			Endpoint:       dara.String(host),
			Protocol:       dara.String("https"),
			ConnectTimeout: dara.Int(int(f.connect / time.Millisecond)),
			ReadTimeout:    dara.Int(int(f.read / time.Millisecond)),
			HttpClient:     f.http,
		}
		authType := "Anonymous"
		if signer != nil {
			s, err := signer.get(ctx)
			if err != nil {
				return nil, err
			}
			authType = "AK"
			cfg.Credential = staticCredential(s)
		}
		sdk, err := openapi.NewClient(cfg)
		if err != nil {
			return nil, &CredentialError{Source: what, Problem: "the SDK client could not be created"}
		}
		sdk.DisableSDKError = dara.Bool(true)
		res, err := sdk.CallApiWithCtx(ctx, &openapi.Params{
			Action: dara.String(action), Version: dara.String("2015-04-01"), Protocol: dara.String("HTTPS"),
			Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String(authType),
			Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String("string"),
		}, &openapi.OpenApiRequest{Body: body}, &dara.RuntimeOptions{})
		if err != nil {
			return nil, apiErrorFrom(action, err)
		}
		raw, _ := res["body"].(string)
		return decodeSTSAnswer(action, what, []byte(raw))
	})
	f.explainUnreachableSTS(host, err)
	return s, err
}

// explainUnreachableSTS adds to a failure to reach the STS host what to check: the setting that
// named the host, when one did, and the forms it takes.
func (f *fetcher) explainUnreachableSTS(host string, err error) {
	var ce *CredentialError
	if !errors.As(err, &ce) || ce.Fix != "" || strings.Contains(ce.Problem, "proxy") ||
		(!strings.Contains(ce.Problem, "not found in DNS") && !strings.Contains(ce.Problem, "connection refused")) {
		return
	}
	if f.stsEndpoint != "" && host == f.stsEndpoint {
		ce.Fix = fmt.Sprintf("check %s: it names the host %s; write it as host[:port] or https://host[:port], such as "+
			"sts.aliyuncs.com or sts-vpc.cn-shanghai.aliyuncs.com", f.stsFrom, RedactURL(host))
		return
	}
	ce.Fix = fmt.Sprintf("check the STS host %s (set sts_endpoint or ALIBABA_CLOUD_STS_ENDPOINT to choose another), "+
		"and this machine's DNS and network", RedactURL(host))
}

// stsAnswer is the part of AssumeRole's and AssumeRoleWithOIDC's answers the provider reads (decode.go
// says what each missing field means).
type stsAnswer struct {
	RequestID   string `json:"RequestId"`
	Credentials sessionFields
}

// decodeSTSAnswer reads an STS answer's temporary credentials; what names the call in errors, which
// name every missing field and the request ID, never a value.
func decodeSTSAnswer(action, what string, body []byte) (*session, error) {
	var answer stsAnswer
	if err := decodeSession(action, body, &answer); err != nil {
		return nil, err
	}
	s, err := answer.Credentials.toSession(what, true)
	var ce *CredentialError
	if errors.As(err, &ce) {
		ce.RequestID = answer.RequestID
	}
	return s, err
}

// staticCredential hands a session to the SDK core for signing one request.
func staticCredential(s *session) credentials.Credential {
	var p providers.CredentialsProvider
	if s.securityToken != "" {
		p, _ = providers.NewStaticSTSCredentialsProviderBuilder().WithAccessKeyId(s.accessKeyID).
			WithAccessKeySecret(s.accessKeySecret).WithSecurityToken(s.securityToken).Build()
	} else {
		p, _ = providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(s.accessKeyID).
			WithAccessKeySecret(s.accessKeySecret).Build()
	}
	return credentials.FromCredentialsProvider(p.GetProviderName(), p)
}
