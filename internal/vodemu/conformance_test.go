package vodemu

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The conformance test holds the emulator, and the project's client, to
// Alibaba Cloud's own models (../testdata/api-models/models.json, see its
// README): every action and every error path is called, and each raw JSON
// answer is compared with the model field by field; and every parameter the
// client sends must exist in the action's request model.

// modelFile is models.json, parsed.
type modelFile map[string]json.RawMessage

type actionModel struct {
	Request  map[string]string `json:"request"`
	Response any               `json:"response"`
}

// modelsFile is the project's one copy of Alibaba Cloud's models (see its README).
var modelsFile = filepath.Join("..", "testdata", "api-models", "models.json")

func loadModels(t *testing.T) map[string]actionModel {
	t.Helper()
	b, err := os.ReadFile(modelsFile)
	if err != nil {
		t.Fatal(err)
	}
	var file modelFile
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	out := map[string]actionModel{}
	for _, product := range []string{"vod/2017-03-21", "sts/2015-04-01"} {
		var entries map[string]json.RawMessage
		if err := json.Unmarshal(file[product], &entries); err != nil {
			t.Fatalf("%s: %v", product, err)
		}
		for name, raw := range entries {
			// Keys with a dot ("errors.common", "about.added") are notes beside the actions.
			if strings.Contains(name, ".") {
				continue
			}
			var m actionModel
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatalf("%s %s: %v", product, name, err)
			}
			out[name] = m
		}
	}
	for name := range operations {
		if _, ok := out[name]; !ok {
			t.Fatalf("models.json has no model for the emulated action %s", name)
		}
	}
	return out
}

// errorModel is the error body every Alibaba Cloud RPC API sends (vod-api.md,
// "Errors"); the SDK models describe successful answers only.
var errorModel = map[string]any{"RequestId": "string", "HostId": "string", "Code": "string", "Message": "string", "Recommend": "string"}

// present is a field that must be sent; a nested map lists, for an object or
// an array's elements, the fields that must be sent inside it.
type present = map[string]any

var errorAlways = present{"RequestId": nil, "HostId": nil, "Code": nil, "Message": nil, "Recommend": nil}

// imageAlways are the ImageInfo fields every image has: the API reference's
// example sends all of them, and none can be empty for a stored image
// (DataFileFormat fills or requires them).
var imageAlways = present{"AppId": nil, "CreationTime": nil, "ImageId": nil, "ImageType": nil, "Status": nil,
	"StorageLocation": nil, "URL": nil}

// categoryAlways are the fields of a category: every category has all of them ([AddCategory]'s and
// [GetCategories]' examples send all).
var categoryAlways = present{"CateId": nil, "CateName": nil, "Level": nil, "ParentId": nil, "Type": nil}

var subCategoryAlways = present{"CateId": nil, "CateName": nil, "Level": nil, "ParentId": nil, "Type": nil, "SubTotal": nil}

var credentialsAlways = present{
	"RequestId":       nil,
	"AssumedRoleUser": present{"Arn": nil, "AssumedRoleId": nil},
	"Credentials":     present{"AccessKeyId": nil, "AccessKeySecret": nil, "Expiration": nil, "SecurityToken": nil},
}

// successAlways are the fields each action's successful answer always has.
var successAlways = map[string]present{
	"GetImageInfo":  {"RequestId": nil, "ImageInfo": imageAlways},
	"GetImageInfos": {"RequestId": nil, "ImageInfo": imageAlways, "NonExistImageIds": nil},
	"SearchMedia": {"RequestId": nil, "Total": nil, "MediaList": present{"CreationTime": nil, "MediaId": nil, "MediaType": nil,
		"Image": present{"ImageId": nil, "CreationTime": nil}}},
	"AddCategory":       {"RequestId": nil, "Category": categoryAlways},
	"UpdateCategory":    {"RequestId": nil},
	"DeleteCategory":    {"RequestId": nil},
	"GetCategories":     {"RequestId": nil, "SubTotal": nil, "SubCategories": present{"Category": subCategoryAlways}},
	"CreateUploadImage": {"RequestId": nil, "FileURL": nil, "ImageId": nil, "ImageURL": nil, "UploadAddress": nil, "UploadAuth": nil},
	"UpdateImageInfos":  {"RequestId": nil, "NonExistImageIds": present{"ImageId": nil}},
	"DeleteImage":       {"RequestId": nil},
	"AssumeRole":        credentialsAlways,
	"AssumeRoleWithOIDC": func() present {
		p := present{"OIDCTokenInfo": present{"VerificationInfo": nil}}
		for k, v := range credentialsAlways {
			p[k] = v
		}
		return p
	}(),
}

