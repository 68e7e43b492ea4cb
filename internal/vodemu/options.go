package vodemu

import (
	"log"
	"time"
)

// Options configures a Server. AccessKeyID and AccessKeySecret are required.
type Options struct {
	// The long-term credential pair. Temporary credentials issued by the
	// STS actions are accepted as well, until they expire.
	AccessKeyID, AccessKeySecret string
	// If non-empty, every request signed with AccessKeyID must carry
	// exactly this token (V1 parameter SecurityToken, V3 header
	// x-acs-security-token). If empty, tokens such requests carry are
	// ignored. Temporary credentials always need their own token.
	SecurityToken string
	// Region names HostId "vod.<Region>.aliyuncs.com"; default cn-shanghai.
	// It is all a region does: RegionId parameters are accepted and ignored
	// (a deliberate choice: which host serves a region is the client's
	// business, and the official client sends cn-hangzhou to
	// vod.cn-shanghai.aliyuncs.com [Models, endpoints]).
	Region string
	Images []Image
	// Categories seed the category tree (categories.go, completeCategories): parents before
	// children. Images' CateIds the list lacks become level-1 categories named by the images'
	// CateName; the built-in level-1 material categories are DefaultMaterialCategories unless
	// the list has some.
	Categories []Category
	// Now is the server clock (default time.Now); tests use it to control
	// timestamp, URL and temporary-credential expiry checks.
	Now func() time.Time
	// Logger receives one line per request; nil is silent. Secrets,
	// tokens and signatures are never logged.
	Logger *log.Logger
	// OnRequest, if set, is called for every RPC request that was read,
	// with the Action it names and a copy of its parameters (query and
	// form, as received: signatures and tokens included). It is for tests
	// that check what a client sends; it must not block.
	OnRequest func(action string, params map[string]string)

	// OSS key pair and CDN type-A private key used to sign returned URLs.
	// Empty means the Default* constants above.
	OSSAccessKeyID, OSSAccessKeySecret, CDNPrivateKey string
	// OSSSecurityToken, if set, makes the OSS key pair a temporary (STS) one: the URLs carry
	// the token (V1 security-token, V4 x-oss-security-token) and the OSS endpoint requires it.
	OSSSecurityToken string
	// OSSSignatureVersion ("v1" or "v4"; "" is v1) is how OSS URLs are signed;
	// OSSBucketSignatureVersions sets it per bucket name, and an Image's OSSSignatureVersion per
	// image, each overriding the wider one. See ParseOSSSignatureVersions.
	OSSSignatureVersion        string
	OSSBucketSignatureVersions map[string]string
	// CDNURLValidity is the CDN domain's validity period of type-A signed
	// URLs: a CDN URL is served until its timestamp plus this. Zero means
	// DefaultCDNURLValidity.
	CDNURLValidity time.Duration

	// Upload configures CreateUploadImage's credentials and storage, and when uploaded images
	// leave Uploading (upload.go).
	Upload UploadOptions

	// STS configures AssumeRole and AssumeRoleWithOIDC.
	STS STSOptions

	// CA, if set, makes Start/StartOn serve TLS (certificates from CA) and
	// plain HTTP on the same port, and act as a CONNECT proxy that keeps
	// every *.aliyuncs.com request here (serveProxy). So with
	// HTTPS_PROXY=http://127.0.0.1:PORT and SSL_CERT_FILE pointing at the
	// CA's certificate, clients that insist on https://sts.aliyuncs.com
	// (credentials-go's RamRoleArn, OIDC and ChainableRamRoleArn CLI
	// profiles) or https://vod.<region>.aliyuncs.com reach the emulator. Go
	// reads HTTPS_PROXY once per process, and exempts loopback addresses
	// from it.
	CA *CA

	// FaultSeed seeds the random sequence behind SetFaultRate (0 is a
	// seed like any other): the same seed and request order give the
	// same faults.
	FaultSeed int64
	Faults    FaultOptions

	// QPS, if > 0, limits each Action to QPS requests per second (token
	// bucket, burst max(1, QPS)); requests above it get Throttling.User.
	// ActionQPS sets an Action's own limit instead (0: none); see
	// DocumentedQPS and ParseRateLimits.
	QPS       float64
	ActionQPS map[string]float64
}

// Stats is a snapshot of what the server answered.
type Stats struct {
	Requests int64            `json:"requests"`
	ByAction map[string]int64 `json:"by_action"` // "" for a missing or unknown Action
	ByCode   map[string]int64 `json:"by_code"`   // "OK" for success, "fault:<kind>" for a fault without a Code
	ByFault  map[string]int64 `json:"by_fault"`  // injected faults by kind, "slow" included
	// CONNECT tunnels opened, and proxy requests refused (CONNECT or
	// absolute-form to a host that is not emulated). Not in Requests.
	ProxyConnects int64 `json:"proxy_connects"`
	ProxyRefused  int64 `json:"proxy_refused"`
	// OSS requests, not in Requests: by operation (ossOperation's names, "" for one not served)
	// and by answer code ("OK", an OSS error code, or "fault:<kind>").
	OSSByOperation map[string]int64 `json:"oss_by_operation"`
	OSSByCode      map[string]int64 `json:"oss_by_code"`
}

func (s Stats) clone() Stats {
	out := s
	out.ByAction, out.ByCode, out.ByFault = copyCounts(s.ByAction), copyCounts(s.ByCode), copyCounts(s.ByFault)
	out.OSSByOperation, out.OSSByCode = copyCounts(s.OSSByOperation), copyCounts(s.OSSByCode)
	return out
}

func copyCounts(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
