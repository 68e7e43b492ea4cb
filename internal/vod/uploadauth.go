package vod

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// UploadCredentialValidity is how long CreateUploadImage's upload credential lasts when its answer
// gives no usable expiry: 3,000 seconds, and it cannot be refreshed for images (models.json,
// CreateUploadImage "credential", from vod-20170321 client/client.go and VOD's "Upload URLs and
// credentials" page).
const UploadCredentialValidity = 3000 * time.Second

// UploadAddress is CreateUploadImage's UploadAddress, decoded: where the image's bytes go in OSS.
// Fields as VOD's "Upload URLs and credentials" page names them (models.json,
// "UploadAddress.decoded").
type UploadAddress struct {
	// Endpoint is the OSS endpoint, such as https://oss-cn-shanghai.aliyuncs.com.
	Endpoint string `json:"Endpoint"`
	Bucket   string `json:"Bucket"`
	// FileName is the object key to upload to.
	FileName string `json:"FileName"`
}

// UploadAuth is CreateUploadImage's UploadAuth, decoded: a temporary STS credential for the one
// object of its UploadAddress. The AccessKeySecret and SecurityToken are not reachable from outside
// this package, and no way of printing, logging or marshalling an UploadAuth shows them: String,
// GoString, Format (every fmt verb), MarshalJSON, MarshalText and LogValue all give the redacted
// form. Only Client.Upload uses them.
type UploadAuth struct {
	// AccessKeyID is the temporary AccessKey ID (not a secret by itself; shown shortened).
	AccessKeyID string
	// Expiration is the answer's Expiration as sent: documented as the validity period, seen both
	// as a count of seconds ("3000") and as a time.
	Expiration string
	// ExpireUTCTime is the absolute expiry, when the answer has it (seen in public client code
	// only, not in the official field table).
	ExpireUTCTime string
	// Expires is when the credential stops working, as well as it can be told: ExpireUTCTime, or
	// Expiration as a time, or the time CreateUploadImage answered plus Expiration in seconds, or
	// plus UploadCredentialValidity.
	Expires time.Time

	// secret is only a reference to the secret and token, kept outside the struct (secretStore):
	// fmt prints an unexported field by reflection, without its methods, under a wrong verb even
	// through a pointer (%s of a struct holding an UploadAuth), so nothing printable may hold them.
	secret *secretRef
}

type stsSecret struct {
	accessKeySecret string
	securityToken   string
}

// secretRef names an stsSecret in secretStore. Copies of an UploadAuth share it; when the last is
// gone, a cleanup removes the secret from the store.
type secretRef struct{ id uint64 }

var (
	secretStore sync.Map // uint64 → stsSecret
	secretSeq   atomic.Uint64
)

func storeSecret(s stsSecret) *secretRef {
	ref := &secretRef{id: secretSeq.Add(1)}
	secretStore.Store(ref.id, s)
	runtime.AddCleanup(ref, func(id uint64) { secretStore.Delete(id) }, ref.id)
	return ref
}

// get returns the secret and token; empty ones when r is nil.
func (r *secretRef) get() stsSecret {
	if r == nil {
		return stsSecret{}
	}
	s, _ := secretStore.Load(r.id)
	v, _ := s.(stsSecret)
	return v
}

// wireUploadAuth is UploadAuth's JSON as VOD encodes it.
type wireUploadAuth struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	SecurityToken   string `json:"SecurityToken"`
	Expiration      string `json:"Expiration"`
	ExpireUTCTime   string `json:"ExpireUTCTime"`
}

// decodeUploadAddress decodes the base64 JSON of CreateUploadImage's UploadAddress.
func decodeUploadAddress(s string) (UploadAddress, error) {
	var a UploadAddress
	raw, err := decodeBase64(s)
	if err != nil {
		return a, fmt.Errorf("UploadAddress is not base64: %w", err)
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, fmt.Errorf("UploadAddress is not the documented JSON object: %w", err)
	}
	var missing []string
	for name, v := range map[string]string{"Endpoint": a.Endpoint, "Bucket": a.Bucket, "FileName": a.FileName} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return a, fmt.Errorf("UploadAddress has no %s", strings.Join(missing, ", "))
	}
	return a, nil
}

