package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/devoverrides"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// Credentials the in-process emulator accepts. They are benchmark values, not secrets.
const (
	accessKeyID     = "LTAI5tBenchAccessKey001"
	accessKeySecret = "bench-secret-for-the-in-process-emulator"
	region          = "cn-shanghai"
)

// imageID is the i-th fixture image's ID: 32 lower-case hex characters, like VOD's.
func imageID(i int) string { return fmt.Sprintf("be4c%028x", i+1) }

// images returns n fixture images shaped like GetImageInfo's ImageInfo: a CDN domain (so that
// output_type = "cdn" gets a signed CDN URL), tags, a category and a mezzanine.
func images(n int) []vodemu.Image {
	const storage = "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com"
	types := []string{"CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot", "default"}
	cates := []string{"covers", "thumbnails", "sprites", "banners", "posters", "avatars", "backgrounds"}
	exts := []string{"jpg", "png", "jpg", "gif", "jpg"}
	sizes := [][2]int64{{1920, 1080}, {1280, 720}, {640, 360}, {3840, 2160}, {1080, 1920}}
	base := time.Date(2024, 3, 1, 8, 15, 0, 0, time.UTC)
	out := make([]vodemu.Image, n)
	for i := range out {
		id := imageID(i)
		ext := exts[i%len(exts)]
		key := "image/default/" + strings.ToUpper(id) + "." + ext
		wh := sizes[i%len(sizes)]
		out[i] = vodemu.Image{
			ImageInfo: vodemu.ImageInfo{
				ImageID:         id,
				Title:           fmt.Sprintf("Catalogue image %d", i+1),
				Description:     fmt.Sprintf("Benchmark fixture %d of %d", i+1, n),
				CateID:          254766071 + int64(i%len(cates)),
				CateName:        cates[i%len(cates)],
				Tags:            fmt.Sprintf("bench,catalogue,batch-%d", i/20),
				ImageType:       types[i%len(types)],
				Status:          "Normal",
				AppID:           "app-1000000",
				CreationTime:    base.Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05Z"),
				StorageLocation: storage,
				URL:             "https://img.example-cdn.com/" + key,
				Mezzanine: &vodemu.Mezzanine{
					FileURL:          "https://" + storage + "/" + key,
					OriginalFileName: fmt.Sprintf("catalogue-%04d.%s", i+1, ext),
					Width:            wh[0],
					Height:           wh[1],
					FileSize:         vodemu.FileSize{Bytes: fmt.Sprint(40000 + (i*7919)%900000)},
				},
			},
		}
	}
	return out
}

// writeMain writes the part of a case's configuration that does not change between runs: the
// required provider and n data sources of the case's provider, in the shape chosen by -shape.
func writeMain(dir string, c *benchCase, shape string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    %s = { source = \"vodtf/%s\" }\n  }\n}\n\n", c.Provider, c.Provider)
	b.WriteString("locals {\n  image_ids = [\n")
	for i := 0; i < c.N; i++ {
		fmt.Fprintf(&b, "    %q,\n", imageID(i))
	}
	b.WriteString("  ]\n}\n\n")
	fmt.Fprintf(&b, "data \"%s_image\" \"img\" {\n", c.Provider)
	if shape == "count" {
		b.WriteString("  count       = length(local.image_ids)\n  image_id    = local.image_ids[count.index]\n")
	} else {
		b.WriteString("  for_each    = toset(local.image_ids)\n  image_id    = each.value\n")
	}
	b.WriteString("  output_type = \"cdn\"\n}\n")
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600)
}

// writeProvider writes the provider block: for vod, the emulator's endpoint and credentials plus the
// case's extra arguments.
func writeProvider(dir string, c *benchCase, endpoint string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "provider %q {\n", c.Provider)
	if c.Provider == "vod" {
		fmt.Fprintf(&b, "  endpoint   = %q\n  region     = %q\n  access_key = %q\n  secret_key = %q\n",
			endpoint, region, accessKeyID, accessKeySecret)
	}
	for _, a := range c.Extra {
		fmt.Fprintf(&b, "  %s = %s\n", a.Name, a.Value)
	}
	b.WriteString("}\n")
	return os.WriteFile(filepath.Join(dir, "provider.tf"), []byte(b.String()), 0o600)
}

// writeCLIConfig writes a CLI configuration whose dev_overrides send both providers, under both
// registries' host names, to the RSS wrappers.
func writeCLIConfig(file string, dirs map[string]string) error {
	return devoverrides.Write(file, map[string]string{"vodtf/vod": dirs["vod"], "vodtf/noop": dirs["noop"]})
}
