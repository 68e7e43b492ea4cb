package vodemu

import (
	"fmt"
	"net/http"
	"time"
)

// injectOSSFault answers an OSS request with the fault kind, as injectFault does an RPC call
// (faultanswer.go). The error kinds answer in OSS's XML (returned as oerr): internal is 500
// InternalError; unavailable, throttling and throttling-503 are 503 ServiceUnavailable (OSS's
// answer to throttling is not in the stored copies: 503 is one the OSS SDKs retry, as they retry
// 5xx). slow and wrong-content-type go on to the normal answer (done false); the others imitate a
// gateway, proxy or network, as for RPC, with the body cut from an XML answer.
func (s *Server) injectOSSFault(w http.ResponseWriter, r *http.Request, requestID string, kind FaultKind) (_ http.ResponseWriter, oerr *ossError, done bool) {
	switch kind {
	case FaultInternal:
		return w, &ossError{Status: http.StatusInternalServerError, Code: "InternalError", Message: "We encountered an internal error. Please try again."}, true
	case FaultUnavailable, FaultThrottling, FaultThrottling503:
		return w, &ossError{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "Please reduce your request rate."}, true
	case FaultSlow:
		t := time.NewTimer(s.opts.Faults.SlowDelay)
		defer t.Stop()
		select {
		case <-t.C:
			return w, nil, false
		case <-r.Context().Done():
			return w, nil, true
		}
	case FaultWrongContentType:
		return contentTypeWriter{w, "text/plain;charset=utf-8"}, nil, false
	case FaultReset:
		writeRaw(w, "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n")
	case FaultTruncated:
		body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<InitiateMultipartUploadResult><Bucket>"
		writeRaw(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nx-oss-request-id: %s\r\nContent-Length: %d\r\n\r\n%s",
			requestID, len(body)+512, body))
	case FaultMalformedJSON:
		writeBody(w, "", http.StatusOK, "application/xml", `<?xml version="1.0" encoding="UTF-8"?>`+"\n<InitiateMultipartUploadResult><Bucket>")
	case FaultHTML502:
		writeBody(w, "", http.StatusBadGateway, "text/html",
			"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"+
				"<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n")
	case FaultEmpty200:
		w.Header().Set("x-oss-request-id", requestID)
		writeBody(w, "", http.StatusOK, "application/xml", "")
	}
	return w, nil, true
}
