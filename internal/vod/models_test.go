package vod

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The write actions are held to Alibaba Cloud's own models (internal/testdata/api-models/models.json, see
// its README), as internal/vodemu's conformance test holds the reads: every parameter the client
// sends is in the action's request model, the required ones are sent, and an answer with every
// field of the response model decodes into the typed result.

type writeModel struct {
	Request map[string]string `json:"request"`
	// UpdateContent is UpdateImageInfos' note on its JSON parameter's items.
	UpdateContent struct {
		Items    map[string]string `json:"items"`
		MaxItems int               `json:"maxItems"`
	} `json:"UpdateContent.shape"`
	Response any      `json:"response"`
	Required []string `json:"required"`
}

var writeActions = []string{"CreateUploadImage", "UpdateImageInfos", "DeleteImage", "AddCategory", "UpdateCategory", "DeleteCategory", "GetCategories"}

// rpcCommonParameters are the common parameters of RPC requests (V1 signature; vod-api.md,
// "Signatures"), in no action's model.
var rpcCommonParameters = []string{"Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion",
	"SignatureNonce", "SignatureType", "Timestamp", "Signature", "SecurityToken", "RegionId"}

func loadWriteModels(t *testing.T) map[string]writeModel {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "api-models", "models.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]json.RawMessage
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	var actions map[string]json.RawMessage
	if err := json.Unmarshal(file["vod/2017-03-21"], &actions); err != nil {
		t.Fatal(err)
	}
	out := map[string]writeModel{}
	for _, name := range writeActions {
		var m writeModel
		if err := json.Unmarshal(actions[name], &m); err != nil || m.Request == nil {
			t.Fatalf("models.json has no request model for %s (%v)", name, err)
		}
		out[name] = m
	}
	return out
}

