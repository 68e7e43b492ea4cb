package provider_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	stdimage "image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/provider"
	"github.com/vodtf/terraform-provider-vod/internal/vod"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// The vod_image resource most image tests manage.
const managedImage = "vod_image.test"

// imageProviderConfig is the provider block on tg: on the emulator, uploads go to the emulator's
// own OSS endpoint (oss_endpoint); against the real cloud, to the endpoint VOD names.
func imageProviderConfig(tg *acctest.Target) string {
	if tg.Emulator == nil {
		return tg.ProviderConfig()
	}
	return tg.ProviderBlock(acctest.Keys(), acctest.Arg("oss_endpoint", tg.Emulator.URL))
}

// imageResourceConfig is the provider block and vod_image.test uploading source, with the extra
// argument lines.
func imageResourceConfig(tg *acctest.Target, source string, extra ...string) string {
	return imageProviderConfig(tg) + fmt.Sprintf(`
resource "vod_image" "test" {
  source     = %q
  image_type = "default"
%s
}
`, source, strings.Join(extra, "\n"))
}

// writePNG writes a w×h PNG whose pixels depend on seed (so two seeds give two contents) and
// returns its path. Uncompressed, so that its size is known and large files are fast to make.
func writePNG(t *testing.T, path string, w, h int, seed byte) string {
	t.Helper()
	img := stdimage.NewNRGBA(stdimage.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: byte(x*7) ^ seed, G: byte(y*13) + seed, B: byte(x*y) ^ (seed * 3), A: 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// imageTestClient is a VOD client on tg for arranging and inspecting what Terraform manages: on the
// emulator with its key pair (and its OSS endpoint for uploads), against the real cloud with the
// default credential chain.
func imageTestClient(t *testing.T, tg *acctest.Target) *vod.Client {
	t.Helper()
	src := vod.CredentialSource{}
	endpoint := vod.EndpointForRegion(tg.Region)
	var upload vod.UploadConfig
	if tg.Emulator != nil {
		src.AccessKeyID, src.AccessKeySecret = acctest.EmulatorAccessKeyID, acctest.EmulatorAccessKeySecret
		endpoint, upload.Endpoint = tg.Emulator.URL, tg.Emulator.URL
	}
	cred, err := vod.NewCredential(src)
	if err != nil {
		t.Fatalf("credentials for the test's own client: %v", err)
	}
	c, err := vod.New(vod.Config{Endpoint: endpoint, RegionID: tg.Region, Credential: cred, MaxRetries: vod.DefaultMaxRetries, Upload: upload})
	if err != nil {
		t.Fatalf("the test's own VOD client: %v", err)
	}
	return c
}

// stringInto records a string value for a later step.
func stringInto(dst *string) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		*dst = v
		return nil
	})
}

// imagesGone is a CheckDestroy that every image recorded in ids no longer exists.
func imagesGone(t *testing.T, tg *acctest.Target, ids ...*string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c := imageTestClient(t, tg)
		for _, id := range ids {
			if *id == "" {
				return fmt.Errorf("no image ID was recorded")
			}
			_, err := c.GetImage(context.Background(), vod.GetImageInfoInput{ImageID: *id})
			switch {
			case vod.IsNotFound(err):
			case err != nil:
				return err
			default:
				return fmt.Errorf("image %s still exists after destroy", *id)
			}
		}
		return nil
	}
}

// noImageLeft checks, on the emulator, that every image CreateUploadImage made was deleted.
func noImageLeft(tg *acctest.Target) error {
	if tg.Emulator == nil {
		return nil
	}
	created, deleted := tg.Count("CreateUploadImage", ""), tg.Count("DeleteImage", "")
	if created == 0 || deleted < created {
		return fmt.Errorf("%d CreateUploadImage and %d DeleteImage requests: an image was left behind", created, deleted)
	}
	return nil
}

// wordsRegexp is the pattern re with every space matching any white space: Terraform wraps the
// lines of an error's detail.
func wordsRegexp(re string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(re, " ", `\s+`))
}

