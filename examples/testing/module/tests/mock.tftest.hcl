# Runs with no emulator and no credentials: every data source and resource of the provider answers
# with the values given here, or with values Terraform makes up.
mock_provider "vod" {
  override_data {
    target = data.vod_image.cover
    values = {
      status = "Normal"
      title  = "Mocked cover"
      # OpenTofu wants every attribute of a nested object; Terraform fills in the missing ones.
      mezzanine = {
        width              = 640
        height             = 360
        file_size          = 52100
        file_url           = "https://mock.example.com/cover-source.png"
        original_file_name = "cover.png"
      }
    }
  }

  # vod_images' images (a list of objects) is left to the mock, an empty list: Terraform rejects a
  # list for it (hashicorp/terraform#38369), though OpenTofu takes one.
  override_data {
    target = data.vod_images.gallery
    values = {
      total_count = 0
    }
  }

  override_resource {
    target = vod_image_url.cover
    values = {
      url = "https://mock.example.com/cover.png"
    }
  }
}

variables {
  cover_image_id = "00000000000000000000000000000001"
  gallery_tag    = "product"
}

run "uses_the_mocked_values" {
  assert {
    condition     = output.cover == { title = "Mocked cover", width = 640, url = "https://mock.example.com/cover.png" }
    error_message = "Unexpected cover: ${jsonencode(output.cover)}."
  }

  assert {
    condition     = output.gallery_titles == []
    error_message = "Unexpected gallery: ${jsonencode(output.gallery_titles)}."
  }
}

run "flags_an_image_not_ready" {
  command = plan

  override_data {
    target = data.vod_image.cover
    values = {
      status = "Uploading"
    }
  }

  expect_failures = [check.cover_is_ready]
}