// sample builds an answer with every field of a response model: strings "x-<name>", integers 7,
// one element per array. UploadAddress and UploadAuth are strings in the model holding base64
// JSON (their "decoded" notes): they get such values.
func sample(name string, model any) any {
	switch m := model.(type) {
	case string:
		switch {
		case name == "UploadAddress":
			return b64(`{"Endpoint":"https://oss-cn-shanghai.aliyuncs.com","Bucket":"outin-x","FileName":"image/default/x.png"}`)
		case name == "UploadAuth":
			return b64(`{"AccessKeyId":"STS.sample","AccessKeySecret":"sample-secret","SecurityToken":"sample-token","Expiration":"3000"}`)
		case strings.HasPrefix(m, "int"):
			return 7
		case strings.HasPrefix(m, "float"):
			return 1.5
		}
		return "x-" + name
	case map[string]any:
		out := map[string]any{}
		for k, v := range m {
			out[k] = sample(k, v)
		}
		return out
	case []any:
		return []any{sample(name, m[0])}
	}
	panic(fmt.Sprintf("unknown model %T", model))
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// callEveryField makes each write action's call with every field a user can set.
func callEveryField(ctx context.Context, c *Client) map[string]error {
	cate, parent := int64(5), int64(9)
	title, desc, tags := "t", "d", []string{"a", "b"}
	errs := map[string]error{}
	_, errs["CreateUploadImage"] = c.CreateUploadImage(ctx, CreateUploadImageInput{ImageType: "default", ImageExt: "png", Title: "t",
		Description: "d", Tags: []string{"a", "b"}, CateID: &cate, StorageLocation: "outin-x.oss-cn-shanghai.aliyuncs.com",
		AppID: "app-1", OriginalFileName: "x.png", UserData: `{"MessageCallback":{"CallbackURL":"https://example.com/cb"}}`})
	errs["UpdateImageInfos"] = c.UpdateImage(ctx, ImageUpdate{ImageID: testImage, Title: &title, Description: &desc, Tags: &tags, CateID: &cate})
	_, errs["DeleteImage"] = c.DeleteImage(ctx, testImage)
	_, errs["AddCategory"] = c.AddCategory(ctx, AddCategoryInput{Name: "covers", ParentID: &parent, Type: CategoryTypeMaterial})
	errs["UpdateCategory"] = c.UpdateCategory(ctx, 5, "covers")
	_, errs["DeleteCategory"] = c.DeleteCategory(ctx, 5)
	_, errs["GetCategories"] = c.GetCategories(ctx, GetCategoriesInput{CateID: 5, PageNo: 2, PageSize: 100,
		SortBy: CategorySortCreationTimeAsc, Type: CategoryTypeDefault})
	return errs
}

// Every parameter sent is in the request model; the required ones are sent; every field a user can
// set reaches the request (the model's request fields a call never sends are listed, and must be
// the ones this client leaves out on purpose).
func TestWriteActionParametersMatchModels(t *testing.T) {
	models := loadWriteModels(t)
	// Parameters of DeleteImage for deleting a video's snapshots or by URL: not what an image
	// resource does.
	unused := map[string][]string{"DeleteImage": {"ImageType", "ImageURLs", "VideoId"}}
	for _, sig := range []SignatureVersion{SignatureV1, SignatureV3} {
		t.Run(string(sig), func(t *testing.T) {
			d := newRPCDouble(t, func(c rpcCall) rpcAnswer {
				body, _ := json.Marshal(sample("", models[c.Action].Response))
				return ok(string(body))
			})
			for action, err := range callEveryField(context.Background(), doubleClient(t, d, sig, false)) {
				if err != nil {
					t.Errorf("%s: %v", action, err)
				}
			}
			for _, action := range writeActions {
				calls := d.CallsOf(action)
				if len(calls) == 0 {
					t.Errorf("%s was never sent", action)
					continue
				}
				sent := map[string]bool{}
				for _, c := range calls {
					for name := range c.Params {
						if slices.Contains(rpcCommonParameters, name) {
							continue
						}
						sent[name] = true
						if _, ok := models[action].Request[name]; !ok {
							t.Errorf("%s: the client sends %s, which the request model lacks", action, name)
						}
					}
				}
				for _, name := range models[action].Required {
					if !sent[name] {
						t.Errorf("%s: the required %s was not sent", action, name)
					}
				}
				if action == "UpdateImageInfos" {
					checkUpdateContent(t, models[action], calls)
				}
				names := make([]string, 0, len(sent))
				for n := range sent {
					names = append(names, n)
				}
				sort.Strings(names)
				t.Logf("%-17s sends %v", action, names)
				var never []string
				for name := range models[action].Request {
					if !sent[name] && !slices.Contains(unused[action], name) {
						never = append(never, name)
					}
				}
				sort.Strings(never)
				if len(never) > 0 {
					t.Errorf("%s: the model's %v are never sent: a field a user can set is missing", action, never)
				}
			}
		})
	}
}

// An answer with every field of the response model decodes into the typed results.
func TestWriteActionAnswersFromModelsDecode(t *testing.T) {
	models := loadWriteModels(t)
	d := newRPCDouble(t, func(c rpcCall) rpcAnswer {
		body, _ := json.Marshal(sample("", models[c.Action].Response))
		return ok(string(body))
	})
	c := doubleClient(t, d, SignatureV3, false)
	ctx := context.Background()

	ticket, err := c.CreateUploadImage(ctx, CreateUploadImageInput{ImageType: "default"})
	if err != nil {
		t.Fatal(err)
	}
	want := UploadAddress{Endpoint: "https://oss-cn-shanghai.aliyuncs.com", Bucket: "outin-x", FileName: "image/default/x.png"}
	if ticket.ImageID != "x-ImageId" || ticket.ImageURL != "x-ImageURL" || ticket.FileURL != "x-FileURL" ||
		ticket.RequestID != "x-RequestId" || ticket.Address != want || ticket.Auth.AccessKeyID != "STS.sample" ||
		ticket.Auth.secret.get().securityToken != "sample-token" {
		t.Errorf("CreateUploadImage decoded as %+v, address %+v", ticket, ticket.Address)
	}

	// The model's NonExistImageIds holds {"ImageId": ["x-ImageId"]}: that image is reported missing.
	if err := c.UpdateImage(ctx, ImageUpdate{ImageID: "x-ImageId", Title: strp("t")}); !IsNotFound(err) {
		t.Errorf("UpdateImageInfos listing the image in NonExistImageIds: %v, want NoSuchResource", err)
	}
	if err := c.UpdateImage(ctx, ImageUpdate{ImageID: testImage, Title: strp("t")}); err != nil {
		t.Errorf("UpdateImageInfos: %v", err)
	}

	cat, err := c.AddCategory(ctx, AddCategoryInput{Name: "n"})
	wantCat := Category{ID: 7, Name: "x-CateName", Level: 7, ParentID: 7, Type: "x-Type", Subtotal: -1}
	if err != nil || *cat != wantCat {
		t.Errorf("AddCategory: (%+v, %v), want %+v", cat, err, wantCat)
	}
	page, err := c.GetCategories(ctx, GetCategoriesInput{CateID: RootCategoryID})
	if err != nil {
		t.Fatal(err)
	}
	wantSub := Category{ID: 7, Name: "x-CateName", Level: 7, ParentID: 7, Type: "x-Type", Subtotal: 7}
	if page.Subtotal != 7 || page.Category == nil || page.Category.ID != 7 || len(page.Subcategories) != 1 || page.Subcategories[0] != wantSub {
		t.Errorf("GetCategories decoded as %+v", page)
	}
}

// checkUpdateContent checks UpdateImageInfos' UpdateContent against the model's note on it: a JSON
// array of at most maxItems objects with ImageId and only the documented fields.
func checkUpdateContent(t *testing.T, m writeModel, calls []rpcCall) {
	t.Helper()
	if len(m.UpdateContent.Items) == 0 || m.UpdateContent.MaxItems != MaxImagesPerUpdate {
		t.Fatalf("models.json's UpdateContent.shape: %+v, want items and maxItems %d", m.UpdateContent, MaxImagesPerUpdate)
	}
	for _, c := range calls {
		var items []map[string]any
		if err := json.Unmarshal([]byte(c.Params["UpdateContent"]), &items); err != nil {
			t.Errorf("UpdateContent is not a JSON array of objects: %v", err)
			continue
		}
		if len(items) == 0 || len(items) > m.UpdateContent.MaxItems {
			t.Errorf("UpdateContent has %d items", len(items))
		}
		for _, item := range items {
			if _, ok := item["ImageId"].(string); !ok {
				t.Errorf("UpdateContent item without ImageId: %v", item)
			}
			for k := range item {
				if _, ok := m.UpdateContent.Items[k]; !ok {
					t.Errorf("UpdateContent item field %s is not in the model", k)
				}
			}
		}
	}
}
