# Runs against the VOD emulator started with examples/demo/images.json. The ephemeral vod_image is
# tested through the module's check block: an assert on ephemeral.vod_image.cover fails.
variables {
  cover_image_id = "a1b2c3d4e5f647a8b9c0d1e2f3a4b5c6"
}

run "cover_wide_enough" {
  command = plan
}

run "cover_too_narrow" {
  command = plan

  variables {
    min_width = 4000
  }

  expect_failures = [check.cover_wide_enough]
}