// noImageLeftBut checks, on the emulator, that all the images made but keep were deleted: the
// emulator's DeleteImage answers that succeeded.
func noImageLeftBut(tg *acctest.Target, keep int64) error {
	created := tg.Count("CreateUploadImage", "")
	st := tg.Emulator.Server.Stats()
	deleted := st.ByAction["DeleteImage"] - st.ByFault["internal"]
	if created-deleted != keep {
		return fmt.Errorf("%d images created and %d deleted, want %d left", created, deleted, keep)
	}
	return nil
}

var imageIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// emulatorLogo is a test's own emulator, for a test that arranges faults on it or reads its
// statistics (skipped against the real cloud), and a 16×16 PNG made with seed.
func emulatorLogo(t *testing.T, seed byte) (*acctest.Target, string) {
	t.Helper()
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	return tg, writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, seed)
}

// A new image: uploaded, Normal, its size and dimensions read by VOD from the bytes, its hash the
// file's, its metadata as configured.
func TestAccImageResource_create(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 64, 48, 1)
	runSteps(t, true, resource.TestStep{
		Config: imageResourceConfig(tg, src, `  title = "Brand logo"`, `  tags = ["brand", "logo"]`, `  description = "start screen"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), knownvalue.StringRegexp(imageIDPattern)),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("status"), knownvalue.StringExact("Normal")),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("content_sha256"), knownvalue.StringExact(fileSHA256(t, src))),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("image_ext"), knownvalue.StringExact("png")),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("width"), knownvalue.Int64Exact(64)),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("height"), knownvalue.Int64Exact(48)),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("file_size"), knownvalue.Int64Exact(fileSize(t, src))),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("title"), knownvalue.StringExact("Brand logo")),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("tags"),
				knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("brand"), knownvalue.StringExact("logo")})),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("url"), knownvalue.StringRegexp(regexp.MustCompile(`^https?://`))),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("creation_time"), knownvalue.NotNull()),
		},
	})
}

// Title, description and tags change in place: one UpdateImageInfos, the same image.
func TestAccImageResource_updateInPlace(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 2)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	runSteps(t, true,
		resource.TestStep{
			Config:            imageResourceConfig(tg, src, `  title = "first"`, `  tags = ["a"]`),
			ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(managedImage, tfjsonpath.New("id"))},
		},
		resource.TestStep{
			Config: imageResourceConfig(tg, src, `  title = "second"`, `  tags = ["b", "c"]`, `  description = "now described"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(managedImage, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("title"), knownvalue.StringExact("second")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("description"), knownvalue.StringExact("now described")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("tags"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("b"), knownvalue.StringExact("c")})),
			},
		},
		// What VOD holds now is what was configured: a refresh shows no difference.
		resource.TestStep{
			Config: imageResourceConfig(tg, src, `  title = "second"`, `  tags = ["b", "c"]`, `  description = "now described"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionNoop),
			}},
		},
	)
}

// New content under the same path replaces the image (a new ID); the old one is deleted.
func TestAccImageResource_replaceOnContentChange(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 3)
	firstHash := fileSHA256(t, src)
	var oldID string
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	runSteps(t, true,
		resource.TestStep{
			Config: imageResourceConfig(tg, src),
			ConfigStateChecks: []statecheck.StateCheck{
				differentID.AddStateValue(managedImage, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), stringInto(&oldID)),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("content_sha256"), knownvalue.StringExact(firstHash)),
			},
		},
		resource.TestStep{
			PreConfig: func() { writePNG(t, src, 20, 10, 4) },
			Config:    imageResourceConfig(tg, src),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionReplace),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				differentID.AddStateValue(managedImage, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("width"), knownvalue.Int64Exact(20)),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("content_sha256"), knownvalue.StringFunc(func(v string) error {
					if v == firstHash {
						return fmt.Errorf("content_sha256 is still the first file's")
					}
					return nil
				})),
			},
			Check: func(s *terraform.State) error { return imagesGone(t, tg, &oldID)(s) },
		},
	)
}

// A new path to the same bytes changes nothing in VOD: the hash is the change detector.
func TestAccImageResource_movedFileSameContent(t *testing.T) {
	tg := acctest.New(t)
	dir := t.TempDir()
	src := writePNG(t, filepath.Join(dir, "a.png"), 16, 16, 5)
	moved := filepath.Join(dir, "b.png")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	runSteps(t, true,
		resource.TestStep{
			Config:            imageResourceConfig(tg, src),
			ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(managedImage, tfjsonpath.New("id"))},
		},
		resource.TestStep{
			PreConfig: func() {
				if err := os.Rename(src, moved); err != nil {
					t.Fatal(err)
				}
			},
			Config: imageResourceConfig(tg, moved),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(managedImage, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("source"), knownvalue.StringExact(moved)),
			},
		},
	)
}

