# The whole default tree, parents before their children, with the vod_category resource's
# attributes, for terraform query -generate-config-out=generated.tf.
list "vod_category" "tree" {
  provider         = vod
  include_resource = true
  config {}
}

# The categories under one category (not that category itself).
list "vod_category" "covers" {
  provider = vod
  config {
    parent_id = 254766071
  }
}
