package vodemu

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
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

// Server is the emulator as an http.Handler.
type Server struct {
	opts   Options
	hostID string // VOD's HostId; STS errors use stsHostID

	mu     sync.RWMutex
	images map[string]Image

	nonces *nonceCache
	temp   *tempKeys
	faults *faultState
	limit  *rateLimiter // nil without Options.QPS

	// tunnel hands a CONNECT tunnel's TLS connection to the http.Server
	// that serves this handler. StartOn sets it (with Options.CA) before
	// serving; without it CONNECT is answered 501.
	tunnel func(net.Conn) error

	statsMu sync.Mutex
	stats   Stats
}

// actionFunc answers one operation; the body it returns must carry requestID
// as its first field, as the real API's bodies do.
type actionFunc func(s *Server, requestID string, p map[string]string) (any, *apiError)

// Products name HostId and the Recommend link of an error.
const (
	productVOD = "Vod"
	productSTS = "Sts"
	stsHostID  = "sts.aliyuncs.com"
)

// operation is one action the emulator implements.
type operation struct {
	fn        actionFunc
	version   string
	product   string
	anonymous bool // not signed: AssumeRoleWithOIDC
}

// operations are the actions the emulator implements, VOD and STS on the
// same endpoint; Version tells them apart as the real gateways do.
var operations = map[string]operation{
	"GetImageInfo":       {(*Server).getImageInfo, APIVersion, productVOD, false},
	"GetImageInfos":      {(*Server).getImageInfos, APIVersion, productVOD, false},
	"SearchMedia":        {(*Server).searchMedia, APIVersion, productVOD, false},
	"AssumeRole":         {(*Server).assumeRole, STSVersion, productSTS, false},
	"AssumeRoleWithOIDC": {(*Server).assumeRoleWithOIDC, STSVersion, productSTS, true},
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
	if opts.Faults.SlowDelay <= 0 {
		opts.Faults.SlowDelay = DefaultSlowDelay
	}
	if opts.QPS < 0 || math.IsNaN(opts.QPS) || math.IsInf(opts.QPS, 0) {
		return nil, fmt.Errorf("vodemu: invalid QPS %v", opts.QPS)
	}
	if err := validateRateLimits(opts.QPS, opts.ActionQPS); err != nil {
		return nil, err
	}
	if err := validateImages(opts.Images); err != nil {
		return nil, fmt.Errorf("vodemu: %w", err)
	}
	if err := validateSTS(opts.STS); err != nil {
		return nil, fmt.Errorf("vodemu: %w", err)
	}
	opts.STS.Roles = append([]Role(nil), opts.STS.Roles...)
	s := &Server{
		opts:   opts,
		hostID: "vod." + opts.Region + ".aliyuncs.com",
		images: make(map[string]Image, len(opts.Images)),
		nonces: newNonceCache(),
		temp:   newTempKeys(),
		faults: newFaultState(opts.FaultSeed),
		limit:  newRateLimiter(opts.QPS, opts.ActionQPS),
		stats:  Stats{ByAction: map[string]int64{}, ByCode: map[string]int64{}, ByFault: map[string]int64{}},
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
	return s.stats.clone()
}

// count records one answered RPC request; fault is "" when none was injected.
func (s *Server) count(action, code, fault string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Requests++
	s.stats.ByAction[action]++
	s.stats.ByCode[code]++
	if fault != "" {
		s.stats.ByFault[fault]++
	}
}

func (s *Server) countProxy(accepted bool) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if accepted {
		s.stats.ProxyConnects++
	} else {
		s.stats.ProxyRefused++
	}
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

// ServeHTTP routes proxy requests (with Options.CA), /_emulator/* to the
// control endpoints, and everything else to the RPC endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.CA != nil && (r.Method == http.MethodConnect || r.URL.IsAbs()) && s.serveProxy(w, r) {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}
	s.serveRPC(w, r)
}

// serveRPC answers one API call: faults, then the rate limit, then
// authentication and the action, so that faults and throttling cost a
// client no nonce and a retry gets a fresh decision.
func (s *Server) serveRPC(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := newRequestID()
	action, product, code, fault := "", productVOD, "InternalError", ""
	defer func() {
		// Last resort: a bug must not kill the connection without an answer.
		if v := recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) { // a deliberate "reset" fault
				s.count(action, code, fault)
				panic(v)
			}
			if s.opts.Logger != nil {
				s.opts.Logger.Printf("request=%s panic: %v", requestID, v)
			}
			action, code = "", "InternalError"
			s.writeError(w, requestID, product, &apiError{http.StatusInternalServerError, "InternalError",
				"The request processing has failed due to some unknown error, exception or failure."})
		}
		s.count(action, code, fault)
		if s.opts.Logger != nil {
			s.opts.Logger.Printf("request=%s method=%s action=%q code=%s fault=%q duration=%s",
				requestID, r.Method, action, code, fault, time.Since(start).Round(time.Microsecond))
		}
	}()

	req, aerr := readRequest(r)
	if aerr != nil {
		code = aerr.code
		s.writeError(w, requestID, product, aerr)
		return
	}
	name := requestedAction(r, req)
	if op, ok := operations[name]; ok {
		action, product = name, op.product
	}
	if kind, ok := s.faults.decide(name); ok {
		fault, code = string(kind), "fault:"+string(kind) // if injectFault panics
		fw, fcode, done := s.injectFault(w, r, requestID, product, kind)
		if done {
			code = fcode
			return
		}
		w, code = fw, "InternalError"
	}
	if !s.limit.allow(action) {
		aerr := errThrottled()
		code = aerr.code
		s.writeError(w, requestID, product, aerr)
		return
	}
	body, aerr := s.handle(r, req, name, requestID)
	if aerr != nil {
		code = aerr.code
		s.writeError(w, requestID, product, aerr)
		return
	}
	code = "OK"
	s.writeJSON(w, requestID, http.StatusOK, body)
}

// requestedAction is the Action a request names, read where its signature
// version puts it (V3 header, else parameter, else the header of an
// unsigned V3-style call).
func requestedAction(r *http.Request, req *rpcRequest) string {
	if r.Header.Get("Authorization") != "" {
		return r.Header.Get("x-acs-action")
	}
	if a, ok := req.params["Action"]; ok {
		return a
	}
	return r.Header.Get("x-acs-action")
}

// handle authenticates and runs one RPC call.
func (s *Server) handle(r *http.Request, req *rpcRequest, name, requestID string) (any, *apiError) {
	if op, ok := operations[name]; ok && op.anonymous {
		if aerr := checkAnonymous(r, req, name); aerr != nil {
			return nil, aerr
		}
		return op.fn(s, requestID, req.params)
	}
	c, aerr := parseCredentials(r, req)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.authenticate(c); aerr != nil {
		return nil, aerr
	}
	op, ok := operations[c.action]
	if !ok || op.anonymous {
		return nil, &apiError{http.StatusNotFound, "InvalidAction.NotFound",
			"Specified api is not found, please check your url and method."}
	}
	return op.fn(s, requestID, req.params)
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

func (s *Server) writeError(w http.ResponseWriter, requestID, product string, e *apiError) {
	host := s.hostID
	if product == productSTS {
		host = stsHostID
	}
	s.writeJSON(w, requestID, e.status, errorBody{
		RequestId: requestID,
		HostId:    host,
		Code:      e.code,
		Message:   e.message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.code) +
			"&product=" + product + "&requestId=" + url.QueryEscape(requestID),
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

// newRequestID returns an upper-case UUID-shaped random ID.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