// A title and tags changed outside Terraform show in the plan, which puts the configured ones back.
func TestAccImageResource_drift(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 6)
	config := imageResourceConfig(tg, src, `  title = "mine"`, `  tags = ["kept"]`)
	var id string
	runSteps(t, true,
		resource.TestStep{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), stringInto(&id))},
		},
		resource.TestStep{
			PreConfig: func() {
				title, tags := "changed in the console", []string{"other"}
				if err := imageTestClient(t, tg).UpdateImage(context.Background(), vod.ImageUpdate{ImageID: id, Title: &title, Tags: &tags}); err != nil {
					t.Fatalf("changing the image outside Terraform: %v", err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(managedImage, tfjsonpath.New("title"), knownvalue.StringExact("mine")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("title"), knownvalue.StringExact("mine")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("tags"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("kept")})),
			},
		},
	)
}

// An image deleted outside Terraform leaves the state at refresh; the apply uploads it again.
func TestAccImageResource_deletedOutside(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 7)
	var id string
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	runSteps(t, true,
		resource.TestStep{
			Config: imageResourceConfig(tg, src),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), stringInto(&id)),
				differentID.AddStateValue(managedImage, tfjsonpath.New("id")),
			},
		},
		resource.TestStep{
			PreConfig: func() {
				if _, err := imageTestClient(t, tg).DeleteImage(context.Background(), id); err != nil {
					t.Fatalf("deleting the image outside Terraform: %v", err)
				}
			},
			Config: imageResourceConfig(tg, src),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(managedImage, tfjsonpath.New("id"))},
		},
	)
}

// terraform import by ID reads the image; what VOD does not report (the file, its hash, the
// CreateUploadImage form of the type) is not compared.
func TestAccImageResource_importCommand(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 8)
	config := imageResourceConfig(tg, src, `  title = "imported"`, `  tags = ["x"]`)
	runSteps(t, true,
		resource.TestStep{Config: config},
		resource.TestStep{Config: config, ResourceName: managedImage, ImportState: true, ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"source", "content_sha256", "image_type", "image_ext", "url", "timeouts"}},
		resource.TestStep{Config: config, ResourceName: managedImage, ImportState: true, ImportStateId: acctest.MissingImage,
			ExpectError: regexp.MustCompile(`VOD image not found`)},
	)
}

// An import block by ID adopts an image uploaded outside Terraform; adding its file as source
// plans no replacement (the sizes agree), and the hash is then stored.
func TestAccImageResource_importBlockAdoptsFile(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 24, 24, 9)
	id := uploadOutside(t, tg, src)
	config := imageResourceConfig(tg, src, `  title = "outside"`) + fmt.Sprintf(`
import {
  to = vod_image.test
  id = %q
}
`, id)
	runSteps(t, true, resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionUpdate),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), knownvalue.StringExact(id)),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("content_sha256"), knownvalue.StringExact(fileSHA256(t, src))),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("width"), knownvalue.Int64Exact(24)),
		},
	})
}

// An imported image whose configured file has another size is another image: the plan replaces it.
func TestAccImageResource_importedImageOtherFileReplaces(t *testing.T) {
	tg := acctest.New(t)
	dir := t.TempDir()
	id := uploadOutside(t, tg, writePNG(t, filepath.Join(dir, "old.png"), 24, 24, 10))
	other := writePNG(t, filepath.Join(dir, "new.png"), 40, 40, 11)
	config := imageResourceConfig(tg, other, `  title = "outside"`) + fmt.Sprintf(`
import {
  to = vod_image.test
  id = %q
}
`, id)
	runSteps(t, true, resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionReplace),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("width"), knownvalue.Int64Exact(40)),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
				if v == id {
					return fmt.Errorf("the imported image %s was kept, not replaced", id)
				}
				return nil
			})),
		},
	})
}

