# A small module to test: the cover image of a page, with a URL that stays the same from run to
# run, and the images of a gallery found by tag. tests/ holds its tests: emulator.tftest.hcl runs
# it against the VOD emulator, mock.tftest.hcl against a mocked provider, with no emulator at all.
terraform {
  required_providers {
    vod = {
      source = "vodtf/vod"
    }
  }
}

variable "cover_image_id" {
  type        = string
  description = "ID of the page's cover image."
}

variable "gallery_tag" {
  type        = string
  description = "Tag of the gallery's images."
}

data "vod_image" "cover" {
  image_id    = var.cover_image_id
  output_type = "oss"
}

data "vod_images" "gallery" {
  filter {
    tags = [var.gallery_tag]
  }
  sort = "CreationTime:Desc"
}

resource "vod_image_url" "cover" {
  image_id     = var.cover_image_id
  auth_timeout = 86400
}

check "cover_is_ready" {
  assert {
    condition     = data.vod_image.cover.status == "Normal"
    error_message = "Image ${var.cover_image_id} is ${data.vod_image.cover.status}, not Normal."
  }
}

output "cover" {
  value = {
    title = data.vod_image.cover.title
    width = data.vod_image.cover.mezzanine.width
    url   = vod_image_url.cover.url
  }
}

output "gallery_titles" {
  value = [for img in data.vod_images.gallery.images : img.title]
}
