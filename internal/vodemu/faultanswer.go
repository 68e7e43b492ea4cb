package vodemu

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// injectFault answers r with the fault kind. With done false the request
// goes on to its normal answer, written to the returned writer (slow,
// wrong-content-type: the normal answer, 200 for a valid call, as
// text/plain;charset=utf-8); with done true, code is what Stats counts.
// The error kinds answer the codes errors.go cites; the others imitate what
// a gateway, proxy or network can do to an answer.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, requestID, product string, kind FaultKind) (_ http.ResponseWriter, code string, done bool) {
	var aerr *apiError
	switch kind {
	case FaultThrottling:
		aerr = errThrottled()
	case FaultThrottling503:
		aerr = errThrottledUnavailable()
	case FaultUnavailable:
		aerr = errServiceUnavailable()
	case FaultInternal:
		aerr = errInternal()
	case FaultSlow:
		t := time.NewTimer(s.opts.Faults.SlowDelay)
		defer t.Stop()
		select {
		case <-t.C:
			return w, "", false
		case <-r.Context().Done(): // the client gave up: nobody to answer; counted as fault:slow
			return w, "fault:slow", true
		}
	case FaultWrongContentType:
		return contentTypeWriter{w, "text/plain;charset=utf-8"}, "", false
	case FaultReset:
		// The start of a response, then the connection closes: the client
		// sees "unexpected EOF", not a status. Some bytes must go out first:
		// Go's transport silently retries a reused connection that closes
		// before answering anything.
		writeRaw(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n")
	case FaultTruncated:
		body := fmt.Sprintf(`{"RequestId":%q,"ImageInfo":{"ImageId":"`, requestID)
		writeRaw(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n"+
			"x-acs-request-id: %s\r\nContent-Length: %d\r\n\r\n%s", requestID, len(body)+512, body))
	case FaultMalformedJSON:
		writeBody(w, requestID, http.StatusOK, "application/json;charset=utf-8",
			fmt.Sprintf(`{"RequestId": %q, "ImageInfo": {`, requestID))
	case FaultHTML502:
		writeBody(w, "", http.StatusBadGateway, "text/html",
			"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"+
				"<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n")
	case FaultEmpty200:
		writeBody(w, requestID, http.StatusOK, "application/json;charset=utf-8", "")
	}
	if aerr != nil {
		s.writeError(w, requestID, product, aerr)
		return w, aerr.code, true
	}
	return w, "fault:" + string(kind), true
}

// writeRaw writes bytes straight to the connection and closes it.
func writeRaw(w http.ResponseWriter, raw string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // closes the connection without an answer
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_, _ = io.WriteString(conn, raw)
	_ = conn.Close()
}

func writeBody(w http.ResponseWriter, requestID string, status int, contentType, body string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if requestID != "" {
		h.Set("x-acs-request-id", requestID)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// contentTypeWriter replaces the Content-Type of whatever is written.
type contentTypeWriter struct {
	http.ResponseWriter
	contentType string
}

func (w contentTypeWriter) WriteHeader(status int) {
	w.Header().Set("Content-Type", w.contentType)
	w.ResponseWriter.WriteHeader(status)
}