// uploadOutside uploads the file at path as a new image with the test's own client, as a script
// or the console would, and waits until it is Normal. The image's title is "outside".
func uploadOutside(t *testing.T, tg *acctest.Target, path string) string {
	t.Helper()
	ctx := t.Context()
	c := imageTestClient(t, tg)
	tk, err := c.CreateUploadImage(ctx, vod.CreateUploadImageInput{ImageType: "default", ImageExt: "png", Title: "outside",
		OriginalFileName: filepath.Base(path)})
	if err != nil {
		t.Fatalf("CreateUploadImage: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if _, err := c.Upload(ctx, vod.UploadInput{Ticket: tk, Body: f, Size: fileSize(t, path)}); err != nil {
		t.Fatalf("uploading outside Terraform: %v", err)
	}
	for range 100 {
		img, err := c.GetImage(ctx, vod.GetImageInfoInput{ImageID: tk.ImageID})
		if err == nil && img.Status == "Normal" {
			return tk.ImageID
		}
	}
	t.Fatalf("image %s did not become Normal", tk.ImageID)
	return ""
}

// With Terraform 1.12 or OpenTofu 1.12 and later: the identity is stored, and an import block by
// identity adopts the image.
func TestAccImageResource_identity(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 12)
	config := imageResourceConfig(tg, src)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.ResourceIdentitySupported()},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(managedImage, map[string]knownvalue.Check{"image_id": knownvalue.StringRegexp(imageIDPattern)}),
					statecheck.ExpectIdentityValueMatchesStateAtPath(managedImage, tfjsonpath.New("image_id"), tfjsonpath.New("id")),
				},
			},
			// The import plans an update: an imported image adopts the configured file's hash.
			{Config: config, ResourceName: managedImage, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true},
		},
	})
}

// Every plan-time validation is an error naming the argument, before any request.
func TestAccImageResource_planTimeValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writePNG(t, filepath.Join(dir, "ok.png"), 8, 8, 13)
	// A directory whose name has an accepted extension, so that the directory is what is refused.
	folder := filepath.Join(dir, "folder.png")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.png")
	webp := filepath.Join(dir, "photo.webp")
	for _, p := range []string{empty, webp} {
		if err := os.WriteFile(p, map[string][]byte{empty: nil, webp: []byte("RIFF....WEBP")}[p], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A named pipe, where the system has them: opening one would wait for a writer.
	pipe := filepath.Join(dir, "pipe.png")
	pipeErr := provider.Mkfifo(pipe)
	manyTags := make([]string, vod.MaxTags+1)
	for i := range manyTags {
		manyTags[i] = fmt.Sprintf("%q", fmt.Sprintf("t%d", i))
	}
	for _, tc := range []struct {
		name, source string
		extra        []string
		want         string
	}{
		{"missing file", filepath.Join(dir, "nope.png"), nil, `Image file not found`},
		{"empty source", "", nil, `(?s)source.*length must be at least 1`},
		{"control character in source", good + "\n", nil, `(?s)source.*must not contain control characters`},
		{"named pipe", pipe, nil, `(?s)Image source is not a regular file.*Write the image to a file first`},
		{"directory", folder, nil, `Image source is a directory`},
		{"empty file", empty, nil, `Image file is empty`},
		{"extension", webp, nil, `(?s)Image extension VOD does not accept.*image_ext`},
		{"image_ext", good, []string{`  image_ext = "bmp"`}, `(?s)image_ext.*value must be one of`},
		{"too many tags", good, []string{"  tags = [" + strings.Join(manyTags, ", ") + "]"}, `(?s)tags.*at most 16`},
		{"long tag", good, []string{`  tags = ["` + strings.Repeat("x", vod.MaxTagBytes+1) + `"]`}, `(?s)Invalid VOD image tag.*at most 32 bytes`},
		{"comma in tag", good, []string{`  tags = ["a,b"]`}, `(?s)Invalid VOD image tag.*comma`},
		{"empty tag", good, []string{`  tags = [""]`}, `(?s)Invalid VOD image tag.*empty tag`},
		{"cate_id", good, []string{`  cate_id = 0`}, `(?s)cate_id.*at least 1`},
		{"long title", good, []string{`  title = "` + strings.Repeat("题", 43) + `"`}, `(?s)Invalid VOD image title.*129 bytes.*at most 128`},
		{"long description", good, []string{`  description = "` + strings.Repeat("d", vod.MaxDescriptionBytes+1) + `"`},
			`(?s)Invalid VOD image description.*at most 1024`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.source == pipe && pipeErr != nil {
				t.Skipf("no named pipes here: %v", pipeErr)
			}
			tg := acctest.New(t)
			runSteps(t, true, resource.TestStep{
				Config:      imageResourceConfig(tg, tc.source, tc.extra...),
				PlanOnly:    true,
				ExpectError: wordsRegexp(tc.want),
			})
			if n := tg.Requests(); n > 0 {
				t.Errorf("%d requests were sent before the error; want none", n)
			}
		})
	}
	t.Run("image_type", func(t *testing.T) {
		tg := acctest.New(t)
		runSteps(t, true, resource.TestStep{
			Config: imageProviderConfig(tg) + fmt.Sprintf(`
resource "vod_image" "test" {
  source     = %q
  image_type = "thumbnail"
}
`, good),
			PlanOnly:    true,
			ExpectError: wordsRegexp(`(?s)image_type.*value must be one of`),
		})
		if n := tg.Requests(); n > 0 {
			t.Errorf("%d requests were sent before the error; want none", n)
		}
	})
	t.Run("no source", func(t *testing.T) {
		tg := acctest.New(t)
		runSteps(t, true, resource.TestStep{
			Config: imageProviderConfig(tg) + `
resource "vod_image" "test" {
  image_type = "default"
}
`,
			PlanOnly:    true,
			ExpectError: wordsRegexp(`(?s)Missing image source.*set source`),
		})
		if n := tg.Requests(); n > 0 {
			t.Errorf("%d requests were sent before the error; want none", n)
		}
	})
}