// decodeUploadAuth decodes the base64 JSON of CreateUploadImage's UploadAuth; issued is when the
// answer came, for a relative Expiration. Its errors never quote the decoded text.
func decodeUploadAuth(s string, issued time.Time) (*UploadAuth, error) {
	raw, err := decodeBase64(s)
	if err != nil {
		return nil, fmt.Errorf("UploadAuth is not base64: %w", err)
	}
	var w wireUploadAuth
	if err := json.Unmarshal(raw, &w); err != nil {
		// json's errors may quote the input, a secret among it: say only where.
		return nil, fmt.Errorf("UploadAuth is not the documented JSON object (%d bytes)", len(raw))
	}
	var missing []string
	if w.AccessKeyID == "" {
		missing = append(missing, "AccessKeyId")
	}
	if w.AccessKeySecret == "" {
		missing = append(missing, "AccessKeySecret")
	}
	if w.SecurityToken == "" {
		missing = append(missing, "SecurityToken")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("UploadAuth has no %s", strings.Join(missing, ", "))
	}
	return &UploadAuth{
		AccessKeyID:   w.AccessKeyID,
		Expiration:    w.Expiration,
		ExpireUTCTime: w.ExpireUTCTime,
		Expires:       uploadAuthExpiry(w.Expiration, w.ExpireUTCTime, issued),
		secret:        storeSecret(stsSecret{accessKeySecret: w.AccessKeySecret, securityToken: w.SecurityToken}),
	}, nil
}

// uploadAuthExpiry tells when the credential expires; see UploadAuth.Expires.
func uploadAuthExpiry(expiration, expireUTC string, issued time.Time) time.Time {
	if t, ok := parseTime(expireUTC); ok {
		return t
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(expiration), 10, 64); err == nil && n > 0 {
		return issued.Add(time.Duration(n) * time.Second)
	}
	if t, ok := parseTime(expiration); ok {
		return t
	}
	return issued.Add(UploadCredentialValidity)
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// decodeBase64 accepts standard and URL-safe base64, padded or not.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var firstErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// Expired reports whether the credential has expired at now.
func (a *UploadAuth) Expired(now time.Time) bool {
	return a == nil || !now.Before(a.Expires)
}

// secrets returns the values no error text may contain.
func (a *UploadAuth) secrets() []string {
	if a == nil {
		return nil
	}
	s := a.secret.get()
	return []string{s.accessKeySecret, s.securityToken}
}

// String is the redacted form: the shortened AccessKey ID and the expiry, never the secret or the
// token.
func (a UploadAuth) String() string {
	exp := "unknown"
	if !a.Expires.IsZero() {
		exp = a.Expires.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("UploadAuth{AccessKeyId: %s, AccessKeySecret: [redacted], SecurityToken: [redacted], Expires: %s}",
		shortKeyID(a.AccessKeyID), exp)
}

// GoString is the redacted form too (%#v).
func (a UploadAuth) GoString() string { return a.String() }

// Format prints the redacted form for every verb, so that %d or %x cannot reach the fields.
func (a UploadAuth) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(a.String())) }

// MarshalJSON gives the redacted fields only.
func (a UploadAuth) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"AccessKeyId": shortKeyID(a.AccessKeyID), "AccessKeySecret": "[redacted]", "SecurityToken": "[redacted]",
		"Expiration": a.Expiration, "ExpireUTCTime": a.ExpireUTCTime,
	})
}

// MarshalText gives the redacted form.
func (a UploadAuth) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// LogValue gives the redacted form to log/slog.
func (a UploadAuth) LogValue() slog.Value { return slog.StringValue(a.String()) }

// String of the secret itself, should anything reach it: redacted.
func (stsSecret) String() string { return "[redacted]" }

// GoString of the secret itself: redacted.
func (stsSecret) GoString() string { return "[redacted]" }

// shortKeyID shows enough of an AccessKey ID to tell two apart in a log.
func shortKeyID(id string) string {
	if len(id) <= 8 {
		return "****"
	}
	return id[:6] + "****"
}
