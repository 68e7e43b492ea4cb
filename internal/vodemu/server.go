package vodemu

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// APIVersion is the only VOD API version the emulator accepts.
const APIVersion = "2017-03-21"

// MaxBodyBytes bounds a request body; real RPC calls are tiny.
const MaxBodyBytes = 1 << 20

// Defaults for the material the emulator signs its returned URLs with. They
// belong to the "storage" and "CDN" side, never to the API caller.
const (
	DefaultOSSAccessKeyID     = "LTAI5tVodEmuOSSKeyId00"
	DefaultOSSAccessKeySecret = "vodemu-oss-secret-not-for-production"
	DefaultCDNPrivateKey      = "vodemucdnkey1234"
)

// Options configures a Server. AccessKeyID and AccessKeySecret are required.
type Options struct {
	// The one accepted credential pair.
	AccessKeyID, AccessKeySecret string
	// If non-empty, every request must carry exactly this token (V1
	// parameter SecurityToken, V3 header x-acs-security-token). If empty,
	// tokens that requests carry are ignored.
	SecurityToken string
	// Region names HostId "vod.<Region>.aliyuncs.com"; default cn-shanghai.
	Region string
	Images []Image
	// Now is the server clock (default time.Now); tests use it to control
	// timestamp and URL expiry checks.
	Now func() time.Time
	// Logger receives one line per request; nil is silent. Secrets,
	// tokens and signatures are never logged.
	Logger *log.Logger

	// OSS key pair and CDN type-A private key used to sign returned URLs.
	// Empty means the Default* constants above.
	OSSAccessKeyID, OSSAccessKeySecret, CDNPrivateKey string
}

// Stats is a snapshot of what the server answered.
type Stats struct {
	Requests int64            `json:"requests"`
	ByAction map[string]int64 `json:"by_action"` // "" for a missing or unknown Action
	ByCode   map[string]int64 `json:"by_code"`   // "OK" for success
}

// Server is the emulator as an http.Handler.
type Server struct {
	opts   Options
	hostID string

	mu     sync.RWMutex
	images map[string]Image

	nonces *nonceCache

	statsMu sync.Mutex
	stats   Stats
}

// actionFunc answers one operation; the body it returns must carry requestID
// as its first field, as the real API's bodies do.
type actionFunc func(s *Server, requestID string, p map[string]string) (any, *apiError)

// actions are the operations the emulator implements.
var actions = map[string]actionFunc{
	"GetImageInfo":  (*Server).getImageInfo,
	"GetImageInfos": (*Server).getImageInfos,
}

// New validates opts and returns a Server.
func New(opts Options) (*Server, error) {
	if opts.AccessKeyID == "" || opts.AccessKeySecret == "" {
		return nil, errors.New("vodemu: AccessKeyID and AccessKeySecret are required")
	}
	if opts.Region == "" {
		opts.Region = "cn-shanghai"
	}
	if strings.ContainsAny(opts.Region, "/ ") {
		return nil, fmt.Errorf("vodemu: invalid region %q", opts.Region)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OSSAccessKeyID == "" {
		opts.OSSAccessKeyID = DefaultOSSAccessKeyID
	}
	if opts.OSSAccessKeySecret == "" {
		opts.OSSAccessKeySecret = DefaultOSSAccessKeySecret
	}
	if opts.CDNPrivateKey == "" {
		opts.CDNPrivateKey = DefaultCDNPrivateKey
	}
	if err := validateImages(opts.Images); err != nil {
		return nil, fmt.Errorf("vodemu: %w", err)
	}
	s := &Server{
		opts:   opts,
		hostID: "vod." + opts.Region + ".aliyuncs.com",
		images: make(map[string]Image, len(opts.Images)),
		nonces: newNonceCache(),
		stats:  Stats{ByAction: map[string]int64{}, ByCode: map[string]int64{}},
	}
	for _, img := range opts.Images {
		s.images[img.ImageId] = img.clone()
	}
	s.opts.Images = nil // the map is the source of truth
	return s, nil
}

// PutImage adds or replaces an image at runtime.
func (s *Server) PutImage(img Image) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images[img.ImageId] = img.clone()
}

func (s *Server) image(id string) (Image, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	img, ok := s.images[id]
	if !ok {
		return Image{}, false
	}
	return img.clone(), true
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := Stats{Requests: s.stats.Requests, ByAction: map[string]int64{}, ByCode: map[string]int64{}}
	for k, v := range s.stats.ByAction {
		out.ByAction[k] = v
	}
	for k, v := range s.stats.ByCode {
		out.ByCode[k] = v
	}
	return out
}

func (s *Server) count(action, code string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Requests++
	s.stats.ByAction[action]++
	s.stats.ByCode[code]++
}

// apiError is an error answer in the gateway's shape.
type apiError struct {
	status        int
	code, message string
}

func errMissing(name string) *apiError {
	return &apiError{http.StatusBadRequest, "MissingParameter",
		fmt.Sprintf("The input parameter %q that is mandatory for processing this request is not supplied.", name)}
}

