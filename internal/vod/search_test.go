package vod

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

func TestImageFilterMatch(t *testing.T) {
	cate := int64(254766071)
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name   string
		filter ImageFilter
		want   string
	}{
		{"empty", ImageFilter{}, ""},
		{"title", ImageFilter{Title: "spring"}, "Title = 'spring'"},
		{"quote and backslash escaped", ImageFilter{Title: `O'Brien \ cover`}, `Title = 'O\'Brien \\ cover'`},
		{"double quotes and parentheses kept", ImageFilter{Title: `"a" (b) and c`}, `Title = '"a" (b) and c'`},
		{"each tag its own clause", ImageFilter{Tags: []string{"spring", "cover"}}, "Tags = 'spring' and Tags = 'cover'"},
		{"category", ImageFilter{CateID: &cate}, "CateId = 254766071"},
		{"statuses", ImageFilter{Statuses: []string{"Normal", "Uploading"}}, "Status in ('Normal','Uploading')"},
		{"storage and app", ImageFilter{StorageLocation: "outin-x.oss-cn-shanghai.aliyuncs.com", AppID: "app-1"},
			"StorageLocation = 'outin-x.oss-cn-shanghai.aliyuncs.com' and AppId in ('app-1')"},
		{"creation range in UTC, both ends included", ImageFilter{
			CreatedAfter:  time.Date(2024, 3, 1, 8, 0, 0, 0, shanghai),
			CreatedBefore: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		}, "CreationTime = ['2024-03-01T00:00:00Z','2024-12-31T00:00:00Z']"},
		{"no upper bound: left empty", ImageFilter{CreatedAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
			"CreationTime = ['2024-01-01T00:00:00Z',)"},
		{"no lower bound: left empty", ImageFilter{CreatedBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
			"CreationTime = (,'2024-01-01T00:00:00Z']"},
		{"all in a fixed order", ImageFilter{Title: "t", Tags: []string{"x"}, CateID: &cate, Statuses: []string{"Normal"},
			StorageLocation: "s.example.com", AppID: "a", CreatedAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
			"Title = 't' and Tags = 'x' and CateId = 254766071 and Status in ('Normal') and StorageLocation = 's.example.com' " +
				"and AppId in ('a') and CreationTime = ['2024-01-01T00:00:00Z',)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.Match(); got != tt.want {
				t.Errorf("Match() =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

// searchEmulator serves n images created a minute apart (image i at minute i), titled "cover i"
// for even i and "sprite i" for odd i, each of them Normal.
func searchEmulator(t *testing.T, n int, adjust ...func(*vodemu.Image)) (*vodemu.Running, *Client) {
	t.Helper()
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	images := make([]vodemu.Image, n)
	for i := range images {
		kind := "cover"
		if i%2 == 1 {
			kind = "sprite"
		}
		images[i] = vodemu.Image{
			ImageInfo: vodemu.ImageInfo{
				ImageID: imageID(i), Title: fmt.Sprintf("%s %d", kind, i), Status: "Normal", Tags: kind, AppID: "app-1000000",
				CreationTime:    base.Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05Z"),
				StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com",
				URL:             fmt.Sprintf("https://outin-abc.oss-cn-shanghai.aliyuncs.com/image/default/%d.png", i),
			},
			ModificationTime: base.Add(time.Duration(i)*time.Minute + time.Hour).Format("2006-01-02T15:04:05Z"),
		}
		for _, f := range adjust {
			f(&images[i])
		}
	}
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: testKeyID, AccessKeySecret: testSecret, Images: images})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret), MaxRetries: 2,
		backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return emu, c
}

func idsOf(indexes ...int) []string {
	ids := make([]string, len(indexes))
	for i, n := range indexes {
		ids[i] = imageID(n)
	}
	return ids
}

func TestGetImagesKeepsOrderAndListsMissing(t *testing.T) {
	t.Parallel()
	emu, c := searchEmulator(t, 60)
	// 45 IDs in an order of their own: descending, one repeated, one in upper case, two unknown.
	var ids []string
	for i := 44; i >= 2; i-- {
		ids = append(ids, imageID(i))
	}
	unknownA, unknownB := fmt.Sprintf("%032x", 9001), fmt.Sprintf("%032x", 9002)
	ids = append(ids, unknownA, imageID(10), strings.ToUpper(imageID(50)), unknownB, unknownA)

	out, err := c.GetImages(context.Background(), GetImagesInput{ImageIDs: ids, OutputType: OutputTypeOSS, AuthTimeout: 600})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Images) != len(ids) {
		t.Fatalf("got %d images for %d IDs", len(out.Images), len(ids))
	}
	for i, id := range ids {
		img := out.Images[i]
		if id == unknownA || id == unknownB {
			if img != nil {
				t.Errorf("position %d (%s): got an image for an unknown ID", i, id)
			}
			continue
		}
		if img == nil || !strings.EqualFold(img.ImageID, id) {
			t.Fatalf("position %d: got %+v, want image %s", i, img, id)
		}
		if !strings.Contains(img.URL, "Signature=") {
			t.Errorf("position %d: want a signed OSS URL, got %q", i, img.URL)
		}
	}
	if !slices.Equal(out.Missing, []string{unknownA, unknownB}) {
		t.Errorf("Missing = %v, want [%s %s] (each once, in order)", out.Missing, unknownA, unknownB)
	}
	if len(out.MissingRequestIDs) != 1 || out.MissingRequestIDs[0] == "" {
		t.Errorf("MissingRequestIDs = %q, want the one request whose answer named both unknown IDs", out.MissingRequestIDs)
	}
	// 46 distinct IDs (the repeated one and the upper-case one count once each): 3 calls of at most 20.
	if n := emu.Server.Stats().ByAction["GetImageInfos"]; n != 3 {
		t.Errorf("GetImageInfos calls = %d, want 3", n)
	}
}

func TestGetImagesFailsOnPersistentError(t *testing.T) {
	t.Parallel()
	emu, c := searchEmulator(t, 50)
	emu.Server.InjectNext(vodemu.FaultInternal, 1000, "GetImageInfos")
	_, err := c.GetImages(context.Background(), GetImagesInput{ImageIDs: idsOf(0, 1, 2)})
	if err == nil || !strings.Contains(err.Error(), "InternalError") {
		t.Fatalf("err = %v, want InternalError", err)
	}
}

func TestSearchImages(t *testing.T) {
	t.Parallel()
	emu, c := searchEmulator(t, 250)
	after := time.Date(2024, 1, 1, 0, 10, 0, 0, time.UTC) // image 10 and later

	tests := []struct {
		name      string
		in        SearchImagesInput
		wantFirst []string
		wantLen   int
		wantTotal int64
		wantCalls int64
	}{
		{"all, newest first, several pages", SearchImagesInput{}, idsOf(249, 248, 247), 250, 250, 3},
		{"oldest first", SearchImagesInput{SortBy: SortCreationTimeAsc}, idsOf(0, 1, 2), 250, 250, 3},
		{"max_results cuts the list and the paging", SearchImagesInput{MaxResults: 150, SortBy: SortCreationTimeAsc}, idsOf(0, 1), 150, 250, 2},
		{"small max_results is one small page", SearchImagesInput{MaxResults: 5}, idsOf(249, 248), 5, 250, 1},
		{"filter by title and time", SearchImagesInput{SortBy: SortCreationTimeAsc,
			Filter: ImageFilter{Title: "sprite", CreatedAfter: after}}, idsOf(11, 13, 15), 120, 120, 2},
		{"nothing matches", SearchImagesInput{Filter: ImageFilter{Statuses: []string{"UploadFail"}}}, nil, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := emu.Server.Stats().ByAction["SearchMedia"]
			out, err := c.SearchImages(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.ImageIDs) != tt.wantLen || out.Total != tt.wantTotal {
				t.Errorf("got %d IDs of Total %d, want %d of %d", len(out.ImageIDs), out.Total, tt.wantLen, tt.wantTotal)
			}
			if len(tt.wantFirst) > 0 && !slices.Equal(out.ImageIDs[:len(tt.wantFirst)], tt.wantFirst) {
				t.Errorf("first IDs = %v, want %v", out.ImageIDs[:len(tt.wantFirst)], tt.wantFirst)
			}
			if calls := emu.Server.Stats().ByAction["SearchMedia"] - before; calls != tt.wantCalls {
				t.Errorf("SearchMedia calls = %d, want %d", calls, tt.wantCalls)
			}
			// SearchMedia gives each hit's last-modified time (asked for with Fields).
			for _, id := range out.ImageIDs {
				var n int
				_, _ = fmt.Sscanf(id, "%x", &n)
				// imageID(i) is i+1 in hex; image i was modified at 01:00 plus i minutes.
				want := time.Date(2024, 1, 1, 1, n-1, 0, 0, time.UTC).Format("2006-01-02T15:04:05Z")
				if got := out.ModificationTimes[id]; got != want {
					t.Fatalf("ModificationTimes[%s] = %q, want %q", id, got, want)
				}
			}
		})
	}
}

// TestSearchImagesBoundsIncluded: created_after and created_before are inclusive, so an image
// created exactly at either bound is found, and one a second outside is not.
func TestSearchImagesBoundsIncluded(t *testing.T) {
	t.Parallel()
	_, c := searchEmulator(t, 10)
	at := func(minute int) time.Time { return time.Date(2024, 1, 1, 0, minute, 0, 0, time.UTC) }
	for _, tt := range []struct {
		filter ImageFilter
		want   []string
	}{
		{ImageFilter{CreatedAfter: at(3), CreatedBefore: at(5)}, idsOf(3, 4, 5)},
		{ImageFilter{CreatedAfter: at(8)}, idsOf(8, 9)},
		{ImageFilter{CreatedBefore: at(1)}, idsOf(0, 1)},
		{ImageFilter{CreatedAfter: at(3).Add(time.Second), CreatedBefore: at(5).Add(-time.Second)}, idsOf(4)},
		{ImageFilter{AppID: "app-1000000", CreatedAfter: at(9)}, idsOf(9)},
	} {
		out, err := c.SearchImages(context.Background(), SearchImagesInput{Filter: tt.filter, SortBy: SortCreationTimeAsc})
		if err != nil {
			t.Fatalf("%s: %v", tt.filter.Match(), err)
		}
		if !slices.Equal(out.ImageIDs, tt.want) {
			t.Errorf("%s: %v, want %v", tt.filter.Match(), out.ImageIDs, tt.want)
		}
	}
}

// SearchMedia pages through only its first 5,000 hits: a search that matches more lists the 5,000
// newest, each once, and Total says how many matched. This is the property vod_images shows a
// configuration (images and total_count, and the warning when max_results is unset); it is proved
// here, in a second, rather than by an acceptance test that spent a minute per CLI moving 5,000
// images through Terraform's state.
func TestSearchImagesStopsAtThePagingCap(t *testing.T) {
	t.Parallel()
	const n = MaxSearchResults + 200
	emu, c := searchEmulator(t, n)
	out, err := c.SearchImages(context.Background(), SearchImagesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ImageIDs) != MaxSearchResults || out.Total != n {
		t.Errorf("got %d IDs of Total %d, want %d of %d", len(out.ImageIDs), out.Total, MaxSearchResults, n)
	}
	seen := map[string]bool{}
	for i, id := range out.ImageIDs { // searchEmulator's image i is created i minutes after the first
		if want := imageID(n - 1 - i); id != want || seen[id] {
			t.Fatalf("ID %d is %s (seen before: %v), want %s: the newest first, each once", i, id, seen[id], want)
		}
		seen[id] = true
	}
	if calls := emu.Server.Stats().ByAction["SearchMedia"]; calls != MaxSearchResults/maxSearchPageSize {
		t.Errorf("SearchMedia calls = %d, want %d", calls, MaxSearchResults/maxSearchPageSize)
	}
}

func TestSearchImagesQuotesWhatItSends(t *testing.T) {
	t.Parallel()
	_, c := searchEmulator(t, 4, func(img *vodemu.Image) {
		if img.ImageID == imageID(2) {
			img.Title = `Chef's \special\ cover`
		}
	})
	out, err := c.SearchImages(context.Background(), SearchImagesInput{Filter: ImageFilter{Title: `'s \special\`}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.ImageIDs, idsOf(2)) {
		t.Errorf("IDs = %v, want only %s", out.ImageIDs, imageID(2))
	}
}
