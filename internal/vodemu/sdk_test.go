package vodemu

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// These tests call the emulator through Alibaba Cloud's own SDK core, the
// independent check that the emulator's signature verification accepts
// exactly what real clients send (V3 by default, V1 with "v2").

func sdkClient(t *testing.T, r *Running, secret, token, algorithm string) *openapi.Client {
	t.Helper()
	return newSDKClient(t, sdkTarget{endpoint: r.Addr, protocol: "http"}, testAK, secret, token, algorithm)
}

// sdkTarget is where a client sends requests and how.
type sdkTarget struct {
	endpoint, protocol string
	retry              *dara.RetryOptions
}

func newSDKClient(t *testing.T, to sdkTarget, ak, secret, token, algorithm string) *openapi.Client {
	t.Helper()
	cfg := &openapiutil.Config{
		AccessKeyId:     ptr(ak),
		AccessKeySecret: ptr(secret),
		Endpoint:        ptr(to.endpoint), // becomes the host header and the URL's host
		Protocol:        ptr(to.protocol),
		RetryOptions:    to.retry,
		RegionId:        ptr("cn-shanghai"),
		ReadTimeout:     ptr(60000), // ms; hang guards only: loopback answers take milliseconds
		ConnectTimeout:  ptr(60000),
	}
	if token != "" {
		cfg.SecurityToken = ptr(token)
	}
	if algorithm != "" {
		cfg.SignatureAlgorithm = ptr(algorithm)
	}
	c, err := openapi.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

func sdkCall(c *openapi.Client, action, method string, query map[string]string) (map[string]any, error) {
	q := map[string]*string{}
	for k, v := range query {
		q[k] = ptr(v)
	}
	params := &openapiutil.Params{
		Action: ptr(action), Version: ptr("2017-03-21"), Protocol: ptr("HTTP"), Pathname: ptr("/"),
		Method: ptr(method), AuthType: ptr("AK"), Style: ptr("RPC"), ReqBodyType: ptr("formData"), BodyType: ptr("json"),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard, not a timing target
	defer cancel()
	return c.CallApiWithCtx(ctx, params, &openapiutil.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
}

func imageInfoFrom(t *testing.T, res map[string]any) Image {
	t.Helper()
	b, err := json.Marshal(res["body"])
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		RequestId string
		ImageInfo Image
	}
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if !requestIDPattern.MatchString(body.RequestId) {
		t.Fatalf("RequestId %q", body.RequestId)
	}
	return body.ImageInfo
}

func TestSDKEndToEnd(t *testing.T) {
	const token = "CAIS-sts-token/with+odd=chars"
	for _, tc := range []struct {
		name, algorithm, token string
	}{
		{"v3", "", ""},
		{"v1", "v2", ""},
		{"v3 sts", "", token},
		{"v1 sts", "v2", token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The emulator's own clock: the SDK stamps requests with the real time.
			r, err := Start(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, SecurityToken: tc.token, Images: testImages()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = r.Close() })
			c := sdkClient(t, r, testSecret, tc.token, tc.algorithm)
			for _, method := range []string{"POST", "GET"} {
				res, err := sdkCall(c, "GetImageInfo", method, map[string]string{"ImageId": "img-cdn", "OutputType": "oss", "AuthTimeout": "120"})
				if err != nil {
					t.Fatalf("%s: %v", method, err)
				}
				img := imageInfoFrom(t, res)
				if img.ImageID != "img-cdn" || img.Mezzanine == nil || img.Mezzanine.FileSize.Bytes != "8932" {
					t.Fatalf("%s: %+v", method, img)
				}
				if err := VerifyOSSURL(img.URL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, time.Now()); err != nil {
					t.Fatalf("%s: %v", method, err)
				}
			}
			// Parameters in a form body (signed with the query in V1, hashed in V3).
			params := &openapiutil.Params{
				Action: ptr("GetImageInfo"), Version: ptr("2017-03-21"), Protocol: ptr("HTTP"), Pathname: ptr("/"),
				Method: ptr("POST"), AuthType: ptr("AK"), Style: ptr("RPC"), ReqBodyType: ptr("formData"), BodyType: ptr("json"),
			}
			res, err := c.CallApiWithCtx(context.Background(), params, &openapiutil.OpenApiRequest{
				Query: map[string]*string{"OutputType": ptr("cdn")},
				Body:  map[string]any{"ImageId": "img-cdn", "AuthTimeout": "60"},
			}, &dara.RuntimeOptions{})
			if err != nil {
				t.Fatalf("form body: %v", err)
			}
			// Type A: valid until timestamp (now + AuthTimeout) + the domain's validity.
			if img := imageInfoFrom(t, res); VerifyCDNURL(img.URL, DefaultCDNPrivateKey, 0, time.Now()) != nil ||
				VerifyCDNURL(img.URL, DefaultCDNPrivateKey, 0, time.Now().Add(DefaultCDNURLValidity+2*time.Minute)) == nil {
				t.Fatalf("form body URL %s", img.URL)
			}
			// An error answer reaches the SDK with code and message.
			_, err = sdkCall(c, "GetImageInfo", "POST", map[string]string{"ImageId": "nope"})
			if err == nil || !strings.Contains(err.Error(), "NoSuchResource") || !strings.Contains(err.Error(), "404") {
				t.Fatalf("unknown image: %v", err)
			}
			res, err = sdkCall(c, "GetImageInfos", "POST", map[string]string{"ImageIds": "img-oss,nope"})
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(res["body"]); !strings.Contains(string(b), `"NonExistImageIds":["nope"]`) {
				t.Fatalf("GetImageInfos: %s", b)
			}
			if st := r.Server.Stats(); st.ByCode["OK"] != 4 || st.ByCode["NoSuchResource"] != 1 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func TestSDKWrongCredentials(t *testing.T) {
	r, err := Start(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, SecurityToken: "tok", Images: testImages()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	for _, algorithm := range []string{"", "v2"} {
		for _, tc := range []struct {
			secret, token, code, contains string
		}{
			{"wrong-secret", "tok", "SignatureDoesNotMatch", "server string to sign is:"},
			{testSecret, "", "MissingSecurityToken", "SecurityToken"},
			{testSecret, "other", "InvalidSecurityToken.Mismatch", "SecurityToken"},
		} {
			c := sdkClient(t, r, tc.secret, tc.token, algorithm)
			_, err := sdkCall(c, "GetImageInfo", "POST", map[string]string{"ImageId": "img-cdn"})
			if err == nil || !strings.Contains(err.Error(), tc.code) || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("algorithm %q secret %q token %q: %v", algorithm, tc.secret, tc.token, err)
			}
		}
	}
}
