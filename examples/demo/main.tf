# The configuration `make demo` runs against the bundled VOD emulator. Credentials, region and
# endpoint come from the ALIBABA_CLOUD_* environment variables; uploads go to oss_endpoint.
terraform {
  required_providers {
    vod = {
      source = "vodtf/vod"
    }
  }
}

variable "oss_endpoint" {
  description = "Where vod_image uploads go: run.sh sets the emulator's address (TF_VAR_oss_endpoint). Null, as against Alibaba Cloud, means the OSS endpoint VOD names."
  type        = string
  default     = null
}

provider "vod" {
  oss_endpoint = var.oss_endpoint
}

locals {
  images = {
    cover    = "a1b2c3d4e5f647a8b9c0d1e2f3a4b5c6"
    snapshot = "7f3e9a10c2d84b6e8f1a2b3c4d5e6f70"
    logo     = "0c9d3e1b77a64f2e8a5b6c7d8e9f0a1b"
  }
}

# A one-hour CDN URL where the image has a CDN domain, an OSS URL otherwise.
data "vod_image" "catalogue" {
  for_each     = local.images
  image_id     = each.value
  auth_timeout = 3600
}

output "images" {
  description = "URL, size and status of each demo image."
  value = {
    for name, img in data.vod_image.catalogue : name => {
      title  = img.title
      url    = img.url
      width  = img.mezzanine.width
      height = img.mezzanine.height
      bytes  = img.mezzanine.file_size
      tags   = img.tags
    }
  }
}

# The two most recent images created in 2024, found with VOD's media search.
data "vod_images" "recent" {
  filter {
    created_after = "2024-01-01T00:00:00Z"
  }
  sort        = "CreationTime:Desc"
  max_results = 2
  output_type = "oss"
}

output "recent" {
  description = "Titles of the newest images of 2024, and how many images of 2024 there are."
  value = {
    titles = [for img in data.vod_images.recent.images : img.title]
    total  = data.vod_images.recent.total_count
  }
}

# Signed URLs that stay the same from run to run, of the cover and of the image uploaded below: a
# second plan shows no change, until less than renew_before (here 12 of the 24 hours) is left, when
# a plan replaces each once.
resource "vod_image_url" "kept" {
  for_each = {
    cover    = local.images.cover
    uploaded = vod_image.logo.id
  }
  image_id     = each.value
  output_type  = "oss"
  auth_timeout = 86400
  renew_before = 43200
}

output "cover_url" {
  description = "The cover's stored URL, when it expires and from when a plan renews it."
  value = {
    url        = vod_image_url.kept["cover"].url
    expires_at = vod_image_url.kept["cover"].expires_at
    renew_at   = vod_image_url.kept["cover"].renew_at
  }
}

# An image this configuration owns: logo.png, beside this file, uploaded to VOD (CreateUploadImage,
# then the file to OSS with the temporary credential VOD gives). Its SHA-256, computed at plan time,
# is what detects a new file: editing logo.png replaces the image; title and tags change in place.
resource "vod_image" "logo" {
  source     = "${path.module}/logo.png"
  image_type = "default"
  title      = "Demo logo"
  tags       = ["demo", "logo"]
}

output "uploaded" {
  description = "The image uploaded from logo.png: its ID, status, what VOD read from the bytes, and its kept signed URL."
  value = {
    id         = vod_image.logo.id
    status     = vod_image.logo.status
    width      = vod_image.logo.width
    height     = vod_image.logo.height
    bytes      = vod_image.logo.file_size
    sha256     = vod_image.logo.content_sha256
    url        = vod_image_url.kept["uploaded"].url
    expires_at = vod_image_url.kept["uploaded"].expires_at
  }
}
