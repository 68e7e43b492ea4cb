// Package vod is a small typed client for the ApsaraVideo VOD API. Signing, transport and credentials
// come from Alibaba Cloud's SDK core (darabonba-openapi) and credentials-go; this package adds typed
// requests and responses, error classification and retries. It knows nothing of Terraform.
package vod

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
)

// APIVersion is the VOD API version every request names.
const APIVersion = "2017-03-21"

// Defaults used when Config (or CredentialSource) leaves a field at its zero value: the timeouts
// of one HTTP request, and the retries of failures other than throttling.
const (
	defaultConnectTimeout = 10 * time.Second
	defaultReadTimeout    = 30 * time.Second
	DefaultMaxRetries     = 3
)

// SignatureVersion selects how requests are signed.
type SignatureVersion string

const (
	// SignatureV3 is ACS3-HMAC-SHA256, the SDK core's default.
	SignatureV3 SignatureVersion = "v3"
	// SignatureV1 is the classic RPC HMAC-SHA1 signature.
	SignatureV1 SignatureVersion = "v1"
)

// Config says where and how to reach VOD. Durations are time.Durations; a zero field takes the
// default named on it.
type Config struct {
	// Endpoint is a URL such as https://vod.cn-shanghai.aliyuncs.com or http://127.0.0.1:8080, or
	// a host[:port] for https (ParseEndpoint; EndpointForRegion gives the public one); required.
	Endpoint string
	// RegionID is the region ID the requests are signed for, such as cn-shanghai; required.
	RegionID string
	// Credential signs the requests; required. A *Credential from NewCredential is resolved with
	// each call's context before every attempt.
	Credential credentials.Credential
	// UserAgent is appended to the SDK core's own user agent.
	UserAgent        string
	SignatureVersion SignatureVersion
	// MaxRetries bounds the extra attempts made for retryable failures other than throttling; a
	// negative value means none. Throttling answers are retried for up to ReadTimeout instead (see
	// Client.call). Zero means none: DefaultMaxRetries is the caller's to pass.
	MaxRetries int
	// ConnectTimeout bounds connecting to the endpoint (default 10s).
	ConnectTimeout time.Duration
	// ReadTimeout bounds one request's answer (default 30s), and how long a call retries Throttling
	// answers.
	ReadTimeout time.Duration
	// Batch coalesces concurrent GetImage calls into GetImageInfos requests, waiting for more reads
	// in units of 25ms, at most 8 of them (see batcher).
	Batch bool
	// RequestsPerSecond, if > 0, is a hard ceiling in requests per second: every request (retries
	// included, all actions together) is paced under it, and no action's learned rate goes above it. Without it each
	// action's rate still starts at its documented limit and learns from throttling (see
	// rateControl).
	RequestsPerSecond float64
	// OnAttempt, if set, is told about every attempt (numbered from 1) and its outcome, for logs.
	// It is called by one goroutine at a time, even when a call such as GetImages sends requests
	// in parallel with one ctx: terraform-plugin-log's masking is not safe for concurrent use of a
	// context's logger.
	OnAttempt func(ctx context.Context, a Attempt)
	// Upload says how Client.Upload reaches OSS (endpoint override, part size, retries).
	Upload UploadConfig

	// Set by this package's tests only. backoff returns the wait before retry number attempt (from
	// 1); nil means exponential with jitter. batchWindow replaces the batches' 25ms unit.
	backoff     func(attempt int) time.Duration
	batchWindow time.Duration
}

// Attempt describes one request sent, for logs. It holds no credentials.
type Attempt struct {
	Action string
	// Query holds the action's own parameters (ImageIds, Match, OutputType, ...): no signature,
	// key or token, which the SDK adds. Read it only during the call.
	Query     map[string]string
	Number    int
	Duration  time.Duration
	RequestID string // when VOD answered
	Err       error  // nil on success
	Retrying  bool   // another attempt follows
	// RequestsPerSecond is the action's rate after this attempt's outcome (see rateControl): a
	// Throttling answer shows the rate cut.
	RequestsPerSecond float64
}

