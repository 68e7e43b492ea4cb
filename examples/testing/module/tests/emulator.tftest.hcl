# Runs against the VOD emulator started with examples/demo/images.json: the provider takes its
# endpoint, region and credentials from the ALIBABA_CLOUD_* environment variables.
variables {
  cover_image_id = "a1b2c3d4e5f647a8b9c0d1e2f3a4b5c6"
  gallery_tag    = "product"
}

run "reads_the_cover" {
  command = plan

  assert {
    condition     = data.vod_image.cover.title == "Spring campaign cover"
    error_message = "Unexpected title: ${data.vod_image.cover.title}."
  }
}

run "keeps_a_url" {
  assert {
    condition     = startswith(output.cover.url, "https://")
    error_message = "No URL for the cover."
  }

  assert {
    condition     = output.gallery_titles == ["Product walkthrough frame"]
    error_message = "Unexpected gallery: ${jsonencode(output.gallery_titles)}."
  }
}

# The URL is kept in the state: a second apply leaves it as it was. The earlier run's output comes
# in through a variable: OpenTofu 1.12 does not accept run.<name> in an assert, both CLIs accept it
# in a run's variables.
run "same_url_at_the_next_run" {
  variables {
    previous_url = run.keeps_a_url.cover.url
  }

  assert {
    condition     = output.cover.url == var.previous_url
    error_message = "The cover's URL changed between two runs."
  }
}
