# A CDN URL of a cover image, valid for 7 days and renewed when less than 2 days are left. The URL
# stays the same in every plan until then, so the resources that use it show no change.
resource "vod_image_url" "cover" {
  image_id     = "3e34733b40b9a96ccf5c1ff6f69a0001"
  output_type  = "cdn"
  auth_timeout = 7 * 24 * 3600
  renew_before = 2 * 24 * 3600

  # A new URL whenever the release changes, due or not.
  triggers = {
    release = "2026.11"
  }
}

# Something that needs a plain value: when the URL is renewed, it is updated once.
resource "terraform_data" "cdn_rule" {
  input = {
    origin_url = vod_image_url.cover.url
    valid_till = vod_image_url.cover.expires_at
  }
}

# A resource that must be replaced, not updated, when the URL changes.
resource "terraform_data" "poster" {
  lifecycle {
    replace_triggered_by = [vod_image_url.cover]
  }
}