// Client calls VOD operations. It is safe for concurrent use.
//
// The errors of its calls (GetImage, GetImages, SearchImages) come wrapped with the action's name,
// so use errors.As and errors.Is:
//   - *APIError: VOD answered with an error code. NoSuchResource (IsNotFound) and other client
//     errors come at once; a Throttling code once Config.ReadTimeout of retrying it has passed
//     (APIError.Throttled says how long); a 5xx, ServiceUnavailable or InternalError after
//     Config.MaxRetries retries. APIError.Attempts counts the requests sent.
//   - *MalformedResponseError: the answer was not JSON (empty, cut short, garbled), after
//     Config.MaxRetries retries. An answer that is JSON of the wrong shape is a plain error naming
//     the action and the request ID, not retried.
//   - A transport error (a net.Error, io.ErrUnexpectedEOF, a reset or refused connection) after
//     Config.MaxRetries retries; IsUnreachable tells an endpoint that cannot be reached at all. A
//     response body over 4 MiB is an error at once.
//   - *CredentialError: a NewCredential credential could not be obtained (it retried its own
//     requests already).
//   - context.Canceled or context.DeadlineExceeded, as soon as ctx ends, even mid-wait (while
//     credentials are fetched, a *CredentialError that says cancelled).
//
// Errors other than *APIError say how many attempts were made when there were several.
type Client struct {
	// sdks holds SDK core clients, one per call in flight: an openapi.Client mutates its own fields
	// on every request, so it must not be shared between goroutines. newSDK makes one when the
	// pool is empty.
	sdks      sync.Pool
	newSDK    func() (*openapi.Client, error)
	retry     retryPolicy // when and how long to retry (retry.go)
	onAttempt func(ctx context.Context, a Attempt)
	reportMu  sync.Mutex // serializes onAttempt
	batcher   *batcher   // nil when batching is off
	rates     *rateControl
	// batchOnly sends every batch of several IDs as GetImageInfos, never as GetImageInfo calls
	// (readMany): for the measurement that shows what using both actions gains.
	batchOnly bool
	// resolve, when the credential has a context-aware refresh (NewCredential's), gets fresh
	// credentials with the request's context before each attempt.
	resolve func(ctx context.Context) error
	// upload and region (Config.Upload, Config.RegionID) are Upload's; updater and deleter
	// coalesce UpdateImage and DeleteImage calls when batching is on (nil when off).
	upload  UploadConfig
	region  string
	updater *updater
	deleter *deleter
}

// New checks cfg and builds a client. It makes no network call. It returns a plain error when the
// credential or region is missing, and ParseEndpoint's error (the value redacted) when the endpoint
// has none of the forms it takes.
func New(cfg Config) (*Client, error) {
	if cfg.Credential == nil {
		return nil, errors.New("no credential given")
	}
	if cfg.RegionID == "" {
		return nil, errors.New("no region given")
	}
	scheme, host, err := splitEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	connectTimeout := orDefault(cfg.ConnectTimeout, defaultConnectTimeout)
	readTimeout := orDefault(cfg.ReadTimeout, defaultReadTimeout)
	sdkCfg := &openapi.Config{
		Credential:     cfg.Credential,
		Endpoint:       dara.String(host),
		Protocol:       dara.String(scheme),
		RegionId:       dara.String(cfg.RegionID),
		UserAgent:      dara.String(cfg.UserAgent),
		ConnectTimeout: dara.Int(int(connectTimeout / time.Millisecond)),
		ReadTimeout:    dara.Int(int(readTimeout / time.Millisecond)),
		HttpClient:     newHTTPClient(connectTimeout, readTimeout),
	}
	if cfg.SignatureVersion == SignatureV1 {
		sdkCfg.SignatureAlgorithm = dara.String("v2") // the SDK core's name for the RPC HMAC-SHA1 signer
	}
	newSDK := func() (*openapi.Client, error) {
		sdk, err := openapi.NewClient(sdkCfg)
		if err != nil {
			return nil, fmt.Errorf("creating the VOD SDK client: %w", err)
		}
		// Typed errors (ClientError, ServerError, ThrottlingError) rather than flattened SDKErrors.
		sdk.DisableSDKError = dara.Bool(true)
		return sdk, nil
	}
	first, err := newSDK()
	if err != nil {
		return nil, err
	}
	// throttleBudget bounds how long one call retries Throttling answers: ReadTimeout.
	c := &Client{newSDK: newSDK, retry: retryPolicy{maxRetries: cfg.MaxRetries, backoff: cfg.backoff, throttleBudget: readTimeout},
		onAttempt: cfg.OnAttempt, rates: newRateControl(cfg.RequestsPerSecond)}
	c.sdks.Put(first)
	if r, ok := cfg.Credential.(interface{ Resolve(context.Context) error }); ok {
		c.resolve = r.Resolve
	}
	if cfg.Batch {
		c.batcher = newBatcher(c, cfg.batchWindow)
		c.updater, c.deleter = newUpdater(c, cfg.batchWindow), newDeleter(c, cfg.batchWindow)
	}
	c.upload, c.region, c.rates.region = cfg.Upload, cfg.RegionID, cfg.RegionID
	if c.retry.maxRetries < 0 {
		c.retry.maxRetries = 0
	}
	if c.retry.backoff == nil {
		c.retry.backoff = exponentialBackoff
	}
	return c, nil
}

func splitEndpoint(endpoint string) (scheme, host string, err error) {
	return ParseEndpoint(endpoint)
}

