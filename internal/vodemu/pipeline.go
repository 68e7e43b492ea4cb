package vodemu

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The request pipeline: ServeHTTP routes a request; serveRPC answers an API call (faults, rate
// limit, reading the request, authentication, the action) and writes the answer or the error.

// ServeHTTP routes proxy requests (with Options.CA), requests for an OSS host
// and path-style OSS requests to the emulator's own address (pathStyleTarget)
// to the OSS endpoint (oss.go), /_emulator/* to the control endpoints, and
// everything else to the RPC endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.CA != nil && (r.Method == http.MethodConnect || r.URL.IsAbs()) && s.serveProxy(w, r) {
		return
	}
	if bucket, key, region, ok := ossTarget(r); ok {
		s.serveOSS(w, r, bucket, key, region)
		return
	}
	if bucket, key, region, ok := s.pathStyleTarget(r); ok {
		s.serveOSS(w, r, bucket, key, region)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}
	s.serveRPC(w, r)
}

// serveRPC answers one API call. Any path but /_emulator/* is the RPC
// endpoint [RPC]. The checks run in this order, each as soon as it can be
// made at all (the order itself is undocumented):
//
//  1. reading the request (readRequest: method, size, encoding, a parameter
//     sent twice);
//  2. an injected fault, then the rate limit: both look at the Action only,
//     so a retry gets a fresh decision, and a faulted or throttled request
//     burns no nonce and a faulted one takes no token;
//  3. the request's shape (parseCredentials: Missing<Name>, InvalidParameter,
//     IncompleteSignature, InvalidVersion);
//  4. authenticate: the key, the signature, the timestamp, the nonce, the
//     security token;
//  5. InvalidAction.NotFound (404), then the action's own parameters.
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
			s.writeError(w, requestID, product, errInternal())
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
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(name, maps.Clone(req.params))
	}
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
		return nil, errActionNotFound()
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

// readRequest reads the bounded body and merges query and form parameters
// (application/x-www-form-urlencoded), as the gateway does for GET and POST
// [RPC]; another method is UnsupportedHTTPMethod [RPC]. Undocumented
// choices: a name sent twice is InvalidParameter (with two values nobody
// can tell which one was meant, and the real SDKs never do it), and a body
// above MaxBodyBytes is 413 with Code InvalidParameter (real calls are tiny).
func readRequest(r *http.Request) (*rpcRequest, *apiError) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, errUnsupportedMethod()
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errBodyTooLarge()
		}
		return nil, errBadRequest("The request body could not be read.")
	}
	req := &rpcRequest{params: map[string]string{}, body: body}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, errBadRequest("The query string is not valid URL encoding.")
	}
	req.query = flatten(q)
	req.all = append(req.all, req.query...)
	if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errBadRequest("The form body is not valid URL encoding.")
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

// writeError sends the gateway's error body [RPC]: RequestId, HostId
// (vod.<Region>.aliyuncs.com, or sts.aliyuncs.com for the STS actions), Code,
// Message and Recommend, https://api.aliyun.com/troubleshoot?q=<Code>&product=<Vod|Sts>&requestId=<RequestId>.
func (s *Server) writeError(w http.ResponseWriter, requestID, product string, e *apiError) {
	host := s.hostID
	if product == productSTS {
		host = stsHostID
	}
	s.writeJSON(w, requestID, e.status, errorBody{
		RequestID: requestID,
		HostID:    host,
		Code:      e.code,
		Message:   e.message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.code) +
			"&product=" + product + "&requestId=" + url.QueryEscape(requestID),
	})
}

// writeJSON sends an answer, an error's too, with Content-Type
// application/json;charset=utf-8 and the header x-acs-request-id.
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