// A multipart upload that fails half-way (every part sent, then CompleteMultipartUpload fails on
// every attempt) leaves nothing behind: the image is deleted and the error says so.
func TestAccImageResource_uploadFailsHalfway(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	// Above the 8 MiB part size: a multipart upload.
	src := writePNG(t, filepath.Join(t.TempDir(), "big.png"), 2000, 1600, 14)
	if fileSize(t, src) <= vod.DefaultUploadPartSize {
		t.Fatalf("the test file is %d bytes, not above the part size", fileSize(t, src))
	}
	tg.Emulator.Server.SetFaultRate(vodemu.FaultInternal, 1, "CompleteMultipartUpload")
	runSteps(t, true, resource.TestStep{
		Config:      imageResourceConfig(tg, src),
		ExpectError: wordsRegexp(`(?s)Failed to upload VOD image.*CompleteMultipartUpload.*was deleted: nothing is left behind`),
	})
	if err := noImageLeft(tg); err != nil {
		t.Error(err)
	}
	// Half-way: the parts went, the completion failed, and the multipart upload was aborted so
	// that no parts stay stored.
	ops := tg.Emulator.Server.Stats().OSSByOperation
	if ops["UploadPart"] < 2 || ops["CompleteMultipartUpload"] == 0 || ops["AbortMultipartUpload"] != 1 {
		t.Errorf("OSS operations %v: want the parts sent, CompleteMultipartUpload tried, one AbortMultipartUpload", ops)
	}
}

// VOD marks the upload UploadFail: an error, and the image is deleted.
func TestAccImageResource_uploadFailStatus(t *testing.T) {
	tg, src := emulatorLogo(t, 15)
	tg.Emulator.Server.FailNextUploads(1)
	runSteps(t, true, resource.TestStep{
		Config:      imageResourceConfig(tg, src),
		ExpectError: wordsRegexp(`(?s)VOD image did not become ready.*UploadFail.*Image [0-9a-f]{32}, created for this upload, was deleted`),
	})
	if err := noImageLeft(tg); err != nil {
		t.Error(err)
	}
}

