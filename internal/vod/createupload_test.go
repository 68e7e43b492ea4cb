package vod

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

const (
	authSecret = "UPLOAD-AUTH-SECRET-VALUE"
	authToken  = "UPLOAD-AUTH-SECURITY-TOKEN-VALUE"
)

func uploadAuthJSON(expiration string) string {
	return fmt.Sprintf(`{"AccessKeyId":"STS.NUxyzAbc123","AccessKeySecret":%q,"SecurityToken":%q,"Expiration":%q}`, authSecret, authToken, expiration)
}

// The documented answer: UploadAddress and UploadAuth are base64 of JSON objects (VOD's "Upload
// URLs and credentials" page); Expiration is seen as seconds or as a time, ExpireUTCTime wins.
func TestDecodeUploadAuthExpiry(t *testing.T) {
	issued := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		json string
		want time.Time
	}{
		"seconds":       {uploadAuthJSON("3000"), issued.Add(3000 * time.Second)},
		"time":          {uploadAuthJSON("2026-12-04T10:30:00Z"), issued.Add(30 * time.Minute)},
		"absent":        {fmt.Sprintf(`{"AccessKeyId":"STS.a","AccessKeySecret":%q,"SecurityToken":%q}`, authSecret, authToken), issued.Add(UploadCredentialValidity)},
		"ExpireUTCTime": {fmt.Sprintf(`{"AccessKeyId":"STS.a","AccessKeySecret":%q,"SecurityToken":%q,"Expiration":"3600","ExpireUTCTime":"2026-12-04T10:20:00Z"}`, authSecret, authToken), issued.Add(20 * time.Minute)},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := decodeUploadAuth(b64(tc.json), issued)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Expires.Equal(tc.want) {
				t.Errorf("Expires = %v, want %v", a.Expires, tc.want)
			}
			if a.Expired(tc.want.Add(-time.Second)) || !a.Expired(tc.want) {
				t.Errorf("Expired is wrong around %v", tc.want)
			}
		})
	}
}

// Answers that lack what an upload needs are errors naming the image and what is missing, never
// quoting the credential.
func TestCreateUploadImageBadAnswers(t *testing.T) {
	addr := b64(`{"Endpoint":"https://oss-cn-shanghai.aliyuncs.com","Bucket":"b","FileName":"k"}`)
	for name, tc := range map[string]struct {
		body string
		want string
	}{
		"no ImageId":             {fmt.Sprintf(`{"RequestId":"R","UploadAddress":%q,"UploadAuth":%q}`, addr, b64(uploadAuthJSON("3000"))), "no ImageId"},
		"auth not base64":        {fmt.Sprintf(`{"RequestId":"R","ImageId":"i1","UploadAddress":%q,"UploadAuth":"%s!!"}`, addr, authSecret), "UploadAuth is not base64"},
		"auth not JSON":          {fmt.Sprintf(`{"RequestId":"R","ImageId":"i1","UploadAddress":%q,"UploadAuth":%q}`, addr, b64(`{"AccessKeySecret":"`+authSecret+`",`)), "UploadAuth is not the documented JSON"},
		"auth without token":     {fmt.Sprintf(`{"RequestId":"R","ImageId":"i1","UploadAddress":%q,"UploadAuth":%q}`, addr, b64(`{"AccessKeyId":"a","AccessKeySecret":"`+authSecret+`"}`)), "UploadAuth has no SecurityToken"},
		"address without bucket": {fmt.Sprintf(`{"RequestId":"R","ImageId":"i1","UploadAddress":%q,"UploadAuth":%q}`, b64(`{"Endpoint":"e"}`), b64(uploadAuthJSON("3000"))), "UploadAddress has no Bucket, FileName"},
	} {
		t.Run(name, func(t *testing.T) {
			d := newRPCDouble(t, func(rpcCall) rpcAnswer { return ok(tc.body) })
			_, err := doubleClient(t, d, SignatureV3, false).CreateUploadImage(context.Background(), CreateUploadImageInput{ImageType: "cover"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), authSecret) {
				t.Errorf("the error shows the secret: %v", err)
			}
			if name != "no ImageId" && !strings.Contains(err.Error(), "i1") {
				t.Errorf("the error does not name the image: %v", err)
			}
			if n := len(d.Calls()); n != 1 {
				t.Errorf("%d requests, want 1: a wrong-shaped answer is not retried (retrying would create another image)", n)
			}
		})
	}
}