// takeSDK returns an SDK core client from the pool, or a new one when the pool is empty (its New
// is unset, so Get returns nil then). Put it back when the call is done.
func (c *Client) takeSDK() (*openapi.Client, error) {
	if sdk, ok := c.sdks.Get().(*openapi.Client); ok {
		return sdk, nil
	}
	return c.newSDK()
}

// call sends one RPC action and decodes its answer, retrying retryable failures. Every attempt is
// a new SDK call, so it carries a fresh timestamp, nonce and signature. decode runs inside the loop
// because a garbled body (cut short, empty, not JSON) is as transient as a 503.
//
// Every attempt waits for its turn at the action's rate (rateControl). Throttling answers are the
// account's limit, not faults: they lower the rate and are retried, after a jitter of up to one
// interval, until throttleBudget has passed since the first of them; a call fails on throttling
// only then, or when its next turn would come later than that, and its *APIError says how long it
// was throttled.
// Other retryable failures are retried up to maxRetries times with backoff, those of an action that
// creates something (notIdempotent) only when the request never reached VOD. The decision is
// retryPolicy.next (retry.go); ctx ends every wait at once.
func (c *Client) call(ctx context.Context, action string, query map[string]string, decode func([]byte) error) error {
	params := &openapi.Params{
		Action:      dara.String(action),
		Version:     dara.String(APIVersion),
		Protocol:    dara.String("HTTPS"), // the client's Protocol (from the endpoint) takes precedence
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("string"), // decoded here into typed structs
	}
	q := make(map[string]*string, len(query))
	for k, v := range query {
		q[k] = dara.String(v)
	}
	sdk, err := c.takeSDK()
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	defer c.sdks.Put(sdk)
	clk := c.rates.clock
	retries := newRetryState(action)
	var lastErr error // of the attempt before, if it is retried
	for attempt := 0; ; attempt++ {
		turn, err := c.rates.wait(ctx, action, c.retry.throttleDeadline(&retries))
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return fmt.Errorf("%s: %w", action, ctxErr)
			}
			// No turn before the deadline: the last Throttling answer says why.
			var apiErr *APIError
			if !errors.As(lastErr, &apiErr) {
				return err
			}
			apiErr.Attempts, apiErr.Throttled = attempt, clk.Now().Sub(retries.throttledSince)
			return lastErr
		}
		start := time.Now()
		if c.resolve != nil {
			// A credential failure has had its own retries (and says so): it is final here.
			if err := c.resolve(ctx); err != nil {
				c.report(ctx, Attempt{Action: action, Number: attempt + 1, Duration: time.Since(start), Err: err})
				return fmt.Errorf("%s: getting credentials: %w", action, err)
			}
		}
		res, err := sdk.CallApiWithCtx(ctx, params, &openapi.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
		if err == nil {
			body, _ := res["body"].(string)
			err = decode([]byte(body))
		} else {
			err = apiErrorFrom(action, err)
		}
		throttled := isThrottling(err)
		var wait time.Duration
		final := true
		switch {
		case err == nil:
			c.rates.succeeded(action)
		case ctx.Err() != nil:
		default:
			if throttled {
				c.rates.throttled(action, turn)
			}
			var retry bool
			wait, retry = c.retry.next(&retries, err, clk.Now(), func() time.Duration { return c.rates.jitter(action) })
			final = !retry
		}
		c.report(ctx, Attempt{Action: action, Query: query, Number: attempt + 1, Duration: time.Since(start), Err: err, Retrying: !final,
			RequestID: requestID(res, err), RequestsPerSecond: c.rates.snapshot(action).RequestsPerSecond})
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%s: %w", action, ctxErr)
		}
		if final {
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				apiErr.Attempts = attempt + 1
				if throttled {
					apiErr.Throttled = clk.Now().Sub(retries.throttledSince)
				}
			} else if attempt > 0 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return err
		}
		lastErr = err
		if err := clk.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
	}
}

func (c *Client) report(ctx context.Context, a Attempt) {
	if c.onAttempt != nil {
		c.reportMu.Lock()
		defer c.reportMu.Unlock()
		c.onAttempt(ctx, a)
	}
}

// requestID is VOD's ID of the request that res or err answers, if any.
func requestID(res map[string]interface{}, err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.RequestID
	}
	if headers, ok := res["headers"].(map[string]interface{}); ok {
		if id, ok := headers["x-acs-request-id"].(string); ok {
			return id
		}
	}
	return ""
}

// exponentialBackoff waits between half and all of 200ms·2^(attempt-1), capped at 5s: the random
// half keeps many throttled readers from retrying in lockstep.
func exponentialBackoff(attempt int) time.Duration {
	ceiling := 200 * time.Millisecond << min(attempt-1, 5)
	ceiling = min(ceiling, 5*time.Second)
	return ceiling/2 + rand.N(ceiling/2+1)
}

// Sleep waits d, or until ctx ends, and then returns ctx's error: the client's waits (backoff, rate
// control) and the provider's (polling a new image) are all this one.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
