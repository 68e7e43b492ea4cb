# A CDN URL of the cover image, signed for ten minutes, that Terraform keeps out of the plan and
# the state. Ephemeral resources need Terraform 1.10 or OpenTofu 1.11 or later.
ephemeral "vod_image" "cover" {
  image_id     = "3e34733b40b9a96ccf5c1ff6f69a0001"
  output_type  = "cdn"
  auth_timeout = 600
}

# Its attributes can be used wherever ephemeral values are accepted: in provider blocks, in other
# ephemeral resources, in write-only arguments of managed resources, in locals (which become
# ephemeral), and in variables and outputs marked `ephemeral = true` in child modules. Check
# blocks may use them too, as their results keep no values:
check "cover_ready" {
  assert {
    condition     = ephemeral.vod_image.cover.status == "Normal" && try(ephemeral.vod_image.cover.mezzanine.width, 0) >= 1280
    error_message = "The cover image has not finished uploading, or is narrower than 1280 pixels."
  }
}
