package acctest

import (
	"context"
	"fmt"
	"testing"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// Client is a VOD client on tg, for tests that arrange or inspect what Terraform manages behind
// its back: a category deleted outside Terraform, an image filed under a category, a tree checked
// after destroy. On the emulator it uses the emulator's key pair; against the real cloud, the
// default credential chain and the public endpoint of the region.
func (tg *Target) Client(t testing.TB) *vod.Client {
	t.Helper()
	src := vod.CredentialSource{}
	endpoint := vod.EndpointForRegion(tg.Region)
	if tg.Emulator != nil {
		src.AccessKeyID, src.AccessKeySecret, src.KeysFrom = EmulatorAccessKeyID, EmulatorAccessKeySecret, "the emulator's key pair"
		endpoint = tg.Emulator.URL
	}
	cred, err := vod.NewCredential(src)
	if err != nil {
		t.Fatalf("acctest: credentials for the test's own client: %v", err)
	}
	c, err := vod.New(vod.Config{Endpoint: endpoint, RegionID: tg.Region, Credential: cred, MaxRetries: vod.DefaultMaxRetries})
	if err != nil {
		t.Fatalf("acctest: the test's own VOD client: %v", err)
	}
	return c
}

// CategoryGone reports whether the category id no longer exists in the tree of type typ: VOD
// answers InvalidCateId.NotFound, or GetCategories' answer does not hold it.
func CategoryGone(ctx context.Context, c *vod.Client, id int64, typ string) (bool, error) {
	out, err := c.GetCategories(ctx, vod.GetCategoriesInput{CateID: id, PageNo: 1, PageSize: 1, Type: typ})
	switch {
	case vod.IsCategoryNotFound(err):
		return true, nil
	case err != nil:
		return false, err
	}
	return out.Category == nil || out.Category.ID != id, nil
}

// FileImage files an image under a category: on the emulator by storing the fixture image again
// with that CateId (the emulator gives it the category's name; it has no UpdateImageInfos), against
// the real cloud with UpdateImageInfos, as the console or vod_image would.
func (tg *Target) FileImage(ctx context.Context, t testing.TB, imageID string, cateID int64) error {
	t.Helper()
	if tg.Emulator != nil {
		img := Fixture(imageID)
		img.CateID, img.CateName = cateID, ""
		return tg.Emulator.Server.PutImage(img)
	}
	return tg.Client(t).UpdateImage(ctx, vod.ImageUpdate{ImageID: imageID, CateID: &cateID})
}

// ImagesWithoutCategory checks that each image still exists and is in no category, as VOD leaves
// the images of a deleted category (DeleteCategory's API reference: the category is removed from
// them).
func ImagesWithoutCategory(ctx context.Context, c *vod.Client, imageIDs ...string) error {
	for _, id := range imageIDs {
		img, err := c.GetImage(ctx, vod.GetImageInfoInput{ImageID: id})
		if err != nil {
			return fmt.Errorf("image %s after its category was deleted: %w", id, err)
		}
		if img.CateName != "" || img.CateID > 0 {
			return fmt.Errorf("image %s is still in category %d (%q) after it was deleted", id, img.CateID, img.CateName)
		}
	}
	return nil
}