func errInvalid(name, why string) *apiError {
	msg := fmt.Sprintf("The specified parameter %q is not valid.", name)
	if why != "" {
		msg += " " + why
	}
	return &apiError{http.StatusBadRequest, "InvalidParameter", msg}
}

type errorBody struct {
	RequestId string
	HostId    string
	Code      string
	Message   string
	Recommend string
}

// ServeHTTP routes /_emulator/* to the control endpoints and everything else
// to the RPC endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}
	start := time.Now()
	requestID := newRequestID()
	action, code := "", "InternalError"
	defer func() {
		// Last resort: a bug must not kill the connection without an answer.
		if v := recover(); v != nil {
			if s.opts.Logger != nil {
				s.opts.Logger.Printf("request=%s panic: %v", requestID, v)
			}
			action, code = "", "InternalError"
			s.writeError(w, requestID, &apiError{http.StatusInternalServerError, "InternalError",
				"The request processing has failed due to some unknown error, exception or failure."})
		}
		s.count(action, code)
		if s.opts.Logger != nil {
			s.opts.Logger.Printf("request=%s method=%s action=%q code=%s duration=%s",
				requestID, r.Method, action, code, time.Since(start).Round(time.Microsecond))
		}
	}()

	body, name, aerr := s.handle(r, requestID)
	action = name
	if aerr != nil {
		code = aerr.code
		s.writeError(w, requestID, aerr)
		return
	}
	code = "OK"
	s.writeJSON(w, requestID, http.StatusOK, body)
}

// handle runs one RPC call and returns the success body or the error, plus
// the Action to count it under.
func (s *Server) handle(r *http.Request, requestID string) (any, string, *apiError) {
	req, aerr := readRequest(r)
	if aerr != nil {
		return nil, "", aerr
	}
	c, aerr := parseCredentials(r, req)
	action := ""
	if c != nil {
		if _, ok := actions[c.action]; ok {
			action = c.action
		}
	}
	if aerr != nil {
		return nil, action, aerr
	}
	if aerr := s.authenticate(c); aerr != nil {
		return nil, action, aerr
	}
	fn, ok := actions[c.action]
	if !ok {
		return nil, action, &apiError{http.StatusNotFound, "InvalidAction.NotFound",
			"Specified api is not found, please check your url and method."}
	}
	out, aerr := fn(s, requestID, req.params)
	if aerr != nil {
		return nil, action, aerr
	}
	return out, action, nil
}

// rpcRequest is what the client sent, decoded once.
type rpcRequest struct {
	query  []kv              // query string only (V3 signs this)
	all    []kv              // query then form body (V1 signs this)
	params map[string]string // all, by name
	body   []byte
}

// readRequest reads the bounded body and merges query and form parameters.
// A name sent twice is rejected: with two values nobody can tell which one
// was meant, and the real SDKs never do it.
func readRequest(r *http.Request) (*rpcRequest, *apiError) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, &apiError{http.StatusMethodNotAllowed, "UnsupportedHTTPMethod",
			"This http method is not supported: use GET or POST."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &apiError{http.StatusRequestEntityTooLarge, "InvalidParameter",
				"The request body is larger than 1 MiB."}
		}
		return nil, &apiError{http.StatusBadRequest, "InvalidParameter", "The request body could not be read."}
	}
	req := &rpcRequest{params: map[string]string{}, body: body}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &apiError{http.StatusBadRequest, "InvalidParameter", "The query string is not valid URL encoding."}
	}
	req.query = flatten(q)
	req.all = append(req.all, req.query...)
	if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &apiError{http.StatusBadRequest, "InvalidParameter", "The form body is not valid URL encoding."}
		}
		req.all = append(req.all, flatten(f)...)
	}
	for _, p := range req.all {
		if _, dup := req.params[p.name]; dup {
			return nil, errInvalid(p.name, "The parameter is specified more than once.")
		}
		req.params[p.name] = p.value
	}
	return req, nil
}

func flatten(v url.Values) []kv {
	var out []kv
	for name, vals := range v {
		for _, val := range vals {
			out = append(out, kv{name, val})
		}
	}
	return out
}

func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

func (s *Server) writeError(w http.ResponseWriter, requestID string, e *apiError) {
	s.writeJSON(w, requestID, e.status, errorBody{
		RequestId: requestID,
		HostId:    s.hostID,
		Code:      e.code,
		Message:   e.message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.code) +
			"&product=Vod&requestId=" + url.QueryEscape(requestID),
	})
}

func (s *Server) writeJSON(w http.ResponseWriter, requestID string, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep & in URLs readable, as the real API does
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, `{"RequestId":%q,"HostId":%q,"Code":"InternalError","Message":"response encoding failed"}`+"\n",
			requestID, s.hostID)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=utf-8")
	h.Set("x-acs-request-id", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// serveControl answers the emulator's own endpoints; they need no auth and
// are not counted as API requests.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/_emulator/health":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok")
	case "/_emulator/stats":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Stats())
	default:
		http.NotFound(w, r)
	}
}

// newRequestID returns an upper-case UUID-shaped random ID.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