// conform compares a decoded JSON value (numbers as json.Number) with a
// model: no field the model lacks, the model's JSON types, and the fields
// in always present.
func conform(path string, model, value any, always any) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, path+": "+fmt.Sprintf(format, args...)) }
	switch m := model.(type) {
	case string:
		switch m {
		case "string":
			if _, ok := value.(string); !ok {
				bad("want a JSON string, got %s", jsonKind(value))
			}
		case "int32", "int64":
			n, ok := value.(json.Number)
			if !ok {
				bad("want a JSON number (%s), got %s", m, jsonKind(value))
				break
			}
			i, err := strconv.ParseInt(n.String(), 10, 64)
			if err != nil || (m == "int32" && (i < math.MinInt32 || i > math.MaxInt32)) {
				bad("%s is not an %s", n, m)
			}
		case "float32", "float64":
			if _, ok := value.(json.Number); !ok {
				bad("want a JSON number (%s), got %s", m, jsonKind(value))
			}
		default:
			bad("unknown model type %q", m)
		}
	case map[string]any:
		obj, ok := value.(map[string]any)
		if !ok {
			bad("want a JSON object, got %s", jsonKind(value))
			break
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub, ok := m[k]
			if !ok {
				bad("field %q is not in the model", k)
				continue
			}
			var subAlways any
			if a, ok := always.(present); ok {
				subAlways = a[k]
			}
			problems = append(problems, conform(path+"."+k, sub, obj[k], subAlways)...)
		}
		if a, ok := always.(present); ok {
			for k := range a {
				if _, ok := obj[k]; !ok {
					bad("field %q, which the API always sends, is missing", k)
				}
			}
		}
	case []any:
		arr, ok := value.([]any)
		if !ok {
			bad("want a JSON array, got %s", jsonKind(value))
			break
		}
		for i, v := range arr {
			problems = append(problems, conform(fmt.Sprintf("%s[%d]", path, i), m[0], v, always)...)
		}
	default:
		bad("unreadable model %T", model)
	}
	return problems
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func decodeRaw(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

// conformanceCase is one request and what it must answer: a success (code
// "") or an error code, with the HTTP status a public table documents for it
// (status; 0 checks only that it is an error status).
type conformanceCase struct {
	name, action, code string
	status             int
	send               func(t *testing.T, h *harness) (int, http.Header, []byte)
}

func v1Case(name, action, code string, params map[string]string, secret string) conformanceCase {
	return conformanceCase{name: name, action: action, code: code, send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
		p := v1Params(action, h.clock.Now())
		if operations[action].version == STSVersion {
			p.Set("Version", STSVersion)
		}
		for k, v := range params {
			if v == "<delete>" {
				p.Del(k)
			} else {
				p.Set(k, v)
			}
		}
		if secret == "" {
			secret = testSecret
		}
		return h.callV1(http.MethodPost, secret, p)
	}}
}

func oidcCase(name, code string, form map[string]string) conformanceCase {
	return conformanceCase{name: name, action: "AssumeRoleWithOIDC", code: code, send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
		q := url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {STSVersion}, "Format": {"JSON"}}
		return callOIDC(t, h, q, form)
	}}
}

// conformanceImages are searchFixture with FileSize as the model's string.
func conformanceImages() []Image {
	imgs := searchFixture()
	for i := range imgs {
		if m := imgs[i].Mezzanine; m != nil {
			c := *m
			c.FileSize.AsNumber = false
			imgs[i].Mezzanine = &c
		}
	}
	return imgs
}

// conformanceCategories are a three-level tree (11 > 12 > 13), a category with a full level
// below it (20, with 2001-2100), and the built-in material category 30 with 31 below it.
func conformanceCategories() []Category {
	cats := []Category{
		{CateID: 11, CateName: "covers"}, {CateID: 12, CateName: "2024", ParentID: 11}, {CateID: 13, CateName: "spring", ParentID: 12},
		{CateID: 20, CateName: "full"},
		{CateID: 30, CateName: "stickers", Type: CategoryTypeMaterial}, {CateID: 31, CateName: "animals", ParentID: 30, Type: CategoryTypeMaterial},
	}
	for i := range maxSubcategories {
		cats = append(cats, Category{CateID: int64(2001 + i), CateName: fmt.Sprintf("child %d", i), ParentID: 20})
	}
	return cats
}

