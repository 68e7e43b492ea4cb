# A CDN URL of a cover image, valid for one hour.
data "vod_image" "cover" {
  image_id     = "3e34733b40b9a96ccf5c1ff6f69a0001"
  output_type  = "cdn"
  auth_timeout = 3600
}

output "cover" {
  value = {
    url    = data.vod_image.cover.url
    width  = data.vod_image.cover.mezzanine.width
    height = data.vod_image.cover.mezzanine.height
    tags   = data.vod_image.cover.tags
  }
}

# Several images at once.
data "vod_image" "gallery" {
  for_each    = toset(["3e34733b40b9a96ccf5c1ff6f69a0002", "3e34733b40b9a96ccf5c1ff6f69a0003"])
  image_id    = each.value
  output_type = "oss"
}
