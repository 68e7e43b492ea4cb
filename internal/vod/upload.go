package vod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"
)

// Upload defaults (UploadConfig's zero values).
const (
	// DefaultUploadPartSize is the part size of multipart uploads, and the size from which an
	// upload is multipart: OSS takes parts of 100 KB to 5 GB and at most 10,000 of them
	// (oss-upload.md, from the OSS SDK v2's defaults.go); the SDK's uploader grows the part size
	// when a file would need more.
	DefaultUploadPartSize = 8 << 20
	// DefaultUploadParallel is how many parts are sent at once.
	DefaultUploadParallel = 3
	// DefaultUploadAttempts bounds the attempts of each OSS request (the first included).
	DefaultUploadAttempts = 3
	// abortTimeout bounds the AbortMultipartUpload sent after a failed or cancelled upload.
	abortTimeout = 30 * time.Second
)

// UploadConfig says how Client.Upload reaches OSS. Every field is optional.
type UploadConfig struct {
	// Endpoint, if set, replaces the endpoint of every UploadAddress: scheme://host[:port], no
	// path. It is for tests and emulators (the VOD emulator serves OSS on its own listener); the
	// bucket and object key still come from the UploadAddress.
	Endpoint string
	// PathStyle sends the bucket in the path (https://host/bucket/key) instead of the host name
	// (https://bucket.host/key), as endpoints without per-bucket host names need. The OSS SDK
	// already uses path style for an endpoint that is an IP address.
	PathStyle bool
	// Region is the region V4 signatures are made for, such as cn-shanghai. Empty: told from the
	// endpoint's host (oss-<region>[-internal].aliyuncs.com), else the client's RegionID.
	Region string
	// SignatureV1 signs with OSS's V1 signature instead of V4 (the SDK's default). V1 is no
	// longer offered to new OSS customers (oss-upload.md, "V1 phase-out").
	SignatureV1 bool
	// PartSize is the multipart part size in bytes, and the size from which an upload is
	// multipart (default DefaultUploadPartSize; OSS's minimum part is 100 KB).
	PartSize int64
	// Parallel is how many parts are in flight at once (default DefaultUploadParallel).
	Parallel int
	// MaxAttempts bounds each OSS request's attempts, the first included, for the failures the OSS
	// SDK deems retryable (5xx, throttling, connection errors); default DefaultUploadAttempts.
	MaxAttempts int
	// HTTPClient sends the OSS requests; nil uses the OSS SDK's own (its connect and read-write
	// timeouts).
	HTTPClient *http.Client
}

// UploadInput is what Client.Upload sends.
type UploadInput struct {
	// Ticket is CreateUploadImage's answer: the address and credential.
	Ticket *UploadTicket
	// Body is read once, streaming. An *os.File (an io.ReaderAt and io.Seeker) is read part by part
	// in place; another reader is read into at most Parallel+1 part buffers at a time.
	Body io.Reader
	// Size is Body's length in bytes, or -1 when unknown. When unknown and Body is not an
	// io.Seeker, the upload is multipart whatever its size.
	Size int64
	// ContentType, if set, is the object's Content-Type; else the SDK guesses it from the key.
	ContentType string
}

// UploadOutput is an upload's result.
type UploadOutput struct {
	// Multipart says whether the object went as a multipart upload.
	Multipart bool
	ETag      string
	RequestID string
}

