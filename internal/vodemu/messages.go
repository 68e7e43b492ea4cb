package vodemu

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The emulator's successful answers as they go on the wire: one struct per answer shape, its fields
// named, typed and ordered as Alibaba Cloud's SDK models have them ([Models]:
// internal/testdata/api-models/models.json; conformance_test.go compares every answer with them). The store
// keeps images in these types (Image embeds ImageInfo), so a field GetImageInfo returns is one
// line here, and a handler answers with what it stored, its URLs signed. Error answers are
// errorBody (errors.go). Source keys such as [Models] are listed in README.md.

// ImageInfo is GetImageInfo's ImageInfo, and each item of GetImageInfos' ImageInfo (those items
// are GetImageInfo's [Models]): exactly the fields of the model's ImageInfo, so never
// ModificationTime, Ext or Type. The fields every image has are always sent (AppId, CreationTime,
// ImageId, ImageType, Status, StorageLocation, URL: [GetImage]'s example has all of them); Title,
// Description, Tags, CateId and CateName only when set, and Mezzanine only when the image has a
// source file. Whether the real API sends empty values is undocumented: leaving them out catches
// a client that needs them.
//
// Stored (in Image), URL and Mezzanine.FileURL hold the unsigned locations; answers carry freshly
// signed ones (signImage, urls.go).
type ImageInfo struct {
	CreationTime    string     `json:"CreationTime"`
	StorageLocation string     `json:"StorageLocation"` // OSS host, e.g. outin-xxx.oss-cn-shanghai.aliyuncs.com
	Status          string     `json:"Status"`          // Uploading, Normal or UploadFail [GetImage]
	CateID          int64      `json:"CateId,omitempty"`
	Tags            string     `json:"Tags,omitempty"` // one comma-separated string
	ImageType       string     `json:"ImageType"`
	CateName        string     `json:"CateName,omitempty"`
	Description     string     `json:"Description,omitempty"`
	AppID           string     `json:"AppId"`
	URL             string     `json:"URL"` // stored: a host not ending in .aliyuncs.com means "a CDN domain is configured"
	Title           string     `json:"Title,omitempty"`
	ImageID         string     `json:"ImageId"`
	Mezzanine       *Mezzanine `json:"Mezzanine,omitempty"`
}

// Mezzanine is ImageInfo's Mezzanine, the source file's information [Models].
type Mezzanine struct {
	FileURL          string   `json:"FileURL"` // always an OSS URL in answers (signImage)
	OriginalFileName string   `json:"OriginalFileName"`
	Width            int64    `json:"Width"`
	Height           int64    `json:"Height"`
	FileSize         FileSize `json:"FileSize"`
}

// FileSize is Mezzanine.FileSize, a decimal byte count, which [Models] types as a JSON string.
type FileSize struct {
	// Bytes is the count in decimal digits; "" when unknown.
	Bytes string
	// AsNumber makes answers carry the size as a JSON number, so that a client's tolerance of both
	// can be tested. It departs from the models (a deliberate choice), so only Go code sets it:
	// a data file's number is read into Bytes and served as a string.
	AsNumber bool
}

// MarshalJSON writes the size as a JSON string, or as a number if asked to.
func (f FileSize) MarshalJSON() ([]byte, error) {
	if f.AsNumber && isDigits(f.Bytes) {
		return []byte(f.Bytes), nil
	}
	return json.Marshal(f.Bytes)
}

// UnmarshalJSON accepts a JSON string or a number of digits (a data file may use either), and null
// or "" for no size. It never sets AsNumber.
func (f *FileSize) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		if err := json.Unmarshal(b, &f.Bytes); err != nil {
			return fmt.Errorf("Mezzanine.FileSize: %w", err)
		}
	default:
		f.Bytes = string(b)
	}
	if f.Bytes != "" && !isDigits(f.Bytes) {
		return fmt.Errorf("Mezzanine.FileSize %q is not a whole number of bytes", f.Bytes)
	}
	return nil
}

// isDigits reports whether s is one or more ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// getImageInfoResponse is GetImageInfo's answer [Models].
type getImageInfoResponse struct {
	RequestID string `json:"RequestId"`
	ImageInfo ImageInfo
}

// getImageInfosResponse is GetImageInfos' answer [Models]: ImageInfo and NonExistImageIds are
// always arrays, [] when empty.
type getImageInfosResponse struct {
	RequestID        string `json:"RequestId"`
	ImageInfo        []ImageInfo
	NonExistImageIDs []string `json:"NonExistImageIds"`
}

