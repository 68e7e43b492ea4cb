package vod

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// rpcCall is one request an rpcDouble received: the action and its own parameters (the signature's
// and the common ones included; see rpcCommonParameters).
type rpcCall struct {
	Action string
	Params map[string]string
}

// rpcAnswer is what an rpcDouble's handler answers: an HTTP status and a JSON body.
type rpcAnswer struct {
	Status int
	Body   string
}

func ok(body string) rpcAnswer { return rpcAnswer{Status: http.StatusOK, Body: body} }

// apiError is VOD's error answer with code and status.
func apiError(status int, code, message string) rpcAnswer {
	b, _ := json.Marshal(map[string]string{"RequestId": "R-" + code, "HostId": "vod.cn-shanghai.aliyuncs.com", "Code": code, "Message": message})
	return rpcAnswer{Status: status, Body: string(b)}
}

// rpcDouble is a VOD endpoint for the write actions, which the emulator does not serve yet: it
// records every request's action and parameters and answers with handler's rpcAnswer. It checks no
// signature (the emulator does that); what it checks is what the client sends.
type rpcDouble struct {
	*httptest.Server
	mu    sync.Mutex
	calls []rpcCall
}

func newRPCDouble(t *testing.T, handler func(c rpcCall) rpcAnswer) *rpcDouble {
	t.Helper()
	d := &rpcDouble{}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := rpcCall{Action: r.Header.Get("x-acs-action"), Params: map[string]string{}}
		for k, v := range r.Form {
			c.Params[k] = v[0]
		}
		if c.Action == "" {
			c.Action = c.Params["Action"]
		}
		d.mu.Lock()
		d.calls = append(d.calls, c)
		d.mu.Unlock()
		a := handler(c)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.Status)
		_, _ = fmt.Fprint(w, a.Body)
	}))
	t.Cleanup(d.Close)
	return d
}

// Calls returns the requests received so far, in order.
func (d *rpcDouble) Calls() []rpcCall {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]rpcCall(nil), d.calls...)
}

// CallsOf returns the requests of one action.
func (d *rpcDouble) CallsOf(action string) []rpcCall {
	var out []rpcCall
	for _, c := range d.Calls() {
		if c.Action == action {
			out = append(out, c)
		}
	}
	return out
}

// doubleClient is a client of d, signing V3 (or V1), without retry waits.
func doubleClient(t *testing.T, d *rpcDouble, sig SignatureVersion, batch bool) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: d.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret), SignatureVersion: sig,
		Batch: batch, batchWindow: time.Minute, MaxRetries: 1, backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