// Upload uploads an image's bytes to the OSS object of its ticket, with the ticket's temporary
// credential, through Alibaba's OSS Go SDK v2: one PutObject below UploadConfig.PartSize, else a
// multipart upload. A multipart upload that fails or is cancelled is aborted (with its own short
// timeout, since ctx may be over), so that no parts are left behind. ctx cancels the upload; each
// request is retried at most UploadConfig.MaxAttempts times in all.
//
// Its errors are *UploadError: code, HTTP status and request ID of OSS's answer when there was one,
// and what to do; their text never holds the credential. IsUploadCredentialExpired tells an
// expired credential (the image must then be deleted and a new one created); errors.Is(err,
// context.Canceled) and context.DeadlineExceeded work.
func (c *Client) Upload(ctx context.Context, in UploadInput) (*UploadOutput, error) {
	t := in.Ticket
	if t == nil || t.Auth == nil || t.Auth.secret.get().securityToken == "" {
		return nil, &UploadError{Op: "upload", Kind: UploadFailedLocally, Message: "no upload ticket with a credential was given",
			Hint: "call CreateUploadImage first"}
	}
	base := &UploadError{ImageID: t.ImageID, Bucket: t.Address.Bucket, Key: t.Address.FileName}
	if t.Auth.Expired(c.rates.clock.Now()) {
		e := *base
		e.Op, e.Kind = "upload", UploadCredentialExpired
		e.Message = "the upload credential expired at " + t.Auth.Expires.UTC().Format(time.RFC3339)
		return nil, e.withHint()
	}
	if in.Body == nil {
		e := *base
		e.Op, e.Kind, e.Message = "upload", UploadFailedLocally, "no content to upload"
		return nil, &e
	}
	client, err := c.ossClient(t)
	if err != nil {
		e := *base
		e.Op, e.Kind, e.Message = "upload", UploadFailedLocally, err.Error()
		return nil, &e
	}
	cfg := c.upload
	partSize := cfg.PartSize
	if partSize <= 0 {
		partSize = DefaultUploadPartSize
	}
	parallel := cfg.Parallel
	if parallel <= 0 {
		parallel = DefaultUploadParallel
	}
	body := in.Body
	if _, seeks := body.(io.Seeker); !seeks && in.Size >= 0 {
		body = &sizedReader{r: body, left: in.Size} // lets the uploader see the size (its Len)
	}
	req := &oss.PutObjectRequest{Bucket: oss.Ptr(t.Address.Bucket), Key: oss.Ptr(t.Address.FileName)}
	if in.ContentType != "" {
		req.ContentType = oss.Ptr(in.ContentType)
	}
	uploader := oss.NewUploader(client, func(o *oss.UploaderOptions) {
		o.PartSize = partSize
		o.ParallelNum = parallel
		o.LeavePartsOnError = true // aborted below, with a context that is not over
	})
	res, err := uploader.UploadFrom(ctx, req, body)
	if err != nil {
		var upErr *oss.UploadError
		if errors.As(err, &upErr) && upErr.UploadId != "" {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
			_, _ = client.AbortMultipartUpload(actx, &oss.AbortMultipartUploadRequest{Bucket: req.Bucket, Key: req.Key, UploadId: oss.Ptr(upErr.UploadId)})
			cancel()
		}
		return nil, c.uploadError(ctx, base, t.Auth, err)
	}
	return &UploadOutput{Multipart: res.UploadId != nil && *res.UploadId != "", ETag: oss.ToString(res.ETag),
		RequestID: res.Headers.Get("x-oss-request-id")}, nil
}

// ossClient makes an OSS SDK client for t: its endpoint (or UploadConfig.Endpoint), its region for
// V4, its credential as a static provider, bounded retries.
func (c *Client) ossClient(t *UploadTicket) (*oss.Client, error) {
	cfg := c.upload
	endpoint := t.Address.Endpoint
	if cfg.Endpoint != "" {
		endpoint = cfg.Endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		// No scheme: OSS's endpoints are often given as a bare host name.
		if u, err = url.Parse("https://" + endpoint); err != nil || u.Host == "" {
			return nil, fmt.Errorf("the OSS endpoint %q is not a URL or host name", endpoint)
		}
	}
	region := cfg.Region
	if region == "" {
		region = ossRegion(t.Address.Endpoint)
	}
	if region == "" {
		region = c.region
	}
	if region == "" && !cfg.SignatureV1 {
		return nil, fmt.Errorf("no region for OSS V4 signatures: the endpoint %q names none and none is configured", endpoint)
	}
	attempts := cfg.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultUploadAttempts
	}
	sec := t.Auth.secret.get()
	ocfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(t.Auth.AccessKeyID, sec.accessKeySecret, sec.securityToken)).
		WithRegion(region).
		WithEndpoint(u.Scheme + "://" + u.Host).
		WithRetryer(retry.NewStandard(func(o *retry.RetryOptions) { o.MaxAttempts = attempts })).
		WithRetryMaxAttempts(attempts).
		WithUsePathStyle(cfg.PathStyle).
		WithUserAgent("terraform-provider-vod")
	if u.Scheme == "http" {
		ocfg = ocfg.WithDisableSSL(true)
	}
	if cfg.SignatureV1 {
		ocfg = ocfg.WithSignatureVersion(oss.SignatureVersionV1)
	}
	if cfg.HTTPClient != nil {
		ocfg = ocfg.WithHttpClient(cfg.HTTPClient)
	}
	return oss.NewClient(ocfg), nil
}

// ossHost matches OSS's public and internal endpoint names: oss-<region>.aliyuncs.com and
// oss-<region>-internal.aliyuncs.com, with or without a bucket in front (OSS "Regions and
// endpoints"; oss-upload.md).
var ossHost = regexp.MustCompile(`(?:^|\.)oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$`)

// ossRegion is the region an OSS endpoint names, or "".
func ossRegion(endpoint string) string {
	host := endpoint
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		host = u.Host
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	m := ossHost.FindStringSubmatch(host)
	if m == nil || m[1] == "accelerate" || m[1] == "accelerate-overseas" {
		return ""
	}
	return m[1]
}

// sizedReader tells the uploader how much is left (its Len), so that a reader of known size below
// the part size goes as one PutObject.
type sizedReader struct {
	r    io.Reader
	left int64
}

func (s *sizedReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.left -= int64(n)
	return n, err
}

func (s *sizedReader) Len() int { return int(max(s.left, 0)) }
