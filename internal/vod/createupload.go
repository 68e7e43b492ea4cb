package vod

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Documented limits of an image's metadata, for CreateUploadImage and UpdateImageInfos (models.json,
// CreateUploadImage "limits" and UpdateImageInfos "UpdateContent.shape", from vod-20170321@1534907
// and the UpdateImageInfos API reference). The models say characters where the UpdateImageInfos
// reference says bytes; CheckImageMetadata counts bytes, the stricter, so that what is created can
// also be updated.
const (
	MaxTitleBytes       = 128
	MaxDescriptionBytes = 1024
	MaxTags             = 16
	MaxTagBytes         = 32
	// MaxImagesPerUpdate is how many images one UpdateImageInfos call takes.
	MaxImagesPerUpdate = 20
	// MaxImagesPerDelete is how many IDs one DeleteImage call takes.
	MaxImagesPerDelete = 20
)

// Image types and extensions CreateUploadImage accepts (models.json, CreateUploadImage "limits").
var (
	ImageTypes = []string{"default", "cover"}
	ImageExts  = []string{"png", "jpg", "jpeg", "gif"}
)

// CheckImageMetadata checks a title, description and tags against the documented limits, and
// returns a plain error naming the argument (title, description, tags) and the limit, or nil.
// Empty values are not checked. VOD also refuses emoji in these fields (UpdateImageInfos
// reference); that is left to VOD, whose InvalidParameter answer names it.
func CheckImageMetadata(title, description string, tags []string) error {
	if n := len(title); n > MaxTitleBytes {
		return fmt.Errorf("title is %d bytes long; VOD takes at most %d bytes (UTF-8)", n, MaxTitleBytes)
	}
	if n := len(description); n > MaxDescriptionBytes {
		return fmt.Errorf("description is %d bytes long; VOD takes at most %d bytes (UTF-8)", n, MaxDescriptionBytes)
	}
	if len(tags) > MaxTags {
		return fmt.Errorf("tags has %d tags; VOD takes at most %d", len(tags), MaxTags)
	}
	for _, t := range tags {
		switch {
		case strings.TrimSpace(t) == "":
			return fmt.Errorf("tags has an empty tag")
		case strings.Contains(t, ","):
			return fmt.Errorf("tag %q contains a comma, which VOD uses to separate tags", t)
		case len(t) > MaxTagBytes:
			return fmt.Errorf("tag %q is %d bytes long; VOD takes at most %d bytes (UTF-8)", t, len(t), MaxTagBytes)
		case !utf8.ValidString(t):
			return fmt.Errorf("tag %q is not UTF-8", t)
		}
	}
	return nil
}

// CreateUploadImageInput is CreateUploadImage's request (models.json, CreateUploadImage
// "request"). Zero values are not sent, leaving VOD's defaults.
type CreateUploadImageInput struct {
	// ImageType is required: "default" or "cover" (ImageTypes).
	ImageType string
	// ImageExt is the extension, png (VOD's default), jpg, jpeg or gif (ImageExts).
	ImageExt    string
	Title       string
	Description string
	Tags        []string
	// CateID is the category; nil sends none.
	CateID *int64
	// StorageLocation is the bucket's domain; empty uses the default storage.
	StorageLocation string
	AppID           string
	// OriginalFileName must have an extension when set.
	OriginalFileName string
	// UserData is a JSON string (callback and upload acceleration settings).
	UserData string
}

// UploadTicket is CreateUploadImage's answer: the new image's ID and URLs, and where and with what
// temporary credential its bytes are to be uploaded (Client.Upload). Printing it shows no secret
// (see UploadAuth).
type UploadTicket struct {
	ImageID   string
	ImageURL  string
	FileURL   string
	RequestID string
	Address   UploadAddress
	Auth      *UploadAuth
}

type createUploadImageResponse struct {
	RequestID     string `json:"RequestId"`
	ImageID       string `json:"ImageId"`
	ImageURL      string `json:"ImageURL"`
	FileURL       string `json:"FileURL"`
	UploadAddress string `json:"UploadAddress"`
	UploadAuth    string `json:"UploadAuth"`
}

// query is the request's parameters: the fields that are set.
func (in CreateUploadImageInput) query() map[string]string {
	q := map[string]string{"ImageType": in.ImageType}
	set := func(k, v string) {
		if v != "" {
			q[k] = v
		}
	}
	set("ImageExt", in.ImageExt)
	set("Title", in.Title)
	set("Description", in.Description)
	set("Tags", strings.Join(in.Tags, ","))
	if in.CateID != nil {
		q["CateId"] = strconv.FormatInt(*in.CateID, 10)
	}
	set("StorageLocation", in.StorageLocation)
	set("AppId", in.AppID)
	set("OriginalFileName", in.OriginalFileName)
	set("UserData", in.UserData)
	return q
}

// check rejects, before any request, what the documentation says VOD refuses.
func (in CreateUploadImageInput) check() error {
	if !slices.Contains(ImageTypes, in.ImageType) {
		return fmt.Errorf("image_type %q is not one VOD accepts (%s)", in.ImageType, strings.Join(ImageTypes, ", "))
	}
	if in.ImageExt != "" && !slices.Contains(ImageExts, strings.ToLower(in.ImageExt)) {
		return fmt.Errorf("image extension %q is not one VOD accepts (%s)", in.ImageExt, strings.Join(ImageExts, ", "))
	}
	return CheckImageMetadata(in.Title, in.Description, in.Tags)
}

// CreateUploadImage asks VOD for a new image's ID, upload address and upload credential. The
// credential lasts about UploadCredentialValidity and cannot be refreshed: upload right after, and
// on an upload error for which IsUploadCredentialExpired is true, delete the image and call
// CreateUploadImage again. Input VOD documents as refused (ImageType, ImageExt, CheckImageMetadata)
// is a plain error before any request. The other errors are those of every call (see Client), and
// a plain error when the answer lacks ImageId or its UploadAddress or UploadAuth cannot be decoded
// (its text holds no credential).
func (c *Client) CreateUploadImage(ctx context.Context, in CreateUploadImageInput) (*UploadTicket, error) {
	if err := in.check(); err != nil {
		return nil, fmt.Errorf("CreateUploadImage: %w", err)
	}
	var out *UploadTicket
	err := c.call(ctx, "CreateUploadImage", in.query(), func(body []byte) error {
		var resp createUploadImageResponse
		if err := unmarshal("CreateUploadImage", body, &resp); err != nil {
			var malformed *MalformedResponseError
			if errors.As(err, &malformed) && malformed.Body != "" {
				// The body's first bytes may hold UploadAuth's base64, the secret in it.
				malformed.Body = "[withheld: it may hold the upload credential]"
			}
			return err
		}
		t, err := resp.ticket(c.rates.clock.Now())
		if err != nil {
			return fmt.Errorf("CreateUploadImage: %w (request ID %q)", err, resp.RequestID)
		}
		out = t
		return nil
	})
	return out, err
}

func (r *createUploadImageResponse) ticket(now time.Time) (*UploadTicket, error) {
	if r.ImageID == "" {
		return nil, fmt.Errorf("the response has no ImageId")
	}
	addr, err := decodeUploadAddress(r.UploadAddress)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", r.ImageID, err)
	}
	auth, err := decodeUploadAuth(r.UploadAuth, now)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", r.ImageID, err)
	}
	return &UploadTicket{ImageID: r.ImageID, ImageURL: r.ImageURL, FileURL: r.FileURL, RequestID: r.RequestID,
		Address: addr, Auth: auth}, nil
}
