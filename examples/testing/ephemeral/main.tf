# A module that reads an image with the ephemeral vod_image (Terraform 1.10+, OpenTofu 1.11+), so
# that its signed URL never reaches the plan or the state. A test cannot assert an ephemeral
# resource's attributes, and a mock provider has no ephemeral resources: the check block is what
# tests it (tests/emulator.tftest.hcl).
terraform {
  required_providers {
    vod = {
      source = "vodtf/vod"
    }
  }
}

variable "cover_image_id" {
  type = string
}

variable "min_width" {
  type    = number
  default = 1280
}

ephemeral "vod_image" "cover" {
  image_id     = var.cover_image_id
  output_type  = "oss"
  auth_timeout = 600
}

check "cover_wide_enough" {
  assert {
    condition = ephemeral.vod_image.cover.mezzanine.width >= var.min_width
    # An error message may not show an ephemeral value.
    error_message = "Image ${var.cover_image_id} is narrower than ${var.min_width} pixels."
  }
}