// When the failed image cannot be deleted either, it stays in the state, tainted, and the next
// apply replaces it: deletes it and uploads again.
func TestAccImageResource_undeletableFailureIsTainted(t *testing.T) {
	tg, src := emulatorLogo(t, 20)
	tg.Emulator.Server.FailNextUploads(1)
	tg.Emulator.Server.SetFaultRate(vodemu.FaultInternal, 1, "DeleteImage")
	var taintedID string
	runSteps(t, true,
		resource.TestStep{
			Config: imageResourceConfig(tg, src),
			ExpectError: wordsRegexp(`(?s)VOD image did not become ready.*UploadFail.*Image [0-9a-f]{32}, created for this upload, ` +
				`could not be deleted afterwards.*InternalError.*kept in the Terraform state as tainted`),
		},
		resource.TestStep{
			PreConfig: func() {
				st := tg.Emulator.Server.Stats()
				if st.ByAction["CreateUploadImage"] != 1 {
					t.Fatalf("%d CreateUploadImage requests, want 1", st.ByAction["CreateUploadImage"])
				}
				tg.Emulator.Server.ClearFaults()
			},
			Config: imageResourceConfig(tg, src),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(managedImage, plancheck.ResourceActionReplace),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("status"), knownvalue.StringExact("Normal")),
				statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), stringInto(&taintedID)),
			},
		},
	)
	if n := tg.Count("CreateUploadImage", ""); n != 2 {
		t.Errorf("%d CreateUploadImage requests, want 2 (the failed image, then its replacement)", n)
	}
	if err := noImageLeftBut(tg, 0); err != nil { // the replacement too, destroyed at the end of the test
		t.Error(err)
	}
}

// An image still Uploading when timeouts.create ends is deleted.
func TestAccImageResource_createTimeout(t *testing.T) {
	tg, src := emulatorLogo(t, 16)
	tg.Emulator.Server.SetUploadCompletion(vodemu.UploadCompletion{AfterReads: 1000000})
	runSteps(t, true, resource.TestStep{
		Config:      imageResourceConfig(tg, src, "  timeouts {\n    create = \"3s\"\n  }"),
		ExpectError: wordsRegexp(`(?s)VOD image did not become ready.*"Uploading".*timeouts.create.*was deleted`),
	})
	if err := noImageLeft(tg); err != nil {
		t.Error(err)
	}
}

// Upload credentials that have expired when the upload reaches OSS (SecurityTokenExpired): each
// image is deleted and a new one asked for, a bounded number of times; nothing is left behind.
func TestAccImageResource_expiredUploadCredential(t *testing.T) {
	// The emulator's clock moves five seconds at every reading, and credentials last one second:
	// every credential has expired by the time its upload reaches OSS (or, as the provider reads
	// ExpireUTCTime, before it is sent).
	var ticks atomic.Int64
	start := time.Now()
	tg := acctest.New(t, func(o *vodemu.Options) {
		o.Upload.CredentialLifetime = time.Second
		o.Now = func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * 5 * time.Second) }
	})
	tg.RequireEmulator(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 17)
	runSteps(t, true, resource.TestStep{
		Config:      imageResourceConfig(tg, src),
		ExpectError: wordsRegexp(`(?s)Failed to upload VOD image.*expired.*was deleted`),
	})
	if n := tg.Count("CreateUploadImage", ""); n != 3 {
		t.Errorf("%d CreateUploadImage requests, want 3: a new credential after each expiry, at most 3", n)
	}
	if err := noImageLeft(tg); err != nil {
		t.Error(err)
	}
}

