package vodemu

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vod"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// Every action the emulator implements, called end to end through two
// clients nobody here wrote: the classic alibaba-cloud-sdk-go (typed
// requests, V1 signatures) and darabonba-openapi's generic CallApi (V3
// signatures). GetImageInfo has more such checks in sdk_test.go.

func classicRPC(r *Running, req *requests.RpcRequest) {
	req.Scheme = "http"
	req.Domain = r.Addr
	req.SetReadTimeout(5 * time.Second)
	req.SetConnectTimeout(5 * time.Second)
}

func startSDKEmulator(t *testing.T) *Running {
	t.Helper()
	sts := testSTS()
	sts.Roles = append(sts.Roles, Role{ARN: "acs:ram::1234567890123456:role/long", MaxSessionDuration: 2 * time.Hour})
	r, err := Start(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Images: searchFixture(), STS: sts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func TestClassicSDKEveryAction(t *testing.T) {
	r := startSDKEmulator(t)
	vc, err := vod.NewClientWithAccessKey("cn-shanghai", testAK, testSecret)
	if err != nil {
		t.Fatal(err)
	}

	gi := vod.CreateGetImageInfoRequest()
	classicRPC(r, gi.RpcRequest)
	gi.ImageId, gi.OutputType, gi.AuthTimeout = "img-oss", "oss", requests.NewInteger(600)
	info, err := vc.GetImageInfo(gi)
	if err != nil || info.ImageInfo.ImageId != "img-oss" || info.ImageInfo.Mezzanine.Width != 640 {
		t.Fatalf("GetImageInfo: %v %+v", err, info)
	}
	if err := VerifyOSSURL(info.ImageInfo.URL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, time.Now().Add(590*time.Second)); err != nil {
		t.Errorf("GetImageInfo URL: %v", err)
	}

	gis := vod.CreateGetImageInfosRequest()
	classicRPC(r, gis.RpcRequest)
	gis.ImageIds, gis.OutputType = "img-cdn,nope,s-quote", "cdn"
	infos, err := vc.GetImageInfos(gis)
	if err != nil || len(infos.ImageInfo) != 2 || infos.ImageInfo[0].ImageId != "img-cdn" ||
		strings.Join(infos.NonExistImageIds, ",") != "nope" {
		t.Fatalf("GetImageInfos: %v %+v", err, infos)
	}
	if err := VerifyCDNURL(infos.ImageInfo[0].URL, DefaultCDNPrivateKey, 0, time.Now()); err != nil {
		t.Errorf("GetImageInfos CDN URL: %v", err)
	}

	sm := vod.CreateSearchMediaRequest()
	classicRPC(r, sm.RpcRequest)
	sm.SearchType, sm.Fields, sm.SortBy = "image", "Title,ModificationTime", "CreationTime:Asc"
	sm.Match = `(Title = 'image' or Tags = 'beach') and CreationTime = ['2018-11-21T02:37:23Z',)`
	found, err := vc.SearchMedia(sm)
	if err != nil || found.Total != 5 || len(found.MediaList) != 5 || found.MediaList[0].MediaId != "img-cdn" ||
		found.MediaList[0].Image.ModificationTime != "2018-11-22T02:37:23Z" || found.MediaList[0].Image.Title != "cdn image" ||
		len(found.ScrollToken) != 32 {
		t.Fatalf("SearchMedia: %v %+v", err, found)
	}
	sm.Match = "Status = 'Normal'"
	if _, err := vc.SearchMedia(sm); err == nil || !strings.Contains(err.Error(), "ErrorMatchSyntax") {
		t.Errorf("SearchMedia with a bad Match: %v", err)
	}

	sc, err := sts.NewClientWithAccessKey("cn-shanghai", testAK, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	ar := sts.CreateAssumeRoleRequest()
	classicRPC(r, ar.RpcRequest)
	ar.RoleArn, ar.RoleSessionName, ar.ExternalId = testRoleArn, "classic", testExternalID
	role, err := sc.AssumeRole(ar)
	if err != nil || !strings.HasPrefix(role.Credentials.AccessKeyId, "STS.") || role.AssumedRoleUser.Arn != testRoleArn+"/classic" {
		t.Fatalf("AssumeRole: %v %+v", err, role)
	}
	ar.DurationSeconds = requests.NewInteger(7200)
	if _, err := sc.AssumeRole(ar); err == nil || !strings.Contains(err.Error(), "InvalidParameter.DurationSeconds") {
		t.Errorf("AssumeRole above the role's maximum: %v", err)
	}
	// The temporary credentials work through the classic client too.
	tc, err := vod.NewClientWithStsToken("cn-shanghai", role.Credentials.AccessKeyId, role.Credentials.AccessKeySecret, role.Credentials.SecurityToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tc.GetImageInfo(gi); err != nil {
		t.Errorf("GetImageInfo with STS credentials: %v", err)
	}

	oidc := sts.CreateAssumeRoleWithOIDCRequest()
	classicRPC(r, oidc.RpcRequest)
	oidc.RoleArn, oidc.RoleSessionName = testRoleArn, "classic-oidc"
	oidc.OIDCProviderArn, oidc.OIDCToken = testOIDCProvider, testOIDCToken
	fed, err := sc.AssumeRoleWithOIDC(oidc)
	if err != nil || !strings.HasPrefix(fed.Credentials.AccessKeyId, "STS.") || fed.OIDCTokenInfo.Subject == "" {
		t.Fatalf("AssumeRoleWithOIDC: %v %+v", err, fed)
	}
	oidc.OIDCProviderArn = "acs:ram::1:oidc-provider/other"
	if _, err := sc.AssumeRoleWithOIDC(oidc); err == nil || !strings.Contains(err.Error(), "AuthenticationFail.NoPermission") {
		t.Errorf("AssumeRoleWithOIDC with an unknown provider: %v", err)
	}
}

func TestDarabonbaV3EveryAction(t *testing.T) {
	r := startSDKEmulator(t)
	c := sdkClient(t, r, testSecret, "", "")
	call := func(action, version string, query map[string]string) (map[string]any, error) {
		q := map[string]*string{}
		for k, v := range query {
			q[k] = ptr(v)
		}
		params := &openapiutil.Params{
			Action: ptr(action), Version: ptr(version), Protocol: ptr("HTTP"), Pathname: ptr("/"),
			Method: ptr("POST"), AuthType: ptr("AK"), Style: ptr("RPC"), ReqBodyType: ptr("formData"), BodyType: ptr("json"),
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := c.CallApiWithCtx(ctx, params, &openapiutil.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
		return res, err
	}
	body := func(res map[string]any) string {
		b, _ := json.Marshal(res["body"])
		return string(b)
	}
	for _, tc := range []struct {
		action, version string
		query           map[string]string
		want            []string
	}{
		{"GetImageInfo", APIVersion, map[string]string{"ImageId": "img-cdn"}, []string{`"ImageId":"img-cdn"`, `"ImageType":"NormalSnapshot"`}},
		{"GetImageInfos", APIVersion, map[string]string{"ImageIds": "img-oss,nope"}, []string{`"NonExistImageIds":["nope"]`, `"ImageId":"img-oss"`}},
		{"SearchMedia", APIVersion, map[string]string{"SearchType": "image", "Match": "AppId in ('app-2','app-3')", "Fields": "AppId"},
			[]string{`"Total":3`, `"AppId":"app-2"`, `"ScrollToken":"`}},
		{"AssumeRole", STSVersion, map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "v3", "ExternalId": testExternalID,
			"SourceIdentity": "alice"}, []string{`"SourceIdentity":"alice"`, `"AccessKeyId":"STS.`}},
		{"AssumeRoleWithOIDC", STSVersion, map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "v3-oidc",
			"OIDCProviderArn": testOIDCProvider, "OIDCToken": testOIDCToken}, []string{`"OIDCTokenInfo":{`, `"AccessKeyId":"STS.`}},
	} {
		res, err := call(tc.action, tc.version, tc.query)
		if err != nil {
			t.Errorf("%s: %v", tc.action, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(body(res), w) {
				t.Errorf("%s: %s lacks %s", tc.action, body(res), w)
			}
		}
	}
	if _, err := call("AssumeRole", STSVersion, map[string]string{"RoleArn": "role/x", "RoleSessionName": "v3"}); err == nil ||
		!strings.Contains(err.Error(), "InvalidParameter.RoleArn") {
		t.Errorf("malformed RoleArn: %v", err)
	}
}
