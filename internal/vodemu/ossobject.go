package vodemu

import (
	"bytes"
	"crypto/md5" //nolint:gosec // G501: OSS ETags and Content-MD5 are MD5 by protocol
	"encoding/hex"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strconv"
	"strings"
	"time"
)

// ossObject is an object written through the OSS endpoint. The emulator keeps no object bytes,
// only what VOD and OSS answer about them: the size, MD5 (ETag), CRC-64 and, read from the first
// bytes, the image's dimensions (a deliberate choice: memory stays bounded whatever is uploaded,
// and the stored images' objects already answer GET with an empty body, oss.go).
type ossObject struct {
	size          int64
	md5           [16]byte
	crc64         uint64
	etag          string // quoted, as OSS sends it
	width, height int64
	modified      time.Time
}

// maxImageHead is how many leading bytes of an object are kept to read its dimensions: enough for
// a PNG's or GIF's header and a JPEG's frame header after the usual metadata segments. A JPEG
// whose frame header comes later gets no dimensions.
const maxImageHead = 256 << 10

// imageDimensions reads width and height from an image's first bytes with the standard library's
// PNG, JPEG and GIF decoders, told apart by their signatures. Bytes that are none of these (or
// whose header does not fit in head) give 0 × 0: VOD documents no check of an image's content,
// and which answer it gives for bytes that are no image is undocumented; the emulator accepts
// them, as OSS does, and reports no dimensions.
func imageDimensions(head []byte) (width, height int64) {
	r := bytes.NewReader(head)
	var (
		w, h int
		err  error
	)
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		c, e := png.DecodeConfig(r)
		w, h, err = c.Width, c.Height, e
	case bytes.HasPrefix(head, []byte("\xff\xd8")):
		c, e := jpeg.DecodeConfig(r)
		w, h, err = c.Width, c.Height, e
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		c, e := gif.DecodeConfig(r)
		w, h, err = c.Width, c.Height, e
	default:
		return 0, 0
	}
	if err != nil {
		return 0, 0
	}
	return int64(w), int64(h)
}

// md5ETag is OSS's ETag of an object uploaded whole: the quoted upper-case hex MD5
// [oss-upload.md, PutObject].
func md5ETag(sum [16]byte) string {
	return `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
}

// multipartETag is the ETag of an object put together from parts: OSS documents only that it is
// not the object's MD5 [oss-upload.md, Multipart upload]; the emulator uses the MD5 of the parts'
// MD5s followed by "-" and the number of parts (undocumented form).
func multipartETag(partMD5s [][16]byte) string {
	h := md5.New() //nolint:gosec // G401: an ETag, not a security measure
	for _, m := range partMD5s {
		h.Write(m[:])
	}
	return `"` + strings.ToUpper(hex.EncodeToString(h.Sum(nil))) + "-" + strconv.Itoa(len(partMD5s)) + `"`
}

// mezzanine is ImageInfo's Mezzanine for an image whose source file is this object [Models].
func (o *ossObject) mezzanine(fileURL, originalFileName string) *Mezzanine {
	return &Mezzanine{FileURL: fileURL, OriginalFileName: originalFileName, Width: o.width, Height: o.height,
		FileSize: FileSize{Bytes: strconv.FormatInt(o.size, 10)}}
}