// TestConformance calls every action, successfully and on every error path
// the emulator has, and compares each raw answer with the models.
func TestConformance(t *testing.T) {
	models := loadModels(t)
	h := newHarness(t, func(o *Options) {
		o.Images = conformanceImages()
		o.Categories = conformanceCategories()
		o.STS = testSTS()
	})
	// Temporary credentials for the token cases.
	status, _, body := h.callV1(http.MethodPost, testSecret, stsParams("AssumeRole", testNow, map[string]string{
		"RoleArn": testRoleArn, "RoleSessionName": "conformance"}))
	temp := decodeAssumed(t, status, body).Credentials

	allFields := "AppId,CateId,CateName,Description,ModificationTime,Status,StorageLocation,Tags,Title,URL,FileName,CoverURL"
	cases := []conformanceCase{
		v1Case("cdn image", "GetImageInfo", "", map[string]string{"ImageId": "img-cdn"}, ""),
		v1Case("oss output with mezzanine", "GetImageInfo", "", map[string]string{"ImageId": "img-oss", "OutputType": "oss", "AuthTimeout": "60"}, ""),
		v1Case("no mezzanine, empty fields", "GetImageInfo", "", map[string]string{"ImageId": "s-notime"}, ""),
		v1Case("found and missing", "GetImageInfos", "", map[string]string{"ImageIds": "img-cdn,nope,s-quote,img-oss"}, ""),
		v1Case("none found", "GetImageInfos", "", map[string]string{"ImageIds": "nope"}, ""),
		v1Case("basic fields", "SearchMedia", "", map[string]string{"SearchType": "image"}, ""),
		v1Case("every field", "SearchMedia", "", map[string]string{"SearchType": "image", "Fields": allFields, "PageSize": "100"}, ""),
		v1Case("no hits", "SearchMedia", "", map[string]string{"SearchType": "image", "Match": "ImageId = 'nope'"}, ""),
		v1Case("video search", "SearchMedia", "", map[string]string{"SearchType": "video"}, ""),
		v1Case("plain", "AssumeRole", "", map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "c1"}, ""),
		v1Case("source identity, policy", "AssumeRole", "", map[string]string{"RoleArn": testExtRoleArn, "RoleSessionName": "c2",
			"ExternalId": testExternalID, "SourceIdentity": "alice", "Policy": `{"Version":"1"}`, "DurationSeconds": "900"}, ""),
		oidcCase("token", "", nil),

		// The category tree (conformanceCategories): 11 > 12 > 13, 20 with 100 children, the
		// built-in material category 30 > 31.
		v1Case("level 1", "AddCategory", "", map[string]string{"CateName": "conformance top"}, ""),
		v1Case("level 3", "AddCategory", "", map[string]string{"CateName": "第三级", "ParentId": "12"}, ""),
		v1Case("material level 2", "AddCategory", "", map[string]string{"CateName": "m", "ParentId": "30", "Type": "material"}, ""),
		v1Case("below level 3", "AddCategory", "LevelExceededMax", map[string]string{"CateName": "x", "ParentId": "13"}, ""),
		v1Case("below material level 2", "AddCategory", "LevelExceededMax", map[string]string{"CateName": "x", "ParentId": "31", "Type": "material"}, ""),
		v1Case("full level", "AddCategory", "SubTotalExceededMax", map[string]string{"CateName": "x", "ParentId": "20"}, ""),
		v1Case("unknown parent", "AddCategory", "InvalidCateId.NotFound", map[string]string{"CateName": "x", "ParentId": "999"}, ""),
		v1Case("no name", "AddCategory", "MissingParameter", nil, ""),
		v1Case("65-byte name", "AddCategory", "InvalidParameter", map[string]string{"CateName": strings.Repeat("é", 32) + "x"}, ""),
		v1Case("bad type", "AddCategory", "InvalidParameter", map[string]string{"CateName": "x", "Type": "video"}, ""),
		v1Case("level-1 material", "AddCategory", "MissingParameter", map[string]string{"CateName": "x", "Type": "material"}, ""),
		v1Case("rename", "UpdateCategory", "", map[string]string{"CateId": "11", "CateName": "renamed"}, ""),
		v1Case("unknown category", "UpdateCategory", "InvalidCateId.NotFound", map[string]string{"CateId": "999", "CateName": "x"}, ""),
		v1Case("built-in material", "UpdateCategory", "InvalidParameter", map[string]string{"CateId": "30", "CateName": "x"}, ""),
		v1Case("no CateId", "UpdateCategory", "MissingParameter", map[string]string{"CateName": "x"}, ""),
		v1Case("root", "GetCategories", "", nil, ""),
		v1Case("a subtree", "GetCategories", "", map[string]string{"CateId": "11", "SortBy": "CreationTime:Asc"}, ""),
		v1Case("a full level", "GetCategories", "", map[string]string{"CateId": "20", "PageSize": "100", "PageNo": "1"}, ""),
		v1Case("a leaf", "GetCategories", "", map[string]string{"CateId": "13"}, ""),
		v1Case("material root", "GetCategories", "", map[string]string{"CateId": "-1", "Type": "material"}, ""),
		v1Case("past the last page", "GetCategories", "", map[string]string{"CateId": "20", "PageNo": "3", "PageSize": "50"}, ""),
		v1Case("unknown category", "GetCategories", "InvalidCateId.NotFound", map[string]string{"CateId": "999"}, ""),
		v1Case("page of 101", "GetCategories", "InvalidParameter", map[string]string{"PageSize": "101"}, ""),
		v1Case("bad SortBy", "GetCategories", "InvalidParameter", map[string]string{"SortBy": "CateName:Asc"}, ""),
		v1Case("a subtree", "DeleteCategory", "", map[string]string{"CateId": "12"}, ""),
		v1Case("deleted with its parent", "DeleteCategory", "InvalidCateId.NotFound", map[string]string{"CateId": "13"}, ""),
		v1Case("no CateId", "DeleteCategory", "MissingParameter", nil, ""),
		v1Case("bad CateId", "DeleteCategory", "InvalidParameter", map[string]string{"CateId": "twelve"}, ""),

		// The image write actions (images of conformanceImages; category 11 exists).
		v1Case("every parameter", "CreateUploadImage", "", map[string]string{"ImageType": "cover", "ImageExt": "gif", "Title": "t",
			"Description": "d", "Tags": "a,b", "CateId": "11", "StorageLocation": "outin-c.oss-cn-beijing.aliyuncs.com", "AppId": "app-2",
			"OriginalFileName": "c.gif", "UserData": `{"MessageCallback":{"CallbackURL":"http://example.com"}}`}, ""),
		v1Case("defaults", "CreateUploadImage", "", map[string]string{"ImageType": "default"}, ""),
		v1Case("no ImageType", "CreateUploadImage", "MissingParameter", nil, ""),
		v1Case("bad ImageExt", "CreateUploadImage", "InvalidParameter", map[string]string{"ImageType": "default", "ImageExt": "bmp"}, ""),
		v1Case("unknown category", "CreateUploadImage", "InvalidCateId.NotFound", map[string]string{"ImageType": "default", "CateId": "999"}, ""),
		v1Case("some missing", "UpdateImageInfos", "", map[string]string{"UpdateContent": `[{"ImageId":"s-quote","Title":"x","Description":"y","Tags":"z","CateId":11},{"ImageId":"nope"}]`}, ""),
		v1Case("all there", "UpdateImageInfos", "", map[string]string{"UpdateContent": `[{"ImageId":"s-quote","Title":"x2"}]`}, ""),
		v1Case("no UpdateContent", "UpdateImageInfos", "MissingParameter", nil, ""),
		v1Case("emoji", "UpdateImageInfos", "InvalidParameter", map[string]string{"UpdateContent": `[{"ImageId":"s-quote","Tags":"🐱"}]`}, ""),
		v1Case("unknown category", "UpdateImageInfos", "InvalidCateId.NotFound", map[string]string{"UpdateContent": `[{"ImageId":"s-quote","CateId":999}]`}, ""),
		v1Case("by ID", "DeleteImage", "", map[string]string{"DeleteImageType": "ImageId", "ImageIds": "s-quote"}, ""),
		v1Case("already gone", "DeleteImage", "NoSuchResource", map[string]string{"DeleteImageType": "ImageId", "ImageIds": "s-quote"}, ""),
		v1Case("no type", "DeleteImage", "MissingParameter", nil, ""),
		v1Case("bad type", "DeleteImage", "InvalidParameter", map[string]string{"DeleteImageType": "All"}, ""),
		v1Case("bad snapshot type", "DeleteImage", "InvalidParameter", map[string]string{"DeleteImageType": "VideoId", "VideoId": "v", "ImageType": "x"}, ""),

		// Request reading, in the order the emulator checks.
		// 403: the gateway's "Client error codes" table (errUnsupportedMethod).
		{name: "PUT", action: "GetImageInfo", code: "UnsupportedHTTPMethod", status: http.StatusForbidden, send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
			req, _ := http.NewRequest(http.MethodPut, h.run.URL+"/?Action=GetImageInfo", nil)
			return h.do(req)
		}},
		{name: "body over 1 MiB", action: "GetImageInfo", code: "InvalidParameter", send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
			req, _ := http.NewRequest(http.MethodPost, h.run.URL+"/", strings.NewReader("a="+strings.Repeat("b", MaxBodyBytes)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return h.do(req)
		}},
		{name: "unknown Authorization scheme", action: "GetImageInfo", code: "IncompleteSignature", send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
			req, _ := http.NewRequest(http.MethodGet, h.run.URL+"/?Action=GetImageInfo", nil)
			req.Header.Set("Authorization", "Bearer x")
			return h.do(req)
		}},
		{name: "unsigned", action: "GetImageInfo", code: "MissingSignature", send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
			req, _ := http.NewRequest(http.MethodGet, h.run.URL+"/?"+v1Params("GetImageInfo", testNow).Encode(), nil)
			return h.do(req)
		}},
		{name: "V3 without x-acs-content-sha256", action: "GetImageInfo", code: "MissingXAcsContentSha256",
			send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
				return h.callV3(v3Request{action: "GetImageInfo", afterSign: func(r *http.Request) { r.Header.Del("x-acs-content-sha256") }})
			}},
		v1Case("no Action", "", "MissingAction", map[string]string{"Action": "<delete>"}, ""),
		v1Case("no Version", "GetImageInfo", "MissingVersion", map[string]string{"Version": "<delete>"}, ""),
		v1Case("no AccessKeyId", "GetImageInfo", "MissingAccessKeyId", map[string]string{"AccessKeyId": "<delete>"}, ""),
		v1Case("no SignatureMethod", "GetImageInfo", "MissingSignatureMethod", map[string]string{"SignatureMethod": "<delete>"}, ""),
		v1Case("no SignatureVersion", "GetImageInfo", "MissingSignatureVersion", map[string]string{"SignatureVersion": "<delete>"}, ""),
		v1Case("no SignatureNonce", "GetImageInfo", "MissingSignatureNonce", map[string]string{"SignatureNonce": "<delete>"}, ""),
		v1Case("no Timestamp", "GetImageInfo", "MissingTimestamp", map[string]string{"Timestamp": "<delete>"}, ""),
		v1Case("XML", "GetImageInfo", "InvalidParameter", map[string]string{"Format": "XML", "ImageId": "img-cdn"}, ""),
		v1Case("STS version on VOD", "GetImageInfo", "InvalidVersion", map[string]string{"Version": STSVersion}, ""),
		v1Case("unknown key", "GetImageInfo", "InvalidAccessKeyId.NotFound", map[string]string{"AccessKeyId": "LTAInobody"}, ""),
		v1Case("wrong secret", "GetImageInfo", "SignatureDoesNotMatch", map[string]string{"ImageId": "img-cdn"}, "wrong"),
		v1Case("bad timestamp", "GetImageInfo", "InvalidTimeStamp.Format", map[string]string{"Timestamp": "yesterday"}, ""),
		v1Case("old timestamp", "GetImageInfo", "InvalidTimeStamp.Expired", map[string]string{"Timestamp": "2020-01-01T00:00:00Z"}, ""),
		v1Case("nonce reused", "GetImageInfo", "SignatureNonceUsed", map[string]string{"SignatureNonce": "conformance-fixed", "ImageId": "img-cdn"}, ""),
		v1Case("temporary key without token", "GetImageInfo", "MissingSecurityToken", map[string]string{"AccessKeyId": temp.AccessKeyId, "ImageId": "img-cdn"}, temp.AccessKeySecret),
		v1Case("temporary key, other token", "GetImageInfo", "InvalidSecurityToken.MismatchWithAccessKey", map[string]string{
			"AccessKeyId": temp.AccessKeyId, "SecurityToken": "CAIS-other", "ImageId": "img-cdn"}, temp.AccessKeySecret),
		v1Case("unknown action", "", "InvalidAction.NotFound", map[string]string{"Action": "DeleteVideo"}, ""),

		// The actions' own parameters.
		v1Case("no ImageId", "GetImageInfo", "MissingParameter", nil, ""),
		v1Case("unknown image", "GetImageInfo", "NoSuchResource", map[string]string{"ImageId": "nope"}, ""),
		v1Case("bad OutputType", "GetImageInfo", "InvalidParameter", map[string]string{"ImageId": "img-cdn", "OutputType": "ftp"}, ""),
		v1Case("21 IDs", "GetImageInfos", "InvalidParameter", map[string]string{"ImageIds": func() string {
			ids := make([]string, 21)
			for i := range ids {
				ids[i] = fmt.Sprintf("id-%d", i)
			}
			return strings.Join(ids, ",")
		}()}, ""),
		v1Case("bad Match", "SearchMedia", "ErrorMatchSyntax", map[string]string{"SearchType": "image", "Match": "Status = 'Normal'"}, ""),
		v1Case("bad SortBy", "SearchMedia", "InvalidParameter", map[string]string{"SortBy": "Title:Asc"}, ""),
		v1Case("bad RoleArn", "AssumeRole", "InvalidParameter.RoleArn", map[string]string{"RoleArn": "role/x", "RoleSessionName": "cc"}, ""),
		v1Case("bad session name", "AssumeRole", "InvalidParameter.RoleSessionName", map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "a b"}, ""),
		v1Case("duration over 12 h", "AssumeRole", "InvalidParameter.DurationSeconds", map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "cc", "DurationSeconds": "43201"}, ""),
		v1Case("duration over the role's maximum", "AssumeRole", "InvalidParameter.DurationSeconds", map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "cc", "DurationSeconds": "3601"}, ""),
		v1Case("bad policy", "AssumeRole", "InvalidParameter.PolicyGrammar", map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "cc", "Policy": "{"}, ""),
		v1Case("unknown role", "AssumeRole", "EntityNotExist.Role", map[string]string{"RoleArn": "acs:ram::1:role/nobody", "RoleSessionName": "cc"}, ""),
		v1Case("wrong external ID", "AssumeRole", "NoPermission", map[string]string{"RoleArn": testExtRoleArn, "RoleSessionName": "cc", "ExternalId": "no"}, ""),
		oidcCase("no token", "MissingParameter", map[string]string{"OIDCToken": "<delete>"}),
		oidcCase("unknown provider", "AuthenticationFail.NoPermission", map[string]string{"OIDCProviderArn": "acs:ram::1:oidc-provider/x"}),
		oidcCase("wrong token", "AuthenticationFail.OIDCToken.Invalid", map[string]string{"OIDCToken": "eyJ.other.x"}),
		oidcCase("unknown role", "EntityNotExist.Role", map[string]string{"RoleArn": "acs:ram::1:role/nobody"}),

		// Injected faults and the rate limit answer in the same error shape.
		faultCase("throttling", FaultThrottling, "Throttling.User"),
		faultCase("unavailable", FaultUnavailable, "ServiceUnavailable"),
		faultCase("internal", FaultInternal, "InternalError"),
		{name: "over the rate limit", action: "GetImageInfo", code: "Throttling.User", send: func(t *testing.T, _ *harness) (int, http.Header, []byte) {
			lh := newHarness(t, func(o *Options) { o.QPS = 1 })
			p := v1Params("GetImageInfo", lh.clock.Now())
			p.Set("ImageId", "img-cdn")
			lh.callV1(http.MethodGet, testSecret, p)
			p = v1Params("GetImageInfo", lh.clock.Now())
			p.Set("ImageId", "img-cdn")
			return lh.callV1(http.MethodGet, testSecret, p)
		}},
		{name: "expired temporary key", action: "GetImageInfo", code: "InvalidSecurityToken.Expired", send: func(t *testing.T, _ *harness) (int, http.Header, []byte) {
			eh := newHarness(t, func(o *Options) { o.STS = testSTS() })
			status, _, body := eh.callV1(http.MethodPost, testSecret, stsParams("AssumeRole", testNow, map[string]string{
				"RoleArn": testRoleArn, "RoleSessionName": "expiring", "DurationSeconds": "900"}))
			c := decodeAssumed(t, status, body).Credentials
			eh.clock.Set(testNow.Add(901 * time.Second))
			p := v1Params("GetImageInfo", eh.clock.Now())
			p.Set("AccessKeyId", c.AccessKeyId)
			p.Set("SecurityToken", c.SecurityToken)
			p.Set("ImageId", "img-cdn")
			return eh.callV1(http.MethodGet, c.AccessKeySecret, p)
		}},
	}

	type row struct {
		ok, errs int
		codes    []string
	}
	table := map[string]*row{}
	codes := map[string]bool{}
	sent := map[string]bool{}
	for _, c := range cases {
		status, hdr, body := c.send(t, h)
		if c.name == "nonce reused" && !sent["nonce"] { // the same nonce twice: the second is the case
			sent["nonce"] = true
			status, hdr, body = c.send(t, h)
		}
		label := c.action
		if label == "" {
			label = "(any action)"
		}
		if table[label] == nil {
			table[label] = &row{}
		}
		value, err := decodeRaw(body)
		if err != nil {
			t.Errorf("%s %s: not JSON (%v): %s", label, c.name, err, body)
			continue
		}
		if ct := hdr.Get("Content-Type"); ct != "application/json;charset=utf-8" {
			t.Errorf("%s %s: Content-Type %q", label, c.name, ct)
		}
		var problems []string
		if c.code == "" {
			table[label].ok++
			if status != http.StatusOK {
				t.Errorf("%s %s: HTTP %d %s", label, c.name, status, body)
				continue
			}
			problems = conform(c.action, models[c.action].Response, value, successAlways[c.action])
		} else {
			table[label].errs++
			got, _ := value.(map[string]any)["Code"].(string)
			if status < 400 || got != c.code || (c.status != 0 && status != c.status) {
				t.Errorf("%s %s: HTTP %d code %q, want %s (HTTP %d when documented): %s", label, c.name, status, got, c.code, c.status, body)
			}
			codes[got] = true
			if !slices.Contains(table[label].codes, got) {
				table[label].codes = append(table[label].codes, got)
			}
			problems = conform(c.action+" error", errorModel, value, errorAlways)
		}
		for _, p := range problems {
			t.Errorf("%s %s: %s", label, c.name, p)
		}
	}

	// Every error code the emulator's source can answer was met above.
	for _, code := range emulatorErrorCodes(t) {
		if !codes[code] {
			t.Errorf("error code %s is never exercised by the conformance cases", code)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %8s %8s  %s\n", "action", "success", "errors", "error codes")
	names := make([]string, 0, len(table))
	for n := range table {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sort.Strings(table[n].codes)
		fmt.Fprintf(&b, "%-20s %8d %8d  %s\n", n, table[n].ok, table[n].errs, strings.Join(table[n].codes, ", "))
	}
	fmt.Fprintf(&b, "distinct error codes: %d", len(codes))
	t.Log("conformance cases (each answer checked against the model: fields known, JSON types, always-sent fields)\n" + b.String())
}

func faultCase(name string, kind FaultKind, code string) conformanceCase {
	return conformanceCase{name: "fault " + name, action: "GetImageInfo", code: code, send: func(t *testing.T, h *harness) (int, http.Header, []byte) {
		h.run.Server.InjectNext(kind, 1, "GetImageInfo")
		p := v1Params("GetImageInfo", h.clock.Now())
		p.Set("ImageId", "img-cdn")
		return h.callV1(http.MethodGet, testSecret, p)
	}}
}

// emulatorErrorCodes reads, from the emulator's non-test source, every error
// code it can answer: the literal codes of apiError values, and the
// Missing<Name> codes of errMissingCommon's callers (names given as string
// literals, in calls or in the lists the checks loop over).
func emulatorErrorCodes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codeLit := regexp.MustCompile(`^"[A-Z][A-Za-z]*(\.[A-Za-z0-9]+)*"$`)
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, ok := cl.Type.(*ast.Ident); ok && id.Name == "apiError" && len(cl.Elts) >= 2 {
				if lit, ok := cl.Elts[1].(*ast.BasicLit); ok && codeLit.MatchString(lit.Value) {
					if code, _ := strconv.Unquote(lit.Value); code != "Missing" {
						seen[code] = true
					}
				}
			}
			return true
		})
	}
	// errMissingCommon's names: every common parameter a request may lack.
	for _, name := range []string{"Signature", "Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion",
		"SignatureNonce", "Timestamp", "SecurityToken", "XAcsContentSha256"} {
		seen["Missing"+name] = true
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// rpcCommonParameters are the common request parameters of RPC APIs (V1
// signature; vod-api.md, "Signatures"), not part of any action's model.
var rpcCommonParameters = []string{"Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion",
	"SignatureNonce", "SignatureType", "Timestamp", "Signature", "SecurityToken", "RegionId"}

// notYetInClient are the emulated actions internal/vod has no call for yet on this branch; the
// branch that adds one calls it above and removes it from here.
var notYetInClient = []string{}

// TestConformanceClientParameters runs the project's client (internal/vod:
// reads, batched reads, searches with every filter, role assumption and
// OIDC through its credential sources), V1 and V3, and checks that every
// parameter it sends is in the action's request model.
func TestConformanceClientParameters(t *testing.T) {
	models := loadModels(t)
	var mu sync.Mutex
	sent := map[string]map[string]bool{}
	r := startTLS(t, func(o *Options) {
		o.Images = conformanceImages()
		o.Categories = conformanceCategories()
		o.OnRequest = func(action string, params map[string]string) {
			mu.Lock()
			defer mu.Unlock()
			if sent[action] == nil {
				sent[action] = map[string]bool{}
			}
			for name := range params {
				sent[action][name] = true
			}
		}
	})
	ctx := context.Background()
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(testOIDCToken), 0o600); err != nil {
		t.Fatal(err)
	}
	sources := []vod.CredentialSource{
		{AccessKeyID: testAK, AccessKeySecret: testSecret, STSEndpoint: r.Addr, AssumeRole: &vod.AssumeRole{
			RoleARN: testExtRoleArn, SessionName: "conformance", ExternalID: testExternalID,
			Policy: `{"Version":"1","Statement":[]}`, DurationSeconds: 900}},
		{STSEndpoint: r.Addr, OIDC: &vod.OIDCSource{RoleARN: testRoleArn, ProviderARN: testOIDCProvider,
			TokenFile: tokenFile, SessionName: "conformance", DurationSeconds: 900}},
	}
	cate := int64(7)
	for _, src := range sources {
		cred, err := vod.NewCredential(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, sig := range []vod.SignatureVersion{vod.SignatureV1, vod.SignatureV3} {
			for _, batch := range []bool{false, true} {
				c, err := vod.New(vod.Config{Endpoint: r.URL, RegionID: "cn-shanghai", Credential: cred, SignatureVersion: sig, Batch: batch})
				if err != nil {
					t.Fatal(err)
				}
				// A lone read is sent as GetImageInfo, batching or not.
				if _, err := c.GetImage(ctx, vod.GetImageInfoInput{ImageID: "img-cdn", OutputType: vod.OutputTypeCDN, AuthTimeout: 600}); err != nil {
					t.Fatalf("GetImageInfo: %v", err)
				}
				if _, err := c.GetImage(ctx, vod.GetImageInfoInput{ImageID: "img-oss", OutputType: vod.OutputTypeOSS, AuthTimeout: 60}); err != nil {
					t.Fatalf("GetImage: %v", err)
				}
				if _, err := c.GetImages(ctx, vod.GetImagesInput{ImageIDs: []string{"img-cdn", "nope"}, OutputType: vod.OutputTypeOSS, AuthTimeout: 60}); err != nil {
					t.Fatalf("GetImages: %v", err)
				}
				filter := vod.ImageFilter{Title: "a", Tags: []string{"b"}, CateID: &cate, Statuses: []string{"Normal"},
					StorageLocation: "outin-aaa.oss-cn-beijing.aliyuncs.com", AppID: "app-2",
					CreatedAfter: testNow.Add(-time.Hour), CreatedBefore: testNow}
				if _, err := c.SearchImages(ctx, vod.SearchImagesInput{Filter: filter, SortBy: vod.SortCreationTimeAsc, MaxResults: 3}); err != nil {
					t.Fatalf("SearchImages: %v", err)
				}
				// The write actions, every parameter the client has set.
				cat := int64(11)
				tk, err := c.CreateUploadImage(ctx, vod.CreateUploadImageInput{ImageType: "default", ImageExt: "png", Title: "t",
					Description: "d", Tags: []string{"a", "b"}, CateID: &cat, StorageLocation: "outin-conf.oss-cn-shanghai.aliyuncs.com",
					AppID: "app-1000000", OriginalFileName: "x.png", UserData: `{"Extend":{"a":"b"}}`})
				if err != nil {
					t.Fatalf("CreateUploadImage: %v", err)
				}
				title, tags := "u", []string{"c"}
				if err := c.UpdateImage(ctx, vod.ImageUpdate{ImageID: tk.ImageID, Title: &title, Description: &title, Tags: &tags, CateID: &cat}); err != nil {
					t.Fatalf("UpdateImage: %v", err)
				}
				if _, err := c.DeleteImage(ctx, tk.ImageID); err != nil {
					t.Fatalf("DeleteImage: %v", err)
				}
				// The category actions.
				parent := int64(11)
				added, err := c.AddCategory(ctx, vod.AddCategoryInput{Name: "conf", ParentID: &parent, Type: vod.CategoryTypeDefault})
				if err != nil {
					t.Fatalf("AddCategory: %v", err)
				}
				if err := c.UpdateCategory(ctx, added.ID, "conf2"); err != nil {
					t.Fatalf("UpdateCategory: %v", err)
				}
				if _, err := c.GetCategories(ctx, vod.GetCategoriesInput{CateID: 11, PageNo: 1, PageSize: 10,
					SortBy: vod.CategorySortCreationTimeAsc, Type: vod.CategoryTypeDefault}); err != nil {
					t.Fatalf("GetCategories: %v", err)
				}
				if _, err := c.DeleteCategory(ctx, added.ID); err != nil {
					t.Fatalf("DeleteCategory: %v", err)
				}
			}
		}
	}
	for action := range operations {
		params, ok := sent[action]
		if !ok {
			if !slices.Contains(notYetInClient, action) {
				t.Errorf("the client never sent %s", action)
			}
			continue
		}
		var unknown []string
		for name := range params {
			if _, ok := models[action].Request[name]; !ok && !slices.Contains(rpcCommonParameters, name) {
				unknown = append(unknown, name)
			}
		}
		sort.Strings(unknown)
		if len(unknown) > 0 {
			t.Errorf("the client sends %s parameters that the request model lacks: %v", action, unknown)
		}
		names := make([]string, 0, len(params))
		for n := range params {
			if !slices.Contains(rpcCommonParameters, n) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		t.Logf("%-19s sends %v", action, names)
	}
}

// TestConformanceUploadTicket: UploadAddress and UploadAuth, decoded, have the fields models.json
// documents for them (UploadAuth's ExpireUTCTime from public client code), every one a string.
func TestConformanceUploadTicket(t *testing.T) {
	b, err := os.ReadFile(modelsFile)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		VOD struct {
			CreateUploadImage struct {
				Address struct{ Fields map[string]string } `json:"UploadAddress.decoded"`
				Auth    struct {
					Fields     map[string]string
					SeenInCode map[string]string `json:"fieldsSeenOnlyInPublicClientCode"`
				} `json:"UploadAuth.decoded"`
			}
		} `json:"vod/2017-03-21"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	m := file.VOD.CreateUploadImage
	authModel := map[string]any{}
	for k := range m.Auth.Fields {
		authModel[k] = "string"
	}
	for k := range m.Auth.SeenInCode {
		authModel[k] = "string"
	}
	addrModel, addrAlways, authAlways := map[string]any{}, present{}, present{}
	for k := range m.Address.Fields {
		addrModel[k], addrAlways[k] = "string", nil
	}
	for k := range m.Auth.Fields {
		authAlways[k] = nil
	}
	if len(addrModel) != 3 || len(authModel) != 5 {
		t.Fatalf("models.json: UploadAddress %v, UploadAuth %v", addrModel, authModel)
	}
	h := newHarness(t, nil)
	status, body := h.call("CreateUploadImage", map[string]string{"ImageType": "default"})
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	var resp map[string]string
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name   string
		model  map[string]any
		always present
	}{{"UploadAddress", addrModel, addrAlways}, {"UploadAuth", authModel, authAlways}} {
		raw, err := base64.StdEncoding.DecodeString(resp[f.name])
		if err != nil {
			t.Fatalf("%s is not base64: %v", f.name, err)
		}
		v, err := decodeRaw(raw)
		if err != nil {
			t.Fatalf("%s is not JSON: %v", f.name, err)
		}
		for _, p := range conform(f.name, f.model, v, f.always) {
			t.Error(p)
		}
	}
}

// TestConformCatches: the comparison reports each kind of divergence.
func TestConformCatches(t *testing.T) {
	model := map[string]any{"S": "string", "N": "int32", "O": map[string]any{"X": "string"}, "L": []any{"string"}}
	value, err := decodeRaw([]byte(`{"S":1,"N":"2","O":{"Y":"z"},"L":["a",3],"Extra":true,"M":4294967296}`))
	if err != nil {
		t.Fatal(err)
	}
	got := conform("r", model, value, present{"S": nil, "O": present{"X": nil}, "Absent": nil})
	want := []string{
		`r.L[1]: want a JSON string, got a number`,
		`r: field "Extra" is not in the model`,
		`r: field "M" is not in the model`,
		`r.N: want a JSON number (int32), got a string`,
		`r.O: field "Y" is not in the model`,
		`r.O: field "X", which the API always sends, is missing`,
		`r.S: want a JSON string, got a number`,
		`r: field "Absent", which the API always sends, is missing`,
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p := conform("n", "int32", json.Number("2147483648"), nil); len(p) != 1 {
		t.Errorf("int32 overflow: %v", p)
	}
}