// The first upload credential has expired before the upload starts: that image is deleted, a new
// CreateUploadImage gives a fresh credential, and the upload with it succeeds. The new image is in
// the state; the first is gone and was never uploaded to.
func TestAccImageResource_firstUploadCredentialExpired(t *testing.T) {
	// Credentials last 10 minutes. The emulator issues the first one on a clock 11 minutes behind
	// (its ExpireUTCTime a minute past when it arrives: the provider, on the real clock, sees it
	// expired before sending anything to OSS), the later ones on the real clock. 11 minutes is
	// within the 15 minutes of clock skew the emulator accepts on signed requests.
	var creates atomic.Int64
	var firstDeleted atomic.Value // the ImageIds of the first DeleteImage request
	tg := acctest.New(t, func(o *vodemu.Options) {
		o.Upload.CredentialLifetime = 10 * time.Minute
		o.Now = func() time.Time {
			if creates.Load() <= 1 {
				return time.Now().Add(-11 * time.Minute)
			}
			return time.Now()
		}
		o.OnRequest = func(action string, params map[string]string) {
			switch action {
			case "CreateUploadImage":
				creates.Add(1)
			case "DeleteImage":
				firstDeleted.CompareAndSwap(nil, params["ImageIds"])
			}
		}
	})
	tg.RequireEmulator(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 21)
	runSteps(t, true, resource.TestStep{
		Config: imageResourceConfig(tg, src),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("status"), knownvalue.StringExact("Normal")),
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("content_sha256"), knownvalue.StringExact(fileSHA256(t, src))),
			// The image in the state is not the one deleted for its expired credential.
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
				firstID, _ := firstDeleted.Load().(string)
				if !imageIDPattern.MatchString(firstID) || id == firstID {
					return fmt.Errorf("image %s in the state; deleted before it: %q, want the first image alone", id, firstID)
				}
				return nil
			})),
		},
		Check: func(*terraform.State) error {
			st := tg.Emulator.Server.Stats()
			if st.ByAction["CreateUploadImage"] != 2 || st.ByAction["DeleteImage"] != 1 || st.OSSByOperation["PutObject"] != 1 {
				return fmt.Errorf("%d CreateUploadImage, %d DeleteImage, %d PutObject; want 2, 1 and 1: the first credential "+
					"refused before any upload, its image deleted, one upload with the second", st.ByAction["CreateUploadImage"],
					st.ByAction["DeleteImage"], st.OSSByOperation["PutObject"])
			}
			firstID, _ := firstDeleted.Load().(string)
			return imagesGone(t, tg, &firstID)(nil)
		},
	})
	if err := noImageLeft(tg); err != nil { // the second image too, destroyed at the end of the test
		t.Error(err)
	}
}

// CreateUploadImage throttled: retried after backoff, one image made.
func TestAccImageResource_throttledCreate(t *testing.T) {
	tg, src := emulatorLogo(t, 18)
	tg.Emulator.Server.InjectNext(vodemu.FaultThrottling, 2, "CreateUploadImage")
	runSteps(t, true, resource.TestStep{
		Config: imageResourceConfig(tg, src),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("status"), knownvalue.StringExact("Normal")),
		},
	})
	if n := tg.Count("CreateUploadImage", ""); n != 3 {
		t.Errorf("%d CreateUploadImage requests, want 3 (2 throttled, then one image)", n)
	}
}

// CreateUploadImage throttled for good: retried only for read_timeout (1 s here), then an error
// saying it was throttled and that no image was created; nothing is uploaded.
func TestAccImageResource_throttledCreateGivesUp(t *testing.T) {
	tg, src := emulatorLogo(t, 22)
	tg.Emulator.Server.SetFaultRate(vodemu.FaultThrottling, 1, "CreateUploadImage")
	runSteps(t, true, resource.TestStep{
		Config: tg.ProviderBlock(acctest.Keys(), acctest.Arg("oss_endpoint", tg.Emulator.URL), acctest.Arg("read_timeout", 1)) +
			fmt.Sprintf(`
resource "vod_image" "test" {
  source     = %q
  image_type = "default"
}
`, src),
		ExpectError: wordsRegexp(`(?s)Failed to create VOD image.*Throttling\.User.*throttling \(retried for up to read_timeout\).*No image was created`),
	})
	st := tg.Emulator.Server.Stats()
	if n := st.ByAction["CreateUploadImage"]; n < 2 || st.ByCode["Throttling.User"] != n {
		t.Errorf("%d CreateUploadImage requests, %d throttled: want it retried, every attempt throttled", n, st.ByCode["Throttling.User"])
	}
	if len(st.OSSByOperation) != 0 {
		t.Errorf("OSS requests %v: want none without an upload credential", st.OSSByOperation)
	}
}

// Destroy deletes the image.
func TestAccImageResource_destroy(t *testing.T) {
	tg := acctest.New(t)
	src := writePNG(t, filepath.Join(t.TempDir(), "logo.png"), 16, 16, 19)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             imagesGone(t, tg, &id),
		Steps: []resource.TestStep{{
			Config:            imageResourceConfig(tg, src),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(managedImage, tfjsonpath.New("id"), stringInto(&id))},
		}},
	})
}
