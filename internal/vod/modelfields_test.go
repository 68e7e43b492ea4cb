package vod

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every field of GetImageInfo's ImageInfo in Alibaba's models (internal/testdata/api-models),
// nested ones included, reaches vod.Image: the answer gives each a value of its own (a number,
// or a string of digits, since the models type Mezzanine.FileSize as a string), and each must be
// found in the decoded image. A field Alibaba adds, once models.json is refreshed, fails here until
// the client reads it.
func TestEveryModelFieldIsDecoded(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "api-models", "models.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		VOD struct {
			GetImageInfo struct {
				Response struct {
					ImageInfo map[string]any `json:"ImageInfo"`
				} `json:"response"`
			} `json:"GetImageInfo"`
		} `json:"vod/2017-03-21"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	model := file.VOD.GetImageInfo.Response.ImageInfo
	if len(model) == 0 {
		t.Fatal("models.json has no GetImageInfo ImageInfo")
	}
	n := 100
	sent := map[string]string{} // field path to the value sent, as text
	var sample func(path string, m any) any
	sample = func(path string, m any) any {
		switch m := m.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, v := range m {
				out[k] = sample(path+"."+k, v)
			}
			return out
		case string:
			n++
			sent[path] = fmt.Sprint(n)
			if strings.HasPrefix(m, "int") {
				return n
			}
			return fmt.Sprint(n)
		}
		t.Fatalf("%s: a model of %T; teach the test it", path, m)
		return nil
	}
	body, err := json.Marshal(map[string]any{"RequestId": "R", "ImageInfo": sample("ImageInfo", model)})
	if err != nil {
		t.Fatal(err)
	}
	img, err := decodeGetImageInfo(body)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	var collect func(v reflect.Value)
	collect = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				collect(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				collect(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				collect(v.Index(i))
			}
		case reflect.String:
			got[v.String()] = true
		case reflect.Int64:
			got[fmt.Sprint(v.Int())] = true
		}
	}
	collect(reflect.ValueOf(img))
	for path, value := range sent {
		if !got[value] {
			t.Errorf("the model's %s (sent as %s) is not in the decoded vod.Image", path, value)
		}
	}
}
