package vodemu

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// serveControl answers the emulator's own endpoints; they need no signature,
// are not counted as API requests, and never get faults:
//
//   - GET /_emulator/health answers "ok"; GET /_emulator/stats answers Stats
//     as JSON.
//   - POST /_emulator/faults takes {"kind":"throttling","next":2},
//     {"kind":"reset","rate":0.1,"actions":["GetImageInfo"]} or
//     {"clear":true} ("clear" may come with a kind: clear first, then add),
//     answers 204, and 400 for bad JSON, unknown fields or kinds, "next" < 1
//     without "rate", or "rate" outside [0, 1].
//   - DELETE /_emulator/images/<ImageId> removes an image, as deleting it in
//     VOD would (later reads answer NoSuchResource): 204, or 404 if there is
//     no such image.
//   - POST /_emulator/uploads sets when uploaded images leave Uploading
//     (UploadCompletion): {"after_reads":2}, {"delay_seconds":30},
//     {"fail":true}, all three at once, and/or {"fail_next":1}
//     (FailNextUploads); fields left out are zero. 204, or 400 for bad JSON,
//     unknown fields or negative numbers.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_emulator/faults" {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed: POST a JSON fault", http.StatusMethodNotAllowed)
			return
		}
		s.serveFaults(w, r)
		return
	}
	if r.URL.Path == "/_emulator/uploads" {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed: POST the upload completion as JSON", http.StatusMethodNotAllowed)
			return
		}
		s.serveUploadControl(w, r)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/_emulator/images/"); ok {
		if r.Method != http.MethodDelete {
			w.Header().Set("Allow", http.MethodDelete)
			http.Error(w, "method not allowed: DELETE an image", http.StatusMethodNotAllowed)
			return
		}
		if id == "" || !s.DeleteImage(id) {
			http.Error(w, "no such image: "+id, http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
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

// faultControl is the body of POST /_emulator/faults.
type faultControl struct {
	Clear   bool     `json:"clear"`   // first remove every fault
	Kind    string   `json:"kind"`    // then add this one, if set...
	Next    int      `json:"next"`    // ...for the next N requests (InjectNext)
	Rate    *float64 `json:"rate"`    // ...or with this probability (SetFaultRate)
	Actions []string `json:"actions"` // only for these actions
}

func (s *Server) serveFaults(w http.ResponseWriter, r *http.Request) {
	var fc faultControl
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		http.Error(w, "bad fault JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := fc.check(); err != nil {
		http.Error(w, "bad fault: "+err.Error(), http.StatusBadRequest)
		return
	}
	if fc.Clear {
		s.ClearFaults()
	}
	if fc.Kind != "" {
		kind := FaultKind(fc.Kind)
		if fc.Rate != nil {
			s.SetFaultRate(kind, *fc.Rate, fc.Actions...)
		} else {
			s.InjectNext(kind, fc.Next, fc.Actions...)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (fc faultControl) check() error {
	if fc.Kind == "" {
		if !fc.Clear || fc.Next != 0 || fc.Rate != nil || fc.Actions != nil {
			return errors.New(`want {"clear":true} or a "kind"`)
		}
		return nil
	}
	if _, err := ParseFaultKind(fc.Kind); err != nil {
		return err
	}
	switch {
	case fc.Rate != nil && fc.Next != 0:
		return errors.New(`"next" and "rate" exclude each other`)
	case fc.Rate != nil && !(*fc.Rate >= 0 && *fc.Rate <= 1):
		return errors.New(`"rate" must be between 0 and 1`)
	case fc.Rate == nil && fc.Next <= 0:
		return errors.New(`want "next" > 0 or a "rate"`)
	}
	return nil
}

// uploadControl is the body of POST /_emulator/uploads.
type uploadControl struct {
	UploadCompletion
	DelaySeconds float64 `json:"delay_seconds"`
	FailNext     *int    `json:"fail_next"`
}

func (s *Server) serveUploadControl(w http.ResponseWriter, r *http.Request) {
	var uc uploadControl
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&uc); err != nil {
		http.Error(w, "bad upload JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if uc.AfterReads < 0 || !(uc.DelaySeconds >= 0 && uc.DelaySeconds < 1e9) || uc.FailNext != nil && *uc.FailNext < 0 {
		http.Error(w, "bad upload control: after_reads, delay_seconds and fail_next must not be negative", http.StatusBadRequest)
		return
	}
	c := uc.UploadCompletion
	c.Delay = time.Duration(uc.DelaySeconds * float64(time.Second))
	s.SetUploadCompletion(c)
	if uc.FailNext != nil {
		s.FailNextUploads(*uc.FailNext)
	}
	w.WriteHeader(http.StatusNoContent)
}