// searchMediaResponse is SearchMedia's answer [Models]: MediaList [] when empty; ScrollToken, 32
// hex characters [Search], only when there are hits.
type searchMediaResponse struct {
	RequestID   string `json:"RequestId"`
	Total       int64
	ScrollToken string `json:",omitempty"`
	MediaList   []searchMediaItem
}

// searchMediaItem is one hit; MediaType is always "image", the only media the emulator stores.
type searchMediaItem struct {
	CreationTime string
	MediaType    string
	MediaID      string `json:"MediaId"`
	Image        searchImage
}

// searchImage is SearchMedia's Image [Models]: ImageId and CreationTime always ("by default, only
// the ID, creation time, and type of each media asset are returned" [Protocol]), the others when
// Fields names them [Guide] and they are set (Image.searchImage, search.go). Its fields are the
// protocol page's image returned fields that the model has: FileName is listed as returned
// [Protocol] but no model carries it, so it is never sent (the models win).
type searchImage struct {
	AppID            string `json:"AppId,omitempty"`
	CateID           int64  `json:"CateId,omitempty"`
	CateName         string `json:",omitempty"`
	CreationTime     string
	Description      string `json:",omitempty"`
	ImageID          string `json:"ImageId"`
	ModificationTime string `json:",omitempty"`
	Status           string `json:",omitempty"`
	StorageLocation  string `json:",omitempty"`
	Tags             string `json:",omitempty"`
	Title            string `json:",omitempty"`
	URL              string `json:",omitempty"`
}

// assumeRoleResponse is the answer of AssumeRole and AssumeRoleWithOIDC [Models]:
// AssumedRoleUser.Arn is <RoleArn>/<session>, AssumedRoleId <18 digits>:<session>; Credentials'
// AccessKeyId is STS.<26 random characters>, SecurityToken CAIS<base64, about 500 characters,
// with + / => and Expiration yyyy-MM-ddTHH:mm:ssZ. SourceIdentity echoes the request's and is
// left out without one (undocumented whether an empty value is sent); OIDCTokenInfo is
// AssumeRoleWithOIDC's only.
type assumeRoleResponse struct {
	RequestID       string `json:"RequestId"`
	SourceIdentity  string `json:",omitempty"`
	AssumedRoleUser assumedRoleUser
	Credentials     stsCredentials
	OIDCTokenInfo   *oidcTokenInfo `json:",omitempty"`
}

// oidcTokenInfo is AssumeRoleWithOIDC's OIDCTokenInfo [Models]: the token's JWT claims (empty if
// it is no JWT) and VerificationInfo naming the provider (tokenInfo, sts.go).
type oidcTokenInfo struct {
	Subject, Issuer                                string
	ClientIDs                                      string `json:"ClientIds"` // the aud claim, comma-separated
	IssuanceTime, ExpirationTime, VerificationInfo string
}

type assumedRoleUser struct {
	ARN           string `json:"Arn"`
	AssumedRoleID string `json:"AssumedRoleId"`
}

type stsCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string
	SecurityToken   string
	Expiration      string
}

// The category actions' answers [Models] (categories.go holds Category, the stored type).

// subCategory is an item of GetCategories' SubCategories.Category: a Category with the number of
// its own subcategories [Models].
type subCategory struct {
	CateID   int64  `json:"CateId"`
	CateName string `json:"CateName"`
	Level    int64  `json:"Level"`
	ParentID int64  `json:"ParentId"`
	Type     string `json:"Type"`
	SubTotal int64  `json:"SubTotal"`
}

// addCategoryResponse is AddCategory's answer [Models].
type addCategoryResponse struct {
	RequestID string `json:"RequestId"`
	Category  Category
}

// requestIDResponse is UpdateCategory's and DeleteCategory's answer [Models].
type requestIDResponse struct {
	RequestID string `json:"RequestId"`
}

// getCategoriesResponse is GetCategories' answer [Models]. Category is left out for the root
// listing (CateId -1), which names no category (undocumented what the real API sends there; leaving
// it out catches a client that needs it). SubCategories.Category is [] when empty, as the
// emulator's other lists are.
type getCategoriesResponse struct {
	RequestID     string `json:"RequestId"`
	SubTotal      int64
	Category      *Category `json:",omitempty"`
	SubCategories subCategories
}

type subCategories struct {
	Category []subCategory
}
