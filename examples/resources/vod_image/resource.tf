# A brand image uploaded from a file beside the configuration. Editing the file (a new SHA-256)
# replaces the image; title, description, tags and category change in place.
resource "vod_image" "logo" {
  source     = "${path.module}/logo.png"
  image_type = "default"

  title       = "Brand logo"
  description = "Shown on the player's start screen"
  tags        = ["brand", "logo"]
  cate_id     = 1000123456

  timeouts {
    create = "15m"
  }
}

# A signed CDN URL of the uploaded image that stays the same from plan to plan until renewed.
resource "vod_image_url" "logo" {
  image_id    = vod_image.logo.id
  output_type = "cdn"
}

output "logo_url" {
  value = vod_image_url.logo.url
}