// Optional fields left out are not sent; the required ImageType and the documented enumerations
// and metadata limits are checked before any request.
func TestCreateUploadImageInput(t *testing.T) {
	d := newRPCDouble(t, func(rpcCall) rpcAnswer {
		return ok(fmt.Sprintf(`{"RequestId":"R","ImageId":"i1","UploadAddress":%q,"UploadAuth":%q}`,
			b64(`{"Endpoint":"https://oss-cn-shanghai.aliyuncs.com","Bucket":"b","FileName":"k"}`), b64(uploadAuthJSON("3000"))))
	})
	c := doubleClient(t, d, SignatureV3, false)
	ctx := context.Background()
	if _, err := c.CreateUploadImage(ctx, CreateUploadImageInput{ImageType: "default"}); err != nil {
		t.Fatal(err)
	}
	if got := d.Calls()[0].Params; len(got) != 1 || got["ImageType"] != "default" {
		t.Errorf("sent %v, want ImageType alone", got)
	}
	for _, in := range []CreateUploadImageInput{
		{},
		{ImageType: "thumbnail"},
		{ImageType: "default", ImageExt: "bmp"},
		{ImageType: "default", Title: strings.Repeat("t", MaxTitleBytes+1)},
		{ImageType: "default", Title: strings.Repeat("题", 43)}, // 129 bytes
		{ImageType: "default", Description: strings.Repeat("d", MaxDescriptionBytes+1)},
		{ImageType: "default", Tags: make17Tags()},
		{ImageType: "default", Tags: []string{strings.Repeat("x", MaxTagBytes+1)}},
		{ImageType: "default", Tags: []string{"a,b"}},
	} {
		if _, err := c.CreateUploadImage(ctx, in); err == nil {
			t.Errorf("%+v was accepted", in)
		}
	}
	if n := len(d.Calls()); n != 1 {
		t.Errorf("%d requests, want only the valid one", n)
	}
}

func make17Tags() []string {
	tags := make([]string, MaxTags+1)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	return tags
}

// No way of printing, logging or marshalling an UploadAuth, or something that holds one, shows
// its secret or token.
func TestUploadAuthNeverShowsSecrets(t *testing.T) {
	a, err := decodeUploadAuth(b64(uploadAuthJSON("3000")), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ticket := &UploadTicket{ImageID: "i1", Auth: a}
	holder := struct {
		Auth  UploadAuth
		inner UploadAuth
		ptr   *UploadAuth
	}{*a, *a, a}
	var texts []string
	for _, v := range []any{a, *a, ticket, *ticket, holder, &holder} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			texts = append(texts, fmt.Sprintf(verb, v))
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(j))
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("upload", "auth", a, "value", *a, "ticket", ticket)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("upload", "auth", a, "ticket", ticket)
	texts = append(texts, logged.String(), fmt.Sprint(a.secret), fmt.Sprintf("%#v", a.secret), fmt.Sprintf("%+v", a.secret.get()))
	for _, s := range texts {
		for _, secret := range []string{authSecret, authToken, fmt.Sprintf("%x", authSecret), fmt.Sprintf("%X", authToken)} {
			if strings.Contains(s, secret) {
				t.Errorf("a secret shows in %q", s)
			}
		}
	}
	if !strings.Contains(a.String(), "STS.NU") || !strings.Contains(a.String(), "Expires") {
		t.Errorf("String() = %q, want the shortened key ID and the expiry", a.String())
	}
}

// A wrapped decoding error is still found by errors.As through the action's wrapping.
func TestCreateUploadImageAPIError(t *testing.T) {
	d := newRPCDouble(t, func(rpcCall) rpcAnswer { return apiError(403, "Forbidden", "User not authorized") })
	_, err := doubleClient(t, d, SignatureV3, false).CreateUploadImage(context.Background(), CreateUploadImageInput{ImageType: "default"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "Forbidden" || apiErr.RequestID != "R-Forbidden" {
		t.Errorf("err = %v, want Forbidden with its request ID", err)
	}
}

// An answer cut short is not quoted in the error: its first bytes may hold UploadAuth's base64.
func TestCreateUploadImageTruncatedAnswerNotQuoted(t *testing.T) {
	auth := b64(uploadAuthJSON("3000"))
	d := newRPCDouble(t, func(rpcCall) rpcAnswer { return ok(`{"UploadAuth":"` + auth + `","ImageId":"i1","Upl`) })
	_, err := doubleClient(t, d, SignatureV3, false).CreateUploadImage(context.Background(), CreateUploadImageInput{ImageType: "default"})
	var malformed *MalformedResponseError
	if !errors.As(err, &malformed) {
		t.Fatalf("err = %v, want a malformed answer", err)
	}
	if strings.Contains(err.Error(), auth[:20]) || strings.Contains(malformed.Body, auth[:20]) {
		t.Errorf("the error quotes the credential's base64: %v", err)
	}
}
